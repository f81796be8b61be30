package local

import (
	"context"
	"errors"
	"fmt"
)

// errUnchanged, returned by a change, says that the keyring already is as
// asked: update then writes nothing and reports success.
var errUnchanged = errors.New("unchanged")

// update applies change to the keyring file and installs the result. It
// holds the directory lock from reading the file to replacing it, so two
// processes changing one keyring never lose each other's changes; change
// sees the file as it is under the lock, not this process's snapshot. If
// change fails, nothing is written. The contents are zeroed afterwards,
// and a destroyed version's material is zeroed by change itself.
func (k *Keyring) update(ctx context.Context, change func(c *contents) error) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("kms: %w", err)
	}
	k.reload.Lock()
	defer k.reload.Unlock()
	unlock, err := lockDir(ctx, k.dir)
	if err != nil {
		return err
	}
	defer unlock()
	sealed, err := readKeyring(k.path())
	if err != nil {
		return err
	}
	c, s, err := k.unseal(ctx, sealed)
	if err != nil {
		return err
	}
	defer c.zero()
	if err := change(c); err == errUnchanged {
		return k.install(c, s) // nothing to write; the snapshot is fresh all the same
	} else if err != nil {
		return err
	}
	if err := c.check(); err != nil {
		return fmt.Errorf("kms: keyring change would break it: %v", err)
	}
	if err := k.write(c, s); err != nil {
		return err
	}
	return k.install(c, s)
}

// write seals c with s and replaces the keyring file with it atomically.
func (k *Keyring) write(c *contents, s *sealer) error {
	plain, err := c.encode()
	if err != nil {
		return fmt.Errorf("kms: keyring: %w", err)
	}
	defer clear(plain)
	out, err := s.seal(plain)
	if err != nil {
		return fmt.Errorf("kms: keyring: %w", err)
	}
	if err := writeAtomic(k.path(), out, true); err != nil {
		return fmt.Errorf("kms: keyring: %w", err)
	}
	return nil
}
