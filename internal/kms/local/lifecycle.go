package local

import (
	"cmp"
	"context"
	"math"
	"slices"
	"time"

	"github.com/coffer-vault/coffer/internal/kms"
)

// CreateKEK creates KEK name at version 1; it is refused if name exists.
func (k *Keyring) CreateKEK(ctx context.Context, name string) (kms.KEKInfo, error) {
	info, created, err := k.ensure(ctx, name)
	if err == nil && !created {
		return kms.KEKInfo{}, refused("kms: create KEK %q: it already exists", name)
	}
	return info, err
}

// EnsureKEK returns KEK name, creating it (at version 1) if missing.
func (k *Keyring) EnsureKEK(ctx context.Context, name string) (kms.KEKInfo, bool, error) {
	if st, err := k.current(ctx); err == nil && st.keks[name] != nil {
		return st.keks[name].info(), false, nil
	}
	return k.ensure(ctx, name)
}

func (k *Keyring) ensure(ctx context.Context, name string) (info kms.KEKInfo, created bool, err error) {
	if !validName(name) {
		return info, false, refused("kms: create KEK %q: a KEK name is 1 to %d of a-z, 0-9 and -", name, maxNameLen)
	}
	err = k.update(ctx, func(c *contents) error {
		if d := c.find(name); d != nil {
			info = d.info()
			return errUnchanged
		}
		if len(c.KEKs) >= maxKEKs {
			return refused("kms: create KEK %q: the keyring already holds %d KEKs, the most it can", name, maxKEKs)
		}
		c.KEKs = append(c.KEKs, newKEKDoc(name, k.now()))
		info, created = c.KEKs[len(c.KEKs)-1].info(), true
		return nil
	})
	return info, created, err
}

// ListKEKs lists every KEK with its versions, sorted by name.
func (k *Keyring) ListKEKs(ctx context.Context) ([]kms.KEKInfo, error) {
	st, err := k.current(ctx)
	if err != nil {
		return nil, err
	}
	return st.list(), nil
}

// Rotate adds a version to KEK name, made primary; the version numbers of
// a KEK are never reused, destroyed ones included.
func (k *Keyring) Rotate(ctx context.Context, name string) (kms.VersionInfo, error) {
	var info kms.VersionInfo
	err := k.update(ctx, func(c *contents) error {
		d, err := c.kek("rotate", name)
		if err != nil {
			return err
		}
		last := slices.MaxFunc(d.Versions, func(a, b versionDoc) int { return cmp.Compare(a.Version, b.Version) }).Version
		if len(d.Versions) >= maxVersions || last == math.MaxUint32 {
			return refused("kms: rotate %s: it has %d versions, the most a KEK can", name, len(d.Versions))
		}
		d.Versions = append(d.Versions, newVersionDoc(last+1, k.now()))
		d.Primary = last + 1
		info = d.Versions[len(d.Versions)-1].info(name, d.Primary)
		return nil
	})
	return info, err
}

// Disable stops a version from unwrapping. The primary version is refused
// (rotate first); disabling a disabled version changes nothing.
func (k *Keyring) Disable(ctx context.Context, name string, version uint32) (kms.VersionInfo, error) {
	return k.changeVersion(ctx, "disable", name, version, func(d *kekDoc, v *versionDoc) error {
		switch id := keyID(name, version); {
		case version == d.Primary:
			return refused("kms: disable %s: it is the primary version of %s; rotate first (run: coffer key rotate %s)", id, name, name)
		case v.State == string(kms.StateDisabled):
			return errUnchanged
		case v.State != stateEnabled:
			return refused("kms: disable %s: it is %s", id, v.status())
		}
		v.State = string(kms.StateDisabled)
		return nil
	})
}

// Enable lets a disabled version unwrap again; enabling an enabled version
// changes nothing. A version pending deletion must be cancelled first.
func (k *Keyring) Enable(ctx context.Context, name string, version uint32) (kms.VersionInfo, error) {
	return k.changeVersion(ctx, "enable", name, version, func(d *kekDoc, v *versionDoc) error {
		switch id := keyID(name, version); kms.KeyState(v.State) {
		case kms.StateEnabled:
			return errUnchanged
		case kms.StatePendingDeletion:
			return refused("kms: enable %s: it is %s; cancel that first (run: coffer key cancel-deletion %s)", id, v.status(), id)
		case kms.StateDestroyed:
			return refused("kms: enable %s: it is %s; its material is gone", id, v.status())
		}
		v.State = stateEnabled
		return nil
	})
}

