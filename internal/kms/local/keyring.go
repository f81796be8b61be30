package local

import (
	"bytes"
	"context"
	"crypto/cipher"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/coffer-vault/coffer/internal/kms"
)

// Keyring is a kms.Keyring backed by a keyring file sealed by a root key
// file. It is safe for concurrent use.
type Keyring struct {
	keks  map[string]*kek
	audit []byte
}

var _ kms.Keyring = (*Keyring)(nil)

type kek struct {
	name     string
	primary  uint32
	versions map[uint32]cipher.AEAD // the expanded key lives only in here
}

// Create creates a new keyring in dir (made 0700 if missing): a fresh root
// key in dir/root.key and the keyring it seals in dir/keyring, both 0600.
// It refuses to replace either file.
func Create(dir string) (*Keyring, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("kms: %w", err)
	}
	rootPath, ringPath := filepath.Join(dir, RootKeyFile), filepath.Join(dir, KeyringFile)
	if _, err := os.Lstat(ringPath); err == nil {
		return nil, fmt.Errorf("kms: keyring %s already exists; refusing to overwrite it", ringPath)
	}
	root := make([]byte, keySize)
	rand.Read(root) // never fails (crypto/rand)
	defer clear(root)
	sealed, err := sealNew(root)
	if err != nil {
		return nil, err
	}
	if err := writeRootKey(rootPath, root); err != nil {
		return nil, err
	}
	if err := writeAtomic(ringPath, sealed, false); err != nil {
		os.Remove(rootPath) // ours, and nothing was sealed under it yet
		return nil, fmt.Errorf("kms: keyring: %w", err)
	}
	return Open(dir)
}

func sealNew(root []byte) ([]byte, error) {
	c := newContents(time.Now())
	defer c.zero()
	plain, err := c.encode()
	if err != nil {
		return nil, fmt.Errorf("kms: keyring: %w", err)
	}
	defer clear(plain)
	sealed, err := sealFile(root, plain)
	if err != nil {
		return nil, fmt.Errorf("kms: keyring: %w", err)
	}
	return sealed, nil
}

// Open opens the keyring in dir. It refuses a root key file that group or
// others may access, and fails closed, with one message for both, when the
// root key is wrong or the keyring was changed.
func Open(dir string) (*Keyring, error) {
	rootPath, ringPath := filepath.Join(dir, RootKeyFile), filepath.Join(dir, KeyringFile)
	root, err := readRootKey(rootPath)
	if err != nil {
		return nil, err
	}
	defer clear(root)
	sealed, err := readKeyring(ringPath)
	if err != nil {
		return nil, err
	}
	c, err := openContents(root, sealed)
	if err != nil {
		return nil, fmt.Errorf("kms: keyring %s cannot be opened: %w", ringPath, err)
	}
	defer c.zero()
	return newKeyring(c)
}

// openContents decrypts and decodes a sealed keyring file.
func openContents(root, sealed []byte) (*contents, error) {
	plain, err := openFile(root, sealed)
	if err != nil {
		return nil, err
	}
	defer clear(plain)
	return decodeContents(plain)
}

// newKeyring builds the in-memory keyring from checked contents. It keeps
// a copy of the audit key and the AES key schedules, not the raw material.
func newKeyring(c *contents) (*Keyring, error) {
	k := &Keyring{keks: make(map[string]*kek, len(c.KEKs)), audit: bytes.Clone(c.AuditKey)}
	for _, d := range c.KEKs {
		e := &kek{name: d.Name, primary: d.Primary, versions: make(map[uint32]cipher.AEAD, len(d.Versions))}
		for _, v := range d.Versions {
			aead, err := newGCM(v.Material)
			if err != nil {
				return nil, fmt.Errorf("kms: KEK %s: %w", keyID(d.Name, v.Version), err)
			}
			e.versions[v.Version] = aead
		}
		k.keks[d.Name] = e
	}
	return k, nil
}

// Wrap wraps dek under the primary version of the default KEK, bound to aad.
func (k *Keyring) Wrap(ctx context.Context, dek *kms.DEK, aad []byte) ([]byte, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", fmt.Errorf("kms: wrap: %w", err)
	}
	if dek == nil || len(dek.Bytes()) != dekSize {
		return nil, "", fmt.Errorf("kms: wrap: a data key must be %d bytes", dekSize)
	}
	e := k.keks[defaultKEK]
	nonce := make([]byte, nonceSize)
	rand.Read(nonce) // never fails (crypto/rand)
	hdr := wrapHeader(e.name, e.primary, nonce)
	out := e.versions[e.primary].Seal(hdr, nonce, dek.Bytes(), wrapAAD(hdr, aad))
	return out, keyID(e.name, e.primary), nil
}

// Unwrap recovers a DEK wrapped by Wrap with the same aad. Every failure
// matches kms.ErrUnwrap; only a KEK version this keyring lacks is named.
func (k *Keyring) Unwrap(ctx context.Context, wrappedKey, aad []byte) (*kms.DEK, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("kms: unwrap: %w", err)
	}
	w, ok := parseWrapped(wrappedKey)
	if !ok {
		return nil, kms.ErrUnwrap
	}
	var aead cipher.AEAD
	if e := k.keks[w.name]; e != nil {
		aead = e.versions[w.version]
	}
	if aead == nil {
		return nil, &unknownKEK{id: keyID(w.name, w.version)}
	}
	dek, err := aead.Open(nil, w.nonce, w.sealed, wrapAAD(w.header, aad))
	if err != nil {
		return nil, kms.ErrUnwrap
	}
	return kms.DEKFromBytes(dek), nil
}

// unknownKEK names a KEK version the keyring does not hold: the data key
// was wrapped by another keyring, or by a version since removed.
type unknownKEK struct{ id string }

func (e *unknownKEK) Error() string {
	return fmt.Sprintf("kms: data key cannot be unwrapped: KEK %s is not in this keyring", e.id)
}

func (e *unknownKEK) Is(target error) bool { return target == kms.ErrUnwrap }

// AuditKey returns a copy of the audit chain's HMAC key.
func (k *Keyring) AuditKey(ctx context.Context) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("kms: audit key: %w", err)
	}
	return bytes.Clone(k.audit), nil
}
