package vault

import (
	"context"
	"errors"
	"fmt"
	"strconv"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/config"
	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/kms"
	"github.com/coffer-vault/coffer/internal/kms/local"
	"github.com/coffer-vault/coffer/internal/policy"
)

// RestrictedKEK is the KEK that wraps the data keys of restricted data
// unless a put names another: restricted data gets a key of its own, so
// that it can be rotated, disabled or destroyed apart from the rest.
const RestrictedKEK = "restricted"

// KeyVersion is a KEK version with the number of data keys it wraps.
type KeyVersion struct {
	kms.VersionInfo
	DEKs int64 `json:"deks"`
}

// Key is a KEK with its versions.
type Key struct {
	Name     string       `json:"name"`
	Primary  uint32       `json:"primary"`
	Versions []KeyVersion `json:"versions"`
}

// Keys lists the keyring's KEKs with the number of data keys each version wraps.
func (v *Vault) Keys(ctx context.Context) ([]Key, error) {
	if err := v.authorizeRead(ctx, "key.ls"); err != nil {
		return nil, err
	}
	m, err := v.manager()
	if err != nil {
		return nil, err
	}
	keks, err := m.ListKEKs(ctx)
	if err != nil {
		return nil, keyErr(err, "cannot list keys")
	}
	use, err := v.cat.KeyUsage(ctx)
	if err != nil {
		return nil, fault.Wrap(fault.Other, err, "cannot count data keys")
	}
	out := make([]Key, 0, len(keks))
	for _, k := range keks {
		key := Key{Name: k.Name, Primary: k.Primary}
		for _, ver := range k.Versions {
			key.Versions = append(key.Versions, KeyVersion{VersionInfo: ver, DEKs: use[ver.KeyID()]})
		}
		out = append(out, key)
	}
	return out, nil
}

// CreateKey creates KEK name at version 1.
func (v *Vault) CreateKey(ctx context.Context, name string) (kms.KEKInfo, error) {
	if err := v.authorizeAdmin(ctx); err != nil {
		return kms.KEKInfo{}, err
	}
	m, err := v.manager()
	if err != nil {
		return kms.KEKInfo{}, err
	}
	info, err := m.CreateKEK(ctx, name)
	if err != nil {
		return info, keyErr(err, "cannot create key %q", name)
	}
	return info, v.keyAudit(ctx, "key.create", kms.KeyID(name, info.Primary), nil)
}

// RotateKey adds a new primary version to KEK name; older versions keep
// unwrapping the data keys they wrap until rewrapped.
func (v *Vault) RotateKey(ctx context.Context, name string) (kms.VersionInfo, error) {
	if err := v.authorizeAdmin(ctx); err != nil {
		return kms.VersionInfo{}, err
	}
	m, err := v.manager()
	if err != nil {
		return kms.VersionInfo{}, err
	}
	info, err := m.Rotate(ctx, name)
	if err != nil {
		return info, keyErr(err, "cannot rotate key %q", name)
	}
	return info, v.keyAudit(ctx, "key.rotate", info.KeyID(), nil)
}

// SetKeyEnabled enables or disables KEK version name@version.
func (v *Vault) SetKeyEnabled(ctx context.Context, name string, version uint32, enabled bool) (kms.VersionInfo, error) {
	if err := v.authorizeAdmin(ctx); err != nil {
		return kms.VersionInfo{}, err
	}
	m, err := v.manager()
	if err != nil {
		return kms.VersionInfo{}, err
	}
	op, action, f := "disable", "key.disable", m.Disable
	if enabled {
		op, action, f = "enable", "key.enable", m.Enable
	}
	info, err := f(ctx, name, version)
	if err != nil {
		return info, keyErr(err, "cannot %s key %s", op, kms.KeyID(name, version))
	}
	return info, v.keyAudit(ctx, action, info.KeyID(), nil)
}

// ScheduleKeyDeletion schedules the destruction of name@version after
// days. It refuses while data keys still depend on the version, unless
// force; the versions that would become unrecoverable are then returned.
func (v *Vault) ScheduleKeyDeletion(ctx context.Context, name string, version uint32, days int, force bool) (kms.VersionInfo, []catalog.Version, error) {
	if err := v.authorizeAdmin(ctx); err != nil {
		return kms.VersionInfo{}, nil, err
	}
	m, err := v.manager()
	if err != nil {
		return kms.VersionInfo{}, nil, err
	}
	id := kms.KeyID(name, version)
	deps, err := v.dependents(ctx, id)
	if err != nil {
		return kms.VersionInfo{}, nil, err
	}
	if len(deps) > 0 && !force {
		return kms.VersionInfo{}, deps, fault.E(fault.Invalid, "%d dataset versions still depend on key %s", len(deps), id).
			WithHint("run: coffer key rewrap %s (or pass --force to make them unrecoverable)", name)
	}
	info, err := m.ScheduleDeletion(ctx, name, version, days, v.now())
	if err != nil {
		return info, deps, keyErr(err, "cannot schedule the deletion of key %s", id)
	}
	detail := map[string]string{"deletion_date": info.DeletionDate.UTC().Format("2006-01-02"), "dependent_versions": strconv.Itoa(len(deps))}
	return info, deps, v.keyAudit(ctx, "key.schedule-deletion", id, detail)
}