// ScheduleDeletion marks a version pending deletion, days after now (from
// kms.MinDeletionDays to kms.MaxDeletionDays). The primary version is
// refused, and so is a version already pending (cancel first to change
// the date) or destroyed.
func (k *Keyring) ScheduleDeletion(ctx context.Context, name string, version uint32, days int, now time.Time) (kms.VersionInfo, error) {
	id := keyID(name, version)
	if days < kms.MinDeletionDays || days > kms.MaxDeletionDays {
		return kms.VersionInfo{}, refused("kms: schedule deletion of %s: %d days is outside the window of %d to %d days",
			id, days, kms.MinDeletionDays, kms.MaxDeletionDays)
	}
	return k.changeVersion(ctx, "schedule deletion of", name, version, func(d *kekDoc, v *versionDoc) error {
		switch {
		case version == d.Primary:
			return refused("kms: schedule deletion of %s: it is the primary version of %s; rotate first (run: coffer key rotate %s)", id, name, name)
		case v.State == string(kms.StatePendingDeletion):
			return refused("kms: schedule deletion of %s: it is already %s (cancel it first to change the date)", id, v.status())
		case v.State == string(kms.StateDestroyed):
			return refused("kms: schedule deletion of %s: it is %s", id, v.status())
		}
		v.State = string(kms.StatePendingDeletion)
		v.DeletionDate = stamp(now).Add(time.Duration(days) * 24 * time.Hour)
		return nil
	})
}

// CancelDeletion returns a version pending deletion to disabled (enable it
// to unwrap with it again).
func (k *Keyring) CancelDeletion(ctx context.Context, name string, version uint32) (kms.VersionInfo, error) {
	return k.changeVersion(ctx, "cancel deletion of", name, version, func(d *kekDoc, v *versionDoc) error {
		if v.State != string(kms.StatePendingDeletion) {
			return refused("kms: cancel deletion of %s: it is not pending deletion (it is %s)", keyID(name, version), v.status())
		}
		v.State, v.DeletionDate = string(kms.StateDisabled), time.Time{}
		return nil
	})
}

// changeVersion applies change to name@version under update and returns
// the version as it is afterwards.
func (k *Keyring) changeVersion(ctx context.Context, op, name string, version uint32, change func(*kekDoc, *versionDoc) error) (kms.VersionInfo, error) {
	var info kms.VersionInfo
	err := k.update(ctx, func(c *contents) error {
		d, err := c.kek(op, name)
		if err != nil {
			return err
		}
		v, err := d.version(op, version)
		if err != nil {
			return err
		}
		err = change(d, v)
		info = v.info(d.Name, d.Primary)
		return err
	})
	return info, err
}

func (c *contents) find(name string) *kekDoc {
	for i := range c.KEKs {
		if c.KEKs[i].Name == name {
			return &c.KEKs[i]
		}
	}
	return nil
}

func (c *contents) kek(op, name string) (*kekDoc, error) {
	if d := c.find(name); d != nil {
		return d, nil
	}
	return nil, notFound("kms: %s %s: no KEK named %q", op, name, name)
}

func (d *kekDoc) version(op string, version uint32) (*versionDoc, error) {
	for i := range d.Versions {
		if d.Versions[i].Version == version {
			return &d.Versions[i], nil
		}
	}
	return nil, notFound("kms: %s %s: KEK %s has no version %d", op, keyID(d.Name, version), d.Name, version)
}

func (d *kekDoc) info() kms.KEKInfo {
	k := kms.KEKInfo{Name: d.Name, Primary: d.Primary}
	for i := range d.Versions {
		k.Versions = append(k.Versions, d.Versions[i].info(d.Name, d.Primary))
	}
	slices.SortFunc(k.Versions, func(a, b kms.VersionInfo) int { return cmp.Compare(a.Version, b.Version) })
	return k
}

func (v *versionDoc) status() string { return v.info("", 0).Status() }
