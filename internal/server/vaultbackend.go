package server

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/authn"
	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/vault"
)

// VaultBackend implements Backend over a vault that has no authorization
// of its own yet. Its rules are the credential's only:
//   - a read (Open) must declare a purpose the credential allows;
//   - Put is open to every authenticated caller, who becomes the owner;
//   - Delete (shred) is for the dataset's owner or an admin;
//   - Audit is for admins.
//
// Every call runs as the caller (vault.As), so the audit log names them.
// When the policy engine lands, these methods call the authorizing vault
// instead; the HTTP layers do not change.
type VaultBackend struct {
	V      *vault.Vault
	Admins []string // principals allowed audit queries and any delete
}

var _ Backend = (*VaultBackend)(nil)

func (b *VaultBackend) as(c authn.Caller) *vault.Vault { return b.V.As(c.Principal) }

func (b *VaultBackend) admin(c authn.Caller) bool { return slices.Contains(b.Admins, c.Principal) }

// Datasets lists every dataset whose latest version is not shredded.
func (b *VaultBackend) Datasets(ctx context.Context, c authn.Caller) ([]catalog.Dataset, error) {
	ds, err := b.V.Datasets(ctx)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(ds, func(d catalog.Dataset) bool { return !d.Latest.Shredded.IsZero() }), nil
}

// Versions lists the versions of name.
func (b *VaultBackend) Versions(ctx context.Context, c authn.Caller, name string) ([]catalog.Version, error) {
	return b.V.Versions(ctx, name)
}

// Version returns the metadata of ref.
func (b *VaultBackend) Version(ctx context.Context, c authn.Caller, ref vault.Ref) (catalog.Version, error) {
	return b.V.Version(ctx, ref)
}

// Put stores a new version as the caller.
func (b *VaultBackend) Put(ctx context.Context, c authn.Caller, name string, body io.Reader, o vault.PutOptions) (catalog.Version, error) {
	if err := vault.CheckName(name); err != nil {
		return catalog.Version{}, err
	}
	return b.as(c).Put(ctx, name, body, o)
}

// Open authorizes a read: the purpose must be one the credential allows.
func (b *VaultBackend) Open(ctx context.Context, c authn.Caller, ref vault.Ref, purpose string) (Object, error) {
	if purpose == "" {
		return nil, b.deny(ctx, c, ref, purpose, "no purpose declared")
	}
	if !c.MayDeclare(purpose) {
		return nil, b.deny(ctx, c, ref, purpose, "the credential does not allow this purpose")
	}
	ver, err := b.V.Version(ctx, ref)
	if err != nil {
		return nil, err
	}
	if !ver.Shredded.IsZero() {
		return nil, fault.E(fault.NotFound, "dataset %q was deleted", ref.Name)
	}
	return &vaultObject{v: b.as(c), ver: ver}, nil
}

// deny records a denied read in the audit log and returns its error.
func (b *VaultBackend) deny(ctx context.Context, c authn.Caller, ref vault.Ref, purpose, why string) error {
	_ = b.as(c).RecordDenied(ctx, "get", ref, purpose, why)
	return fault.E(fault.Denied, "%s may not read %s for purpose %q: %s", c.Principal, ref, purpose, why)
}

// Delete shreds every live version of name: the owner or an admin only.
func (b *VaultBackend) Delete(ctx context.Context, c authn.Caller, name string) error {
	vs, err := b.V.Versions(ctx, name)
	if err != nil {
		return err
	}
	last := vs[len(vs)-1]
	if !b.admin(c) && last.Owner != c.Principal {
		_ = b.as(c).RecordDenied(ctx, "delete", vault.Ref{Name: name}, "", "not the owner")
		return fault.E(fault.Denied, "%s may not delete %s: only its owner or an admin may", c.Principal, name)
	}
	v := b.as(c)
	for _, ver := range vs {
		if !ver.Shredded.IsZero() {
			continue
		}
		if _, err := v.Shred(ctx, vault.Ref{Name: name, Version: ver.Number}); err != nil && fault.KindOf(err) != fault.Shredded {
			return err
		}
	}
	return nil
}

// Explain answers with the credential-level rules above.
func (b *VaultBackend) Explain(ctx context.Context, c authn.Caller, action string, ref vault.Ref, purpose string) (Explanation, error) {
	if _, err := b.V.Version(ctx, ref); err != nil {
		return Explanation{}, err
	}
	e := Explanation{Decision: "allow", Masked: []string{}}
	switch action {
	case "read":
		if !c.MayDeclare(purpose) {
			e.Decision = "deny"
			e.Reasons = append(e.Reasons, fmt.Sprintf("the %s credential of %s does not allow purpose %q", c.Method, c.Principal, purpose))
		} else {
			e.Reasons = append(e.Reasons, fmt.Sprintf("the %s credential of %s allows purpose %q", c.Method, c.Principal, purpose))
		}
	case "write":
		e.Reasons = append(e.Reasons, "every authenticated principal may add versions")
	default:
		return Explanation{}, fault.E(fault.Invalid, "action %q is unknown", action).WithHint("use read or write")
	}
	e.Reasons = append(e.Reasons, "no policy engine is configured: views mask nothing")
	return e, nil
}

// Audit streams audit records to admins.
func (b *VaultBackend) Audit(ctx context.Context, c authn.Caller, since time.Time, fn func(audit.Record) error) error {
	if !b.admin(c) {
		return fault.E(fault.Denied, "%s may not read the audit log: admins only", c.Principal)
	}
	return b.V.AuditRecords(ctx, since, fn)
}

type vaultObject struct {
	v   *vault.Vault
	ver catalog.Version
}

func (o *vaultObject) Version() catalog.Version { return o.ver }
func (o *vaultObject) Size() int64              { return o.ver.Size }

func (o *vaultObject) ref() vault.Ref { return vault.Ref{Name: o.ver.Dataset, Version: o.ver.Number} }

func (o *vaultObject) WriteTo(ctx context.Context, w io.Writer) error {
	_, err := o.v.Get(ctx, o.ref(), w)
	return err
}

func (o *vaultObject) WriteRange(ctx context.Context, off, n int64, w io.Writer) error {
	_, err := o.v.GetRange(ctx, o.ref(), off, n, w)
	return err
}
