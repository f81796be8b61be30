package local

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/coffer-vault/coffer/internal/kms"
)

// Keyring is a kms.Manager backed by a keyring file sealed by a root. It is
// safe for concurrent use, and for use by several processes at once: every
// change is made under a lock on the keyring directory, on the file as it
// is then, and every operation first checks (one stat) whether another
// process changed the file, and reloads it if so.
type Keyring struct {
	dir  string // "" for a keyring held only in memory (fuzz tests)
	root root
	now  func() time.Time

	reload sync.Mutex // serialises reloads and changes within the process

	mu     sync.RWMutex // guards the three below
	st     *state
	sealer *sealer
	stamp  os.FileInfo // the keyring file that st was read from
}

var (
	_ kms.Manager = (*Keyring)(nil)
	_ kms.Checker = (*Keyring)(nil)
)

// Create creates a new keyring in dir sealed by a new root key file: see
// CreateRoot with FileRoot.
func Create(dir string) (*Keyring, error) { return CreateRoot(context.Background(), dir, FileRoot()) }

// Open opens the keyring in dir sealed by dir/root.key: see OpenRoot with
// FileRoot.
func Open(dir string) (*Keyring, error) { return OpenRoot(context.Background(), dir, FileRoot()) }

// CreateRoot creates a new keyring in dir (made 0700 if missing), sealed by
// root: the "default" KEK at version 1 and an audit key, in dir/keyring
// (0600). A file root writes a fresh root key to its file (0600); a
// passphrase root asks for the passphrase; a PKCS#11 root generates its
// token key if the token has none under the label. It refuses to replace
// a keyring or a root key file.
func CreateRoot(ctx context.Context, dir string, root RootSpec) (*Keyring, error) {
	r, err := root.root(dir)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("kms: %w", err)
	}
	ringPath := filepath.Join(dir, KeyringFile)
	if _, err := os.Lstat(ringPath); err == nil {
		return nil, fmt.Errorf("kms: keyring %s already exists; refusing to overwrite it", ringPath)
	}
	params, secret, undo, err := r.create(ctx)
	if err != nil {
		return nil, err
	}
	defer clear(secret)
	k := &Keyring{dir: dir, root: r, now: time.Now}
	if err := k.createFile(params, secret); err != nil {
		undo()
		return nil, err
	}
	return k, nil
}

func (k *Keyring) createFile(params, secret []byte) error {
	s, err := newSealer(k.root.kind(), params, secret)
	if err != nil {
		return fmt.Errorf("kms: keyring: %w", err)
	}
	c := newContents(k.now())
	defer c.zero()
	plain, err := c.encode()
	if err != nil {
		return fmt.Errorf("kms: keyring: %w", err)
	}
	defer clear(plain)
	sealed, err := s.seal(plain)
	if err != nil {
		return fmt.Errorf("kms: keyring: %w", err)
	}
	if err := writeAtomic(k.path(), sealed, false); err != nil {
		return fmt.Errorf("kms: keyring: %w", err)
	}
	return k.install(c, s)
}

// OpenRoot opens the keyring in dir, which must be sealed by a root of
// root.Kind. It fails closed, with one message (matching ErrSealed) for a
// wrong root key, passphrase or token key and for a keyring changed in any
// byte; a file root refuses a root key file that group or others may
// access.
func OpenRoot(ctx context.Context, dir string, root RootSpec) (*Keyring, error) {
	r, err := root.root(dir)
	if err != nil {
		return nil, err
	}
	k := &Keyring{dir: dir, root: r, now: time.Now}
	sealed, err := readKeyring(k.path())
	if err != nil {
		return nil, err
	}
	if err := k.load(ctx, sealed); err != nil {
		return nil, err
	}
	return k, nil
}

func (k *Keyring) path() string { return filepath.Join(k.dir, KeyringFile) }

// unseal authenticates, decrypts and decodes a keyring file. It reuses the
// sealer it holds when the header names the same root parameters, and
// asks the root otherwise (on open, or after another process migrated
// the root). The caller zeroes the contents.
func (k *Keyring) unseal(ctx context.Context, sealed []byte) (*contents, *sealer, error) {
	h, _, err := parseHeader(sealed)
	if err != nil {
		return nil, nil, k.openErr(err)
	}
	if h.rootKind != k.root.kind() {
		return nil, nil, fmt.Errorf("kms: keyring %s is sealed by a %s root, not a %s root (open it with that root, or run: coffer key migrate-root)",
			k.path(), h.rootKind, k.root.kind())
	}
	k.mu.RLock()
	s := k.sealer
	k.mu.RUnlock()
	if !s.matches(h) {
		secret, err := k.root.open(ctx, h.params)
		if errors.Is(err, ErrSealed) {
			return nil, nil, k.openErr(err)
		}
		if err != nil {
			return nil, nil, err // the root's own words: a missing key file, no passphrase, a wrong PIN
		}
		s, err = newSealer(h.rootKind, h.params, secret)
		clear(secret)
		if err != nil {
			return nil, nil, k.openErr(err)
		}
	}
	plain, err := s.open(sealed)
	if err != nil {
		return nil, nil, k.openErr(err)
	}
	defer clear(plain)
	c, err := decodeContents(plain)
	if err != nil {
		return nil, nil, k.openErr(err)
	}
	return c, s, nil
}

