//go:build !cgo

package pkcs11

import "errors"

var errNoCgo = errors.New("pkcs11: this coffer was built without cgo, which PKCS#11 needs (rebuild with CGO_ENABLED=1 and a C compiler)")

// Session is a logged-in session with a token; without cgo none can open.
type Session struct{}

// Open fails: PKCS#11 needs cgo.
func Open(Config) (*Session, error) { return nil, errNoCgo }

// Close does nothing.
func (*Session) Close() error { return nil }

// FindKey fails: PKCS#11 needs cgo.
func (*Session) FindKey(string) (Key, error) { return Key{}, errNoCgo }

// GenerateKey fails: PKCS#11 needs cgo.
func (*Session) GenerateKey(string) (Key, error) { return Key{}, errNoCgo }

// EnsureKey fails: PKCS#11 needs cgo.
func (*Session) EnsureKey(string) (Key, bool, error) { return Key{}, false, errNoCgo }

// Attrs fails: PKCS#11 needs cgo.
func (*Session) Attrs(Key) (KeyAttrs, error) { return KeyAttrs{}, errNoCgo }

// CheckKey fails: PKCS#11 needs cgo.
func (*Session) CheckKey(Key) error { return errNoCgo }

// Encrypt fails: PKCS#11 needs cgo.
func (*Session) Encrypt(Key, []byte, []byte) ([]byte, []byte, error) { return nil, nil, errNoCgo }

// Decrypt fails: PKCS#11 needs cgo.
func (*Session) Decrypt(Key, []byte, []byte, []byte) ([]byte, error) { return nil, errNoCgo }
