package pkcs11

import "errors"

// Config says which token to use.
type Config struct {
	Module string // path of the PKCS#11 module, e.g. /usr/lib/softhsm/libsofthsm2.so
	Token  string // label of the token
	PIN    string // user PIN
}

// Key is a handle to a secret key object on the token of a Session.
type Key struct {
	handle uint
	label  string
}

// Label returns the key's CKA_LABEL.
func (k Key) Label() string { return k.label }

// KeyAttrs are the protection attributes of a key object.
type KeyAttrs struct {
	Token, Private, Sensitive, Extractable, AlwaysSensitive, NeverExtractable bool
}

// Errors a caller may inspect.
var (
	// ErrNoKey: the token holds no secret key under the label.
	ErrNoKey = errors.New("pkcs11: no such key on the token")
	// ErrDecrypt: the token could not decrypt (wrong key, aad or changed
	// ciphertext); the cases read the same.
	ErrDecrypt = errors.New("pkcs11: the token cannot decrypt this secret (wrong key or tampered)")
)

const (
	ivSize  = 12
	tagBits = 128
	keyLen  = 32
	// MaxLabel is the longest key label accepted.
	MaxLabel = 64
)