// openErr names the keyring file in an error about its contents.
func (k *Keyring) openErr(err error) error {
	return fmt.Errorf("kms: keyring %s cannot be opened: %w", k.path(), err)
}

// load installs the contents of sealed.
func (k *Keyring) load(ctx context.Context, sealed []byte) error {
	c, s, err := k.unseal(ctx, sealed)
	if err != nil {
		return err
	}
	defer c.zero()
	return k.install(c, s)
}

// install makes c the keyring's state, stamped with the file as it is now.
func (k *Keyring) install(c *contents, s *sealer) error {
	st, err := newState(c)
	if err != nil {
		return err
	}
	var fi os.FileInfo
	if k.dir != "" {
		if fi, err = os.Stat(k.path()); err != nil {
			return fmt.Errorf("kms: keyring: %w", err)
		}
	}
	k.mu.Lock()
	k.st, k.sealer, k.stamp = st, s, fi
	k.mu.Unlock()
	return nil
}

// current returns the state, first reloading the file if another process
// replaced it since it was read.
func (k *Keyring) current(ctx context.Context) (*state, error) {
	k.mu.RLock()
	st, stamp := k.st, k.stamp
	k.mu.RUnlock()
	if k.dir == "" {
		return st, nil
	}
	fi, err := os.Stat(k.path())
	if err != nil {
		return nil, fmt.Errorf("kms: keyring: %w", err)
	}
	if sameFile(stamp, fi) {
		return st, nil
	}
	k.reload.Lock()
	defer k.reload.Unlock()
	k.mu.RLock()
	st, stamp = k.st, k.stamp
	k.mu.RUnlock()
	if fi, err = os.Stat(k.path()); err == nil && sameFile(stamp, fi) {
		return st, nil // another goroutine reloaded it
	}
	sealed, err := readKeyring(k.path())
	if err != nil {
		return nil, err
	}
	if err := k.load(ctx, sealed); err != nil {
		return nil, err
	}
	k.mu.RLock()
	defer k.mu.RUnlock()
	return k.st, nil
}

// sameFile reports whether a and b describe the same file contents: every
// write replaces the file (a new inode), and its time and size are
// compared too in case an inode number is reused.
func sameFile(a, b os.FileInfo) bool {
	return a != nil && b != nil && os.SameFile(a, b) && a.ModTime().Equal(b.ModTime()) && a.Size() == b.Size()
}

// Wrap wraps dek under the primary version of the default KEK, bound to aad.
func (k *Keyring) Wrap(ctx context.Context, dek *kms.DEK, aad []byte) ([]byte, string, error) {
	return k.WrapWith(ctx, defaultKEK, dek, aad)
}

// WrapWith wraps dek under the primary version of KEK name, bound to aad.
func (k *Keyring) WrapWith(ctx context.Context, name string, dek *kms.DEK, aad []byte) ([]byte, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", fmt.Errorf("kms: wrap: %w", err)
	}
	if dek == nil || len(dek.Bytes()) != dekSize {
		return nil, "", fmt.Errorf("kms: wrap: a data key must be %d bytes", dekSize)
	}
	st, err := k.current(ctx)
	if err != nil {
		return nil, "", err
	}
	e, err := st.kek("wrap", name)
	if err != nil {
		return nil, "", err
	}
	nonce := randomNonce()
	hdr := wrapHeader(e.name, e.primary, nonce)
	out := e.versions[e.primary].aead.Seal(hdr, nonce, dek.Bytes(), wrapAAD(hdr, aad))
	return out, keyID(e.name, e.primary), nil
}

// Unwrap recovers a DEK wrapped by Wrap with the same aad. A version that
// may not unwrap gives a *kms.KeyStateError, decided before decryption;
// every other failure matches kms.ErrUnwrap, and only a KEK version this
// keyring lacks is named.
func (k *Keyring) Unwrap(ctx context.Context, wrappedKey, aad []byte) (*kms.DEK, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("kms: unwrap: %w", err)
	}
	w, ok := parseWrapped(wrappedKey)
	if !ok {
		return nil, kms.ErrUnwrap
	}
	st, err := k.current(ctx)
	if err != nil {
		return nil, err
	}
	aead, err := st.unwrapKey(w.name, w.version)
	if err != nil {
		return nil, err
	}
	dek, err := aead.Open(nil, w.nonce, w.sealed, wrapAAD(w.header, aad))
	if err != nil {
		return nil, kms.ErrUnwrap
	}
	return kms.DEKFromBytes(dek), nil
}

// Check reports, without decrypting, whether the KEK version named in
// wrapped may unwrap now: nil, a *kms.KeyStateError, or kms.ErrUnwrap for
// a malformed key or a version the keyring lacks.
func (k *Keyring) Check(ctx context.Context, wrappedKey []byte) error {
	w, ok := parseWrapped(wrappedKey)
	if !ok {
		return kms.ErrUnwrap
	}
	st, err := k.current(ctx)
	if err != nil {
		return err
	}
	_, err = st.unwrapKey(w.name, w.version)
	return err
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
	st, err := k.current(ctx)
	if err != nil {
		return nil, err
	}
	return bytes.Clone(st.audit), nil
}