// CancelKeyDeletion cancels a scheduled deletion; the version stays disabled.
func (v *Vault) CancelKeyDeletion(ctx context.Context, name string, version uint32) (kms.VersionInfo, error) {
	if err := v.authorizeAdmin(ctx); err != nil {
		return kms.VersionInfo{}, err
	}
	m, err := v.manager()
	if err != nil {
		return kms.VersionInfo{}, err
	}
	info, err := m.CancelDeletion(ctx, name, version)
	if err != nil {
		return info, keyErr(err, "cannot cancel the deletion of key %s", kms.KeyID(name, version))
	}
	return info, v.keyAudit(ctx, "key.cancel-deletion", info.KeyID(), nil)
}

// Blocked is a KEK version due for destruction that data keys still need.
type Blocked struct {
	kms.VersionInfo
	Dependents []catalog.Version
}

// SweepKeys destroys the key material of versions whose deletion date has
// passed. A version that data keys still depend on is left alone and
// reported, unless force: then its dependents are reported as lost.
func (v *Vault) SweepKeys(ctx context.Context, force bool) (destroyed []kms.VersionInfo, blocked []Blocked, err error) {
	if err := v.authorizeAdmin(ctx); err != nil {
		return nil, nil, err
	}
	m, err := v.manager()
	if err != nil {
		return nil, nil, err
	}
	due, err := m.Due(ctx, v.now())
	if err != nil {
		return nil, nil, keyErr(err, "cannot list keys due for destruction")
	}
	for _, d := range due {
		deps, err := v.dependents(ctx, d.KeyID())
		if err != nil {
			return destroyed, blocked, err
		}
		if len(deps) > 0 {
			blocked = append(blocked, Blocked{VersionInfo: d, Dependents: deps})
			if !force {
				continue
			}
		}
		info, err := m.Destroy(ctx, d.KEK, d.Version, v.now())
		if err != nil {
			return destroyed, blocked, keyErr(err, "cannot destroy key %s", d.KeyID())
		}
		destroyed = append(destroyed, info)
		detail := map[string]string{"unrecoverable_versions": strconv.Itoa(len(deps))}
		if err := v.keyAudit(ctx, "key.destroy", info.KeyID(), detail); err != nil {
			return destroyed, blocked, err
		}
	}
	return destroyed, blocked, nil
}

// dependents lists the versions whose data keys keyID wraps.
func (v *Vault) dependents(ctx context.Context, keyID string) ([]catalog.Version, error) {
	var deps []catalog.Version
	err := v.cat.VersionsWithKey(ctx, keyID, func(ver catalog.Version) error {
		deps = append(deps, ver)
		return nil
	})
	if err != nil {
		return nil, fault.Wrap(fault.Other, err, "cannot read the catalog")
	}
	return deps, nil
}

// RewrapResult counts what Rewrap did.
type RewrapResult struct {
	Key     string `json:"key"`
	Total   int64  `json:"total"`   // data keys of the KEK when the run started
	Moved   int64  `json:"moved"`   // rewrapped to the primary version by this run
	Already int64  `json:"already"` // on the primary already, or moved by someone else meanwhile
}

// RewrapKey moves every data key of KEK name to its primary version. Only
// catalog rows change, never ciphertext. Rows are replaced in batches, each
// row only if it still holds the wrap that was read (compare and swap), so
// the operation is idempotent, safe next to puts and other rewraps, and
// resumable: run it again after an interruption. progress, if not nil, is
// called after each batch with the number of data keys done.
func (v *Vault) RewrapKey(ctx context.Context, name string, progress func(done int64)) (RewrapResult, error) {
	if err := v.authorizeAdmin(ctx); err != nil {
		return RewrapResult{Key: name}, err
	}
	m, err := v.manager()
	if err != nil {
		return RewrapResult{Key: name}, err
	}
	res := RewrapResult{Key: name}
	use, err := v.cat.KeyUsage(ctx)
	if err != nil {
		return res, fault.Wrap(fault.Other, err, "cannot count data keys")
	}
	for id, n := range use {
		if k, _, err := kms.ParseKeyID(id); err == nil && k == name {
			res.Total += n
		}
	}
	var batch []catalog.Rewrap
	flush := func() error {
		n, err := v.cat.Rewrap(ctx, batch)
		if err != nil {
			return err
		}
		res.Moved += int64(n)
		res.Already += int64(len(batch) - n)
		batch = batch[:0]
		if progress != nil {
			progress(res.Moved + res.Already)
		}
		return ctx.Err()
	}
	err = v.cat.VersionsWithKey(ctx, name, func(ver catalog.Version) error {
		item, changed, err := v.rewrapOne(ctx, m, ver)
		if err != nil {
			return err
		}
		if !changed {
			res.Already++
			return nil
		}
		if batch = append(batch, item); len(batch) == rewrapBatchSize {
			return flush()
		}
		return nil
	})
	if err == nil && len(batch) > 0 {
		err = flush()
	}
	detail := map[string]string{"moved": itoa(res.Moved), "already": itoa(res.Already)}
	if aerr := v.keyAudit(context.WithoutCancel(ctx), "key.rewrap", name, detail); err == nil {
		err = aerr
	}
	var fe *fault.Error
	if err != nil && !errors.As(err, &fe) {
		err = fault.Wrap(fault.Other, err, "rewrap of key %q stopped after %d data keys", name, res.Moved+res.Already).WithHint("run it again to resume")
	}
	return res, err
}

