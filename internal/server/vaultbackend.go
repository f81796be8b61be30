package server

import (
	"context"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/authn"
	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/policy"
	"github.com/coffer-vault/coffer/internal/vault"
)

// VaultBackend implements Backend over a vault: every request runs as the
// authenticated principal (vault.As + Authenticated) and is decided by the
// vault's Cedar policies and views, exactly as the CLI's --as is:
//
//   - Open is the action read (view plan, audit record with the views and
//     what they withheld); Put is write; Delete is delete on each live
//     version; Audit is admin; Explain is `policy explain`.
//   - Datasets, Versions and Version are metadata: no policy decision (as
//     `coffer ls --as`), but the principal must be active in the catalog.
//   - A principal the catalog does not know (a certificate issued for an
//     id never added) or has disabled is refused (403) and audited.
//   - What policies cannot express stays here: an API key scoped to
//     purposes reads for those only (vault.Credential.Purposes).
//
// Call V.CacheAccess before serving so policies and views are parsed once
// per change, not per request.
type VaultBackend struct {
	V *vault.Vault
}

var _ Backend = (*VaultBackend)(nil)

// as is the vault acting for c, reading for purpose.
func (b *VaultBackend) as(c authn.Caller, purpose string) *vault.Vault {
	return b.V.As(c.Principal, purpose).Authenticated(vault.Credential{Method: string(c.Method), KeyID: c.KeyID,
		Purposes: c.Purposes, AnyPurpose: c.Any})
}

// Ready checks that the catalog answers (readiness probes).
func (b *VaultBackend) Ready(ctx context.Context) error {
	_, err := b.V.Datasets(ctx)
	return err
}

// Datasets lists every dataset whose latest version is not shredded.
func (b *VaultBackend) Datasets(ctx context.Context, c authn.Caller) ([]catalog.Dataset, error) {
	if err := b.as(c, "").CheckCaller(ctx, "ls"); err != nil {
		return nil, err
	}
	ds, err := b.V.Datasets(ctx)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(ds, func(d catalog.Dataset) bool { return !d.Latest.Shredded.IsZero() }), nil
}

// Versions lists the versions of name.
func (b *VaultBackend) Versions(ctx context.Context, c authn.Caller, name string) ([]catalog.Version, error) {
	if err := b.as(c, "").CheckCaller(ctx, "log"); err != nil {
		return nil, err
	}
	return b.V.Versions(ctx, name)
}

// Version returns the metadata of ref.
func (b *VaultBackend) Version(ctx context.Context, c authn.Caller, ref vault.Ref) (catalog.Version, error) {
	if err := b.as(c, "").CheckCaller(ctx, "log"); err != nil {
		return catalog.Version{}, err
	}
	return b.V.Version(ctx, ref)
}

// Put stores a new version as the caller (action write).
func (b *VaultBackend) Put(ctx context.Context, c authn.Caller, name string, body io.Reader, o vault.PutOptions) (catalog.Version, error) {
	if err := vault.CheckName(name); err != nil {
		return catalog.Version{}, err
	}
	return b.as(c, "").Put(ctx, name, body, o)
}

// Open authorizes a read of ref for purpose and plans the views; a
// denial is audited once and nothing is read.
func (b *VaultBackend) Open(ctx context.Context, c authn.Caller, ref vault.Ref, purpose string) (Object, error) {
	ver, err := b.V.Version(ctx, ref)
	if err == nil && !ver.Shredded.IsZero() {
		return nil, fault.E(fault.NotFound, "dataset %q was deleted", ref.Name)
	}
	rd, err := b.as(c, purpose).OpenRead(ctx, ref, policy.Read)
	if err != nil {
		return nil, err
	}
	return &vaultObject{rd: rd}, nil
}

// Delete shreds every live version of name, each one authorized as
// action delete; the first denial stops it.
func (b *VaultBackend) Delete(ctx context.Context, c authn.Caller, name string) error {
	v := b.as(c, "")
	if err := v.CheckCaller(ctx, "delete"); err != nil {
		return err
	}
	vs, err := b.V.Versions(ctx, name)
	if err != nil {
		return err
	}
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

// Explain asks the policies and views, as `coffer policy explain` does;
// nothing is read and nothing is audited (but for an unknown or disabled
// caller, refused and audited as everywhere).
func (b *VaultBackend) Explain(ctx context.Context, c authn.Caller, action string, ref vault.Ref, purpose string) (Explanation, error) {
	var r *vault.Ref
	if ref.Name != "" {
		r = &ref
	}
	v := b.as(c, purpose)
	if err := v.CheckCaller(ctx, "explain"); err != nil {
		return Explanation{}, err
	}
	ac, err := v.CheckAccess(ctx, action, r)
	if err != nil {
		return Explanation{}, err
	}
	return explanation(ac), nil
}

// explanation renders an AccessCheck as Explain's answer.
func explanation(ac vault.AccessCheck) Explanation {
	e := Explanation{Decision: "deny", Reasons: []string{}, Masked: []string{}}
	d := ac.Explanation.Decision
	if d.Allow {
		e.Decision = "allow"
	}
	e.Reasons = append(e.Reasons, d.Reason())
	for _, r := range ac.Explanation.Rules {
		if !r.Applied && r.Error == "" {
			continue
		}
		line := r.Effect + " " + r.ID
		if r.Description != "" {
			line += ": " + r.Description
		}
		if r.Error != "" {
			line += " (error: " + r.Error + ")"
		}
		e.Reasons = append(e.Reasons, line)
	}
	e.Reasons = append(e.Reasons, ac.Notes...)
	if len(ac.Views) > 0 {
		e.Reasons = append(e.Reasons, "views that apply to the read: "+strings.Join(ac.Views, ", "))
	}
	for _, col := range ac.Columns {
		if col.Column == "" { // a row filter
			e.Reasons = append(e.Reasons, "rows filtered by view "+strings.Join(col.Views, ", "))
			continue
		}
		e.Masked = append(e.Masked, col.Column+":"+col.Action)
	}
	return e
}

// Audit streams audit records (action admin).
func (b *VaultBackend) Audit(ctx context.Context, c authn.Caller, since time.Time, fn func(audit.Record) error) error {
	return b.as(c, "").AuditRecords(ctx, since, fn)
}

type vaultObject struct{ rd *vault.Read }

func (o *vaultObject) Version() catalog.Version { return o.rd.Version() }
func (o *vaultObject) Size() int64              { return o.rd.Size() }
func (o *vaultObject) Views() []string          { return o.rd.Views() }

func (o *vaultObject) WriteTo(ctx context.Context, w io.Writer) error { return o.rd.WriteTo(ctx, w) }

func (o *vaultObject) WriteRange(ctx context.Context, off, n int64, w io.Writer) error {
	return o.rd.WriteRange(ctx, off, n, w)
}
