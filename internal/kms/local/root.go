package local

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// RootKind says what seals a keyring file: it is the root-kind byte of the
// keyring header (docs/keyring.md).
type RootKind byte

// The roots of trust a keyring file can be sealed by.
const (
	RootFile       RootKind = 1 // a 32-byte root key file, 0600 (the default)
	RootPassphrase RootKind = 2 // a passphrase, stretched by Argon2id
	RootPKCS11     RootKind = 3 // a non-extractable AES-256 key in a PKCS#11 token
)

var rootNames = map[RootKind]string{RootFile: "file", RootPassphrase: "passphrase", RootPKCS11: "pkcs11"}

func (k RootKind) String() string {
	if s, ok := rootNames[k]; ok {
		return s
	}
	return fmt.Sprintf("root kind %d", byte(k))
}

// ParseRootKind parses "file", "passphrase" or "pkcs11".
func ParseRootKind(s string) (RootKind, error) {
	for k, name := range rootNames {
		if s == name {
			return k, nil
		}
	}
	return 0, fmt.Errorf("kms: unknown root %q (want file, passphrase or pkcs11)", s)
}

// Environment variables the roots read when RootSpec leaves a source unset.
const (
	EnvPassphrase   = "COFFER_PASSPHRASE"
	EnvPKCS11Module = "COFFER_PKCS11_MODULE"
	EnvPKCS11PIN    = "COFFER_PKCS11_PIN"
)

// RootSpec says which root seals (Create, MigrateRoot) or is expected to
// seal (Open) a keyring, and where its secrets come from. Open refuses a
// keyring whose header names another kind, so a keyring cannot be swapped
// for one sealed by a weaker root without the caller noticing.
type RootSpec struct {
	Kind RootKind

	// KeyFile is the root key file of RootFile; empty means DIR/root.key.
	KeyFile string

	// Passphrase returns the passphrase of RootPassphrase; nil reads
	// $COFFER_PASSPHRASE. The keyring zeroes the returned slice.
	Passphrase func(ctx context.Context) ([]byte, error)
	// Argon2 is the cost used when sealing under a passphrase; the zero
	// value means DefaultArgon2. Opening reads the cost from the header.
	Argon2 Argon2Params

	// PKCS11 configures RootPKCS11.
	PKCS11 PKCS11Spec
}

// FileRoot is the spec of the default root: the key file DIR/root.key.
func FileRoot() RootSpec { return RootSpec{Kind: RootFile} }

// root is one kind of root of trust. The secret it yields is never used as
// a key directly: the keyring's sealing key is derived from it by HKDF.
type root interface {
	kind() RootKind
	// create makes a new root secret and the header parameters that let
	// open recover it. undo removes what create left behind (a new root
	// key file) when the keyring is then not written.
	create(ctx context.Context) (params, secret []byte, undo func(), err error)
	// open recovers the root secret from the header parameters. A wrong
	// secret or tampered parameters yield ErrSealed, or a secret that then
	// fails to open the file: the same message either way.
	open(ctx context.Context, params []byte) ([]byte, error)
}

func (s RootSpec) root(dir string) (root, error) {
	switch s.Kind {
	case RootFile:
		path := s.KeyFile
		if path == "" {
			path = filepath.Join(dir, RootKeyFile)
		}
		return fileRoot{path: path}, nil
	case RootPassphrase:
		return newPassphraseRoot(s)
	case RootPKCS11:
		return newPKCS11Root(s.PKCS11), nil
	default:
		return nil, fmt.Errorf("kms: unknown root kind %d", byte(s.Kind))
	}
}

// fileRoot is a 32-byte key in a 0600 file; its header parameters are
// empty.
type fileRoot struct{ path string }

func (fileRoot) kind() RootKind { return RootFile }

func (r fileRoot) create(context.Context) ([]byte, []byte, func(), error) {
	key := randomKey()
	if err := writeRootKey(r.path, key); err != nil {
		clear(key)
		return nil, nil, nil, err
	}
	return nil, key, func() { os.Remove(r.path) }, nil
}

func (r fileRoot) open(_ context.Context, params []byte) ([]byte, error) {
	if len(params) != 0 {
		return nil, ErrSealed
	}
	return readRootKey(r.path)
}
