package local

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/coffer-vault/coffer/internal/kms"
)

// Due lists the versions pending deletion whose deletion date is not after
// now, sorted by KEK and version. The keyring cannot know which data keys
// they still wrap: the caller checks that before Destroy.
func (k *Keyring) Due(ctx context.Context, now time.Time) ([]kms.VersionInfo, error) {
	st, err := k.current(ctx)
	if err != nil {
		return nil, err
	}
	var due []kms.VersionInfo
	for _, e := range st.keks {
		for _, v := range e.versions {
			if isDue(v.info, now) {
				due = append(due, v.info)
			}
		}
	}
	slices.SortFunc(due, func(a, b kms.VersionInfo) int {
		return cmp.Or(cmp.Compare(a.KEK, b.KEK), cmp.Compare(a.Version, b.Version))
	})
	return due, nil
}

func isDue(v kms.VersionInfo, now time.Time) bool {
	return v.State == kms.StatePendingDeletion && !now.Before(v.DeletionDate)
}

// Destroy destroys the material of a version pending deletion whose date
// has come: the material is zeroed and removed from the keyring file, and
// the version stays listed, destroyed, so that unwrapping with it fails
// with kms.ErrDestroyed. Destroying a destroyed version changes nothing.
// Copies of the keyring file made before (backups) still hold the
// material, sealed by the root.
func (k *Keyring) Destroy(ctx context.Context, name string, version uint32, now time.Time) (kms.VersionInfo, error) {
	return k.changeVersion(ctx, "destroy", name, version, func(d *kekDoc, v *versionDoc) error {
		id := keyID(name, version)
		switch info := v.info(name, d.Primary); {
		case v.State == string(kms.StateDestroyed):
			return errUnchanged
		case v.State != string(kms.StatePendingDeletion):
			return refused("kms: destroy %s: it is %s, not pending deletion (run: coffer key schedule-deletion %s)", id, v.status(), id)
		case !isDue(info, now):
			return refused("kms: destroy %s: it is %s, not yet due", id, v.status())
		}
		v.destroy(now)
		return nil
	})
}

// Sweep destroys, in one change of the keyring file, every due version for
// which allow returns true (nil allows all), and returns them as they are
// afterwards. allow is called before the keyring is locked, and may
// consult anything, the keyring included; a version cancelled between
// that and the change is left alone.
func (k *Keyring) Sweep(ctx context.Context, now time.Time, allow func(kms.VersionInfo) bool) ([]kms.VersionInfo, error) {
	due, err := k.Due(ctx, now)
	if err != nil {
		return nil, err
	}
	chosen := map[string]bool{}
	for _, v := range due {
		if allow == nil || allow(v) {
			chosen[v.KeyID()] = true
		}
	}
	if len(chosen) == 0 {
		return nil, nil
	}
	var destroyed []kms.VersionInfo
	err = k.update(ctx, func(c *contents) error {
		for i := range c.KEKs {
			d := &c.KEKs[i]
			for j := range d.Versions {
				v := &d.Versions[j]
				if info := v.info(d.Name, d.Primary); chosen[info.KeyID()] && isDue(info, now) {
					v.destroy(now)
					destroyed = append(destroyed, v.info(d.Name, d.Primary))
				}
			}
		}
		if len(destroyed) == 0 {
			return errUnchanged
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return destroyed, nil
}

// destroy zeroes the material and keeps the record.
func (v *versionDoc) destroy(now time.Time) {
	clear(v.Material)
	v.Material = nil
	v.State = string(kms.StateDestroyed)
	v.Destroyed = stamp(now)
}

// Rewrap unwraps wrapped (which checks it) and, unless its KEK version is
// already the primary of its KEK, wraps the DEK again under the primary,
// bound to the same aad. changed is false, and wrapped is returned as it
// is, when there is nothing to do, so running it again is harmless. The
// source version must be enabled: a disabled or pending one fails with its
// *kms.KeyStateError like Unwrap.
func (k *Keyring) Rewrap(ctx context.Context, wrapped, aad []byte) ([]byte, string, bool, error) {
	dek, err := k.Unwrap(ctx, wrapped, aad)
	if err != nil {
		return nil, "", false, err
	}
	defer dek.Zero()
	w, _ := parseWrapped(wrapped) // Unwrap parsed it
	st, err := k.current(ctx)
	if err != nil {
		return nil, "", false, err
	}
	e, err := st.kek("rewrap", w.name)
	if err != nil {
		return nil, "", false, err
	}
	if w.version == e.primary {
		return wrapped, keyID(w.name, w.version), false, nil
	}
	out, id, err := k.WrapWith(ctx, w.name, dek, aad)
	if err != nil {
		return nil, "", false, err
	}
	return out, id, true, nil
}
