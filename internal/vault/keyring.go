package vault

import (
	"context"
	"errors"
	"os"

	"github.com/coffer-vault/coffer/internal/config"
	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/kms"
	"github.com/coffer-vault/coffer/internal/kms/local"
	"github.com/coffer-vault/coffer/internal/kms/remote"
)

// EnvKMSURL holds the URL of an external KMS for keyring: kms:env.
const EnvKMSURL = "COFFER_KMS_URL"

// kmsURL resolves a kms: keyring location.
func kmsURL(loc string) (string, error) {
	if loc != "env" {
		return loc, nil
	}
	u := os.Getenv(EnvKMSURL)
	if u == "" {
		return "", fault.E(fault.Invalid, "the keyring is an external KMS named by %s, which is not set", EnvKMSURL).
			WithHint("export %s=URL (docs/kms-remote.md)", EnvKMSURL)
	}
	return u, nil
}

// createKeyring makes the keyring of a new vault in dir.
func createKeyring(ctx context.Context, dir string, c config.Config, sec Secrets) error {
	scheme, loc, _ := config.Backend(c.Keyring)
	if scheme == "kms" {
		u, err := kmsURL(loc)
		if err != nil {
			return err
		}
		k, err := remote.Create(ctx, config.Resolve(dir, "keys"), u)
		if err != nil {
			return fault.Wrap(fault.Other, err, "cannot set up the external KMS keyring")
		}
		return k.Close()
	}
	if _, err := local.CreateRoot(ctx, config.Resolve(dir, loc), RootSpec(c.Root, sec)); err != nil {
		return fault.Wrap(fault.Other, err, "cannot create keyring")
	}
	return nil
}

// openKeyring opens the keyring named by the configuration.
func openKeyring(ctx context.Context, home string, c config.Config, sec Secrets) (kms.Keyring, error) {
	scheme, loc, _ := config.Backend(c.Keyring)
	var (
		keys kms.Keyring
		err  error
	)
	if scheme == "kms" {
		u, uerr := kmsURL(loc)
		if uerr != nil {
			return nil, uerr
		}
		keys, err = remote.Open(ctx, config.Resolve(home, "keys"), u)
	} else {
		keys, err = local.OpenRoot(ctx, config.Resolve(home, loc), RootSpec(c.Root, sec))
	}
	if errors.Is(err, local.ErrSealed) || errors.Is(err, remote.ErrSealed) {
		return nil, fault.Wrap(fault.Integrity, err, "the vault is locked").
			WithHint("check the vault's root (key file, passphrase, token or KMS key) or restore keys/ from a backup")
	}
	if err != nil {
		return nil, fault.Wrap(fault.Other, err, "cannot open keyring")
	}
	return keys, nil
}

// manager returns the keyring's lifecycle operations, which an external
// KMS keeps to itself.
func (v *Vault) manager() (kms.Manager, error) {
	if v.mgr == nil {
		return nil, fault.E(fault.Invalid, "this vault's keys live in an external KMS, which manages their lifecycle").
			WithHint("rotate, disable or delete the key in the KMS itself (docs/kms-remote.md)")
	}
	return v.mgr, nil
}
