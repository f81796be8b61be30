package vault

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/policy"
)

// principalRE is what a principal id, role, department or group may be:
// letters, digits and . _ - @ (e-mail-like ids), starting with a letter
// or digit. "os:" ids are the local operators' and cannot be added.
var principalRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$`)

// CheckPrincipal validates a principal before it is added.
func CheckPrincipal(p catalog.Principal) error {
	if !principalRE.MatchString(p.ID) {
		return fault.E(fault.Invalid, "principal id %q is invalid", p.ID).
			WithHint("use letters, digits, '.', '_', '-', '@' (at most 128), starting with a letter or digit")
	}
	if !principalRE.MatchString(p.Role) {
		return fault.E(fault.Invalid, "role %q of principal %q is invalid", p.Role, p.ID).
			WithHint("pass --role, e.g. --role data-scientist")
	}
	if p.Role == policy.OperatorRole {
		return fault.E(fault.Invalid, "role %q is the local operator's and cannot be given to a principal", p.Role).
			WithHint("choose another role, e.g. admin")
	}
	if p.Department != "" && !principalRE.MatchString(p.Department) {
		return fault.E(fault.Invalid, "department %q is invalid", p.Department).WithHint("use letters, digits, '.', '_', '-'")
	}
	if p.Clearance < 0 || p.Clearance > catalog.MaxClearance {
		return fault.E(fault.Invalid, "clearance %d is outside 0..%d", p.Clearance, catalog.MaxClearance).
			WithHint("0 public, 1 internal, 2 confidential, 3 restricted, 4-5 above")
	}
	return checkGroups(p.Groups)
}

func checkGroups(gs []string) error {
	for _, g := range gs {
		if !principalRE.MatchString(g) {
			return fault.E(fault.Invalid, "group %q is invalid", g).WithHint("use letters, digits, '.', '_', '-', '@'")
		}
	}
	return nil
}

// AddPrincipal adds p (Created and CreatedBy are filled in) and its audit
// record in one transaction. It is an admin action.
func (v *Vault) AddPrincipal(ctx context.Context, p catalog.Principal) (catalog.Principal, error) {
	if err := CheckPrincipal(p); err != nil {
		return p, err
	}
	if err := v.authorizeAdmin(ctx); err != nil {
		return p, err
	}
	p.Groups = slices.Compact(slices.Sorted(slices.Values(p.Groups)))
	rec := &audit.Record{Action: "principal.add", Decision: "ok", Detail: map[string]string{
		"principal": p.ID, "role": p.Role, "department": p.Department, "clearance": itoa(int64(p.Clearance)),
		"groups": strings.Join(p.Groups, ","),
	}}
	v.stamp(rec)
	p.Created, p.CreatedBy = rec.Time, rec.Actor
	err := v.cat.AddPrincipal(ctx, &p, rec)
	if errors.Is(err, catalog.ErrExists) {
		return p, fault.E(fault.Invalid, "principal %q already exists", p.ID).WithHint("run: coffer principal show %s", p.ID)
	}
	if err != nil {
		return p, fault.Wrap(fault.Other, err, "cannot add principal %q", p.ID)
	}
	return p, nil
}

// DisablePrincipal disables principal id for good: it can no longer act,
// and its id is not given to anyone else. It is an admin action.
func (v *Vault) DisablePrincipal(ctx context.Context, id string) (catalog.Principal, error) {
	if err := v.authorizeAdmin(ctx); err != nil {
		return catalog.Principal{}, err
	}
	rec := &audit.Record{Action: "principal.disable", Decision: "ok", Detail: map[string]string{"principal": id}}
	v.stamp(rec)
	err := v.cat.DisablePrincipal(ctx, id, rec)
	switch {
	case errors.Is(err, catalog.ErrNotFound):
		return catalog.Principal{}, principalNotFound(id)
	case errors.Is(err, catalog.ErrDisabled):
		return catalog.Principal{}, fault.E(fault.Invalid, "principal %q is already disabled", id)
	case err != nil:
		return catalog.Principal{}, fault.Wrap(fault.Other, err, "cannot disable principal %q", id)
	}
	return v.cat.Principal(ctx, id)
}

// LookupPrincipal returns principal id. It is an admin action.
func (v *Vault) LookupPrincipal(ctx context.Context, id string) (catalog.Principal, error) {
	if err := v.authorizeRead(ctx, "principal.show"); err != nil {
		return catalog.Principal{}, err
	}
	p, err := v.cat.Principal(ctx, id)
	if errors.Is(err, catalog.ErrNotFound) {
		return p, principalNotFound(id)
	}
	if err != nil {
		return p, fault.Wrap(fault.Other, err, "cannot read the catalog")
	}
	return p, nil
}

// ListPrincipals lists every principal by id. It is an admin action.
func (v *Vault) ListPrincipals(ctx context.Context) ([]catalog.Principal, error) {
	if err := v.authorizeRead(ctx, "principal.ls"); err != nil {
		return nil, err
	}
	ps, err := v.cat.ListPrincipals(ctx)
	if err != nil {
		return nil, fault.Wrap(fault.Other, err, "cannot read the catalog")
	}
	return ps, nil
}

// authorizeRead authorizes an admin action that changes nothing and so
// has no record of its own: the allow is audited as a record of action.
func (v *Vault) authorizeRead(ctx context.Context, action string) error {
	if err := v.authorizeAdmin(ctx); err != nil {
		return err
	}
	return v.record(ctx, &audit.Record{Action: action, Decision: "ok"})
}

func principalNotFound(id string) error {
	return fault.E(fault.NotFound, "principal %q does not exist", id).WithHint("run: coffer principal ls")
}