// rewrapBatchSize is how many rows one rewrap transaction replaces: enough to
// spread a commit's fsync over many rows, few enough to keep locks short.
var rewrapBatchSize = 256

func (v *Vault) rewrapOne(ctx context.Context, m kms.Manager, ver catalog.Version) (catalog.Rewrap, bool, error) {
	wrapped, keyID, changed, err := m.Rewrap(ctx, ver.WrappedDEK, wrapContext(&ver))
	if err != nil {
		return catalog.Rewrap{}, false, keyErr(err, "cannot rewrap the data key of %s", refOf(ver))
	}
	return catalog.Rewrap{ID: ver.ID, OldKeyID: ver.KeyID, Wrapped: wrapped, KeyID: keyID}, changed, nil
}

// Shred destroys the data key of one version for good: every copy of its
// blob, backups included, becomes unreadable. The blob is removed too.
func (v *Vault) Shred(ctx context.Context, ref Ref) (catalog.Version, error) {
	if ref.Version == 0 {
		return catalog.Version{}, fault.E(fault.Invalid, "shred needs an explicit version").WithHint("write %s@VERSION", ref.Name)
	}
	ver, err := v.Version(ctx, ref)
	if err != nil {
		return ver, err
	}
	if err := v.authorize(ctx, policy.Delete, Resource(ver)); err != nil {
		return ver, err
	}
	rec := &audit.Record{Action: "shred", Decision: "ok", Detail: map[string]string{"version_id": ver.ID, "key": ver.KeyID}}
	v.stamp(rec)
	err = v.cat.Shred(ctx, ver.ID, rec)
	if errors.Is(err, catalog.ErrShredded) {
		return ver, shreddedErr(ver)
	}
	if err != nil {
		return ver, fault.Wrap(fault.Other, err, "cannot shred %s", refOf(ver))
	}
	ver.Shredded, ver.ShreddedBy, ver.WrappedDEK = rec.Time, rec.Actor, nil
	_ = v.blobs.Delete(ctx, ver.BlobKey) // unreadable either way; gc reports it if this fails
	return ver, nil
}

// MigrateRoot re-seals the keyring under a new root and records it in the
// configuration. The old root (key file or token key) is left in place for
// the operator to retire.
func (v *Vault) MigrateRoot(ctx context.Context, to config.Root, toSecrets Secrets) error {
	if err := v.authorizeAdmin(ctx); err != nil {
		return err
	}
	if _, err := v.manager(); err != nil {
		return err
	}
	if err := to.Check(); err != nil {
		return fault.Wrap(fault.Invalid, err, "invalid new root")
	}
	dir := config.Resolve(v.Home, location(v.cfg.Keyring))
	if err := local.MigrateRoot(ctx, dir, RootSpec(v.cfg.Root, v.sec), RootSpec(to, toSecrets)); err != nil {
		return keyErr(err, "cannot migrate the keyring root")
	}
	c := v.cfg
	c.Root = to
	if err := config.Replace(v.Home, c); err != nil {
		return fault.Wrap(fault.Other, err, "the keyring is now sealed by the %s root, but the configuration could not be updated", to.Kind).
			WithHint("set root.kind: %s in %s by hand", to.Kind, config.FileName)
	}
	from := v.cfg.Root.Kind
	v.cfg = c
	return v.keyAudit(ctx, "key.migrate-root", "", map[string]string{"from": from, "to": to.Kind})
}

func (v *Vault) keyAudit(ctx context.Context, action, keyID string, detail map[string]string) error {
	if keyID != "" {
		if detail == nil {
			detail = map[string]string{}
		}
		detail["key"] = keyID
	}
	return v.record(ctx, &audit.Record{Action: action, Decision: "ok", Detail: detail})
}

// keyErr maps keyring errors to fault kinds.
func keyErr(err error, format string, args ...any) *fault.Error {
	msg := fmt.Sprintf(format, args...)
	switch {
	case errors.Is(err, kms.ErrNotFound):
		return fault.Wrap(fault.NotFound, err, "%s", msg).WithHint("run: coffer key ls")
	case errors.Is(err, kms.ErrRefused):
		return fault.Wrap(fault.Invalid, err, "%s", msg)
	case errors.Is(err, kms.ErrDestroyed):
		return fault.Wrap(fault.Shredded, err, "%s", msg)
	case errors.Is(err, local.ErrSealed):
		return fault.Wrap(fault.Integrity, err, "%s", msg)
	}
	return fault.Wrap(fault.Other, err, "%s", msg)
}
