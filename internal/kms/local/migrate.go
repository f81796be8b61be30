package local

import (
	"context"
	"fmt"
	"path/filepath"
)

// MigrateRoot re-seals the keyring in dir under the root to, after opening
// it with the root from; the contents (KEKs, versions, states, audit key)
// are unchanged, byte for byte. It holds the keyring lock throughout and
// replaces the file atomically: a crash leaves the keyring sealed by one
// root or the other, whole.
//
// A file root to writes a new root key file first, and refuses to replace
// one (move an old root.key away first). The old root is left as it is:
// an old root.key stays on disk and a token key stays on its token, able
// to open copies of the keyring sealed before (backups). Delete or keep it
// according to what those copies should remain readable with. Other
// processes that have the keyring open notice the new root on their next
// operation and fail until reopened with it.
//
// Migrating to the same kind is allowed and is how a passphrase is changed
// or a keyring moved to another token or key.
func MigrateRoot(ctx context.Context, dir string, from, to RootSpec) error {
	k, err := OpenRoot(ctx, dir, from)
	if err != nil {
		return err
	}
	if to.Kind == RootFile && from.Kind == RootFile && keyFile(dir, to) == keyFile(dir, from) {
		return fmt.Errorf("kms: migrate root: the keyring is already sealed by %s", keyFile(dir, from))
	}
	r, err := to.root(dir)
	if err != nil {
		return err
	}
	k.reload.Lock()
	defer k.reload.Unlock()
	unlock, err := lockDir(ctx, dir)
	if err != nil {
		return err
	}
	defer unlock()
	sealed, err := readKeyring(k.path())
	if err != nil {
		return err
	}
	c, _, err := k.unseal(ctx, sealed)
	if err != nil {
		return err
	}
	defer c.zero()
	params, secret, undo, err := r.create(ctx)
	if err != nil {
		return err
	}
	defer clear(secret)
	s, err := newSealer(r.kind(), params, secret)
	if err == nil {
		err = k.write(c, s)
	}
	if err != nil {
		undo()
		return fmt.Errorf("kms: migrate root: %w", err)
	}
	return nil
}

func keyFile(dir string, s RootSpec) string {
	if s.KeyFile != "" {
		return filepath.Clean(s.KeyFile)
	}
	return filepath.Join(dir, RootKeyFile)
}

// RootKindOf reads which kind of root the keyring in dir says it is sealed
// by. The header is authenticated only when the keyring is opened: use
// this to choose how to open it or to show it, not to trust it.
func RootKindOf(dir string) (RootKind, error) {
	b, err := readKeyring(filepath.Join(dir, KeyringFile))
	if err != nil {
		return 0, err
	}
	h, _, err := parseHeader(b)
	if err != nil {
		return 0, fmt.Errorf("kms: keyring %s cannot be opened: %w", filepath.Join(dir, KeyringFile), err)
	}
	return h.rootKind, nil
}
