package vault

// This file is access control: who a Vault acts for (the local operator or
// a principal named with As), the policy decision every command that
// touches data or keys asks for before it does anything, and how that
// decision reaches the audit log.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/policy"
	"github.com/coffer-vault/coffer/internal/view"
)

// PoliciesDir is the directory of the vault's Cedar policies.
const PoliciesDir = "policies"

// access is who a Vault acts for and what it last allowed.
type access struct {
	as      string           // principal id; "" for the local operator
	purpose string           // declared purpose of reads
	cred    Credential       // how a server authenticated as; zero for the CLI
	allowed *policy.Decision // the decision that allowed the action under way
}

// Credential is how a server authenticated the principal a Vault acts
// for (see Authenticated). The zero value is the CLI: the local user,
// trusted as the keyring trusts it, with --as meaning impersonation.
type Credential struct {
	Method string // "mtls", "apikey" or "sigv4"
	KeyID  string // the API key used, if any (never its secret)
	// Purposes are the purposes the credential was scoped to when it was
	// issued; reads and exports for any other purpose are denied whatever
	// the policies say. Nil with AnyPurpose for client certificates.
	Purposes   []string
	AnyPurpose bool
}

// remote reports whether v acts for a principal a server authenticated.
func (a access) remote() bool { return a.cred.Method != "" }

// Authenticated returns a Vault acting as v does for a principal that a
// server authenticated with c: policy requests carry c.Method as their
// auth, audit records name the method and key instead of an operator
// who impersonated, a principal unknown to the catalog is refused as
// fault.Denied, and reads outside the credential's purposes are denied.
// Use it on the result of As.
func (v *Vault) Authenticated(c Credential) *Vault {
	w := *v
	w.access.cred = c
	w.access.allowed = nil
	return &w
}

// As returns a Vault that acts as principal id (the local operator if id
// is "") for purpose. It shares v's backends: close one of the two only.
func (v *Vault) As(id, purpose string) *Vault {
	c := *v
	c.access = access{as: id, purpose: purpose}
	return &c
}

// Caller returns who v acts for; only the local operator needs no
// catalog entry. An unknown id is fault.NotFound, a disabled one
// fault.Denied.
func (v *Vault) Caller(ctx context.Context) (policy.Principal, error) {
	if v.access.as == "" {
		return policy.Principal{ID: v.actor, Role: policy.OperatorRole}, nil
	}
	p, err := v.cat.Principal(ctx, v.access.as)
	if errors.Is(err, catalog.ErrNotFound) && v.access.remote() {
		return policy.Principal{}, fault.E(fault.Denied, "principal %q is not in the catalog: its %s credential grants nothing",
			v.access.as, v.access.cred.Method).WithHint("an admin adds it: coffer principal add %s ...", v.access.as)
	}
	if errors.Is(err, catalog.ErrNotFound) {
		return policy.Principal{}, fault.E(fault.NotFound, "principal %q does not exist", v.access.as).WithHint("run: coffer principal ls")
	}
	if err != nil {
		return policy.Principal{}, fault.Wrap(fault.Other, err, "cannot read the catalog")
	}
	if !p.Disabled.IsZero() {
		return policy.Principal{}, fault.E(fault.Denied, "principal %q was disabled on %s by %s", p.ID,
			p.Disabled.Format("2006-01-02 15:04:05Z"), p.DisabledBy)
	}
	return policy.Principal{ID: p.ID, Role: p.Role, Department: p.Department, Clearance: p.Clearance, Groups: p.Groups}, nil
}

// CheckCaller checks that v acts for a principal that may act at all
// (known to the catalog and not disabled, or the local operator), for
// requests that take no policy decision (listings of metadata). A refusal
// is audited under action and returned.
func (v *Vault) CheckCaller(ctx context.Context, action string) error {
	if _, err := v.Caller(ctx); err != nil {
		v.recordDenial(ctx, action, policy.Resource{}, nil, err, true)
		return err
	}
	return nil
}

// Policies loads the vault's policy set (from the cache when v has one
// and the files did not change).
func (v *Vault) Policies(ctx context.Context) (*policy.Set, error) {
	if v.cache != nil {
		if set := v.cache.policies(v.Home); set != nil {
			return set, nil
		}
	}
	set, err := policy.Load(filepath.Join(v.Home, PoliciesDir))
	if err != nil {
		if ok, uerr := v.upgradePlaceholder(ctx); uerr != nil {
			return nil, uerr
		} else if ok {
			return v.Policies(ctx)
		}
		if fault.KindOf(err) != fault.Other {
			return nil, err
		}
		return nil, fault.Wrap(fault.Other, err, "cannot load the vault's policies")
	}
	if v.cache != nil {
		v.cache.putPolicies(v.Home, set)
	}
	return set, nil
}

// Resource describes ver for a policy decision. The required clearance is
// never below the one its classification implies.
func Resource(ver catalog.Version) policy.Resource {
	return policy.Resource{
		Dataset: ver.Dataset, Version: ver.Number, Owner: ver.Owner, Department: ver.Department,
		Classification: ver.Classification, Clearance: max(ver.Clearance, policy.DefaultClearance(ver.Classification)),
		Tags: ver.Tags, PIITypes: piiTypes(ver.Findings), AllowedGroups: ver.AllowedGroups, Status: ver.Status,
	}
}

// findings is the part of a version's findings JSON that access needs.
type findings struct {
	Columns []struct {
		Name  string `json:"name"`
		Types []struct {
			Type string `json:"type"`
		} `json:"types"`
	} `json:"columns"`
}

func parseFindings(b []byte) findings {
	var f findings
	if len(b) > 0 {
		_ = json.Unmarshal(b, &f) // written by Put; unreadable findings mean none known
	}
	return f
}

// piiTypes is the sorted set of PII types found in any column.
func piiTypes(b []byte) []string {
	var out []string
	for _, c := range parseFindings(b).Columns {
		for _, t := range c.Types {
			if !slices.Contains(out, t.Type) {
				out = append(out, t.Type)
			}
		}
	}
	slices.Sort(out)
	return out
}

// Request builds the policy request for action on res as v's principal.
func (v *Vault) Request(ctx context.Context, action string, res policy.Resource) (policy.Request, error) {
	p, err := v.Caller(ctx)
	if err != nil {
		return policy.Request{}, err
	}
	auth := "local"
	if v.access.remote() {
		auth = v.access.cred.Method
	}
	return policy.Request{Principal: p, Action: action, Resource: res, Purpose: v.access.purpose,
		Time: v.now(), Auth: auth}, nil
}

// scopeDenies says why v's credential does not allow action for v's
// purpose ("" if it does): an API key scoped to purposes reads and
// exports for those only, in addition to what the policies decide.
func (v *Vault) scopeDenies(action string) string {
	c := v.access.cred
	if !v.access.remote() || c.AnyPurpose || (action != policy.Read && action != policy.Export) {
		return ""
	}
	if !slices.Contains(c.Purposes, v.access.purpose) {
		return "the " + c.Method + " credential " + c.KeyID + " is scoped to purposes [" + strings.Join(c.Purposes, ",") +
			"], not " + strconv.Quote(v.access.purpose)
	}
	return ""
}

// authorize asks the policies whether v's principal may do action on res
// (a dataset version, or the vault when res.Dataset is ""). A denial is
// audited at once and returned as fault.Denied; an unknown principal is
// audited and fault.NotFound. An allow is kept on v, and stamp adds it to
// the records of the action it allowed.
func (v *Vault) authorize(ctx context.Context, action string, res policy.Resource) error {
	_, err := v.authorizeReq(ctx, action, res)
	return err
}

// authorizeReq is authorize that also returns the request it decided.
func (v *Vault) authorizeReq(ctx context.Context, action string, res policy.Resource) (policy.Request, error) {
	req, err := v.Request(ctx, action, res)
	if err != nil {
		v.recordDenial(ctx, action, res, nil, err, true)
		return req, err
	}
	if why := v.scopeDenies(action); why != "" {
		err := fault.E(fault.Denied, "%s may not %s %s: %s", req.Principal.ID, action, what(res), why).
			WithHint("use a key created for that purpose: coffer principal key create %s --purpose %s", req.Principal.ID, firstOf(v.access.purpose, "PURPOSE"))
		v.recordDenial(ctx, action, res, &policy.Decision{Forbids: []string{"credential-scope"}}, err, false)
		return req, err
	}
	set, err := v.Policies(ctx)
	if err != nil { // fail closed, and say so in the log
		v.recordDenial(ctx, action, res, nil, err, false)
		return req, err
	}
	d := set.Decide(req)
	if !d.Allow {
		err := fault.E(fault.Denied, "%s may not %s %s: %s", req.Principal.ID, action, what(res), d.Reason()).
			WithHint("run: coffer policy explain --as %s --action %s%s", req.Principal.ID, action, resourceFlag(res))
		if v.access.as == "" {
			err = err.WithHint("see: coffer policy explain --action %s%s", action, resourceFlag(res))
		}
		v.recordDenial(ctx, action, res, &d, err, false)
		return req, err
	}
	v.access.allowed = &d
	return req, nil
}

// authorizeAdmin authorizes an administrative action on the vault.
func (v *Vault) authorizeAdmin(ctx context.Context) error {
	return v.authorize(ctx, policy.Admin, policy.Resource{})
}

// recordDenial appends the audit record of a request that was refused
// before anything was done; byCaller says the caller itself was refused
// (unknown or disabled principal). Failing to write the record does not
// change the answer, which is a refusal either way.
func (v *Vault) recordDenial(ctx context.Context, action string, res policy.Resource, d *policy.Decision, cause error, byCaller bool) {
	rec := &audit.Record{Action: action, Dataset: res.Dataset, Version: res.Version, Decision: "deny",
		Purpose: v.access.purpose, Detail: map[string]string{"reason": fault.KindOf(cause).String()}}
	if d != nil {
		rec.Detail["policies"] = strings.Join(d.Deciding(), ",")
		if len(d.Deciding()) == 0 {
			rec.Detail["policies"] = "default-deny"
		}
	}
	switch {
	case v.access.remote():
		// A server authenticated the caller: it is the actor even when the
		// catalog does not know it or disabled it.
		rec.Actor = v.access.as
		stampCred(rec, v.access.cred)
	case byCaller && v.access.as != "":
		// The principal is unknown or disabled: the operator acted, naming it.
		rec.Actor = v.actor
		rec.Detail["as"] = v.access.as
	}
	_ = v.record(context.WithoutCancel(ctx), rec)
}

// stampAccess adds who acted, for whom, with which purpose and under which
// policies to a record of the action under way.
func (v *Vault) stampAccess(r *audit.Record) {
	if r.Actor != "" {
		return
	}
	r.Actor = v.actor
	switch {
	case v.access.as != "" && v.access.remote():
		r.Actor = v.access.as
		stampCred(r, v.access.cred)
	case v.access.as != "":
		r.Actor = v.access.as
		setDetail(r, "impersonated_by", v.actor)
	}
	if r.Purpose == "" {
		r.Purpose = v.access.purpose
	}
	if d := v.access.allowed; d != nil && r.Detail["policies"] == "" {
		setDetail(r, "policies", strings.Join(d.Deciding(), ","))
	}
}

// stampCred names how a server authenticated the actor of r.
func stampCred(r *audit.Record, c Credential) {
	setDetail(r, "auth", c.Method)
	if c.KeyID != "" {
		setDetail(r, "api_key", c.KeyID)
	}
}

func setDetail(r *audit.Record, k, val string) {
	if r.Detail == nil {
		r.Detail = map[string]string{}
	}
	r.Detail[k] = val
}

// what names a resource in messages.
func what(res policy.Resource) string {
	switch {
	case res.Dataset == "":
		return "this vault"
	case res.Version == 0:
		return "dataset " + res.Dataset
	}
	return refString(res.Dataset, res.Version)
}

func resourceFlag(res policy.Resource) string {
	if res.Dataset == "" {
		return ""
	}
	if res.Version == 0 {
		return " --resource " + res.Dataset
	}
	return " --resource " + refString(res.Dataset, res.Version)
}

func refString(name string, n int64) string { return name + "@" + itoa(n) }

// actingID is the id of who v acts for.
func (v *Vault) actingID() string {
	if v.access.as != "" {
		return v.access.as
	}
	return v.actor
}

// putResource describes the dataset a put writes to: the latest version
// as it is, or for a new dataset the one the put would create.
func putResource(name string, prev catalog.Version, o PutOptions) policy.Resource {
	if prev.Number != 0 {
		res := Resource(prev)
		res.Version = 0
		return res
	}
	level := firstOf(o.Classification, "internal")
	return policy.Resource{Dataset: name, Owner: o.Owner, Department: o.Department, Classification: level,
		Clearance: max(o.Clearance, policy.DefaultClearance(level)), Tags: o.Tags, AllowedGroups: o.AllowGroups}
}

// placeholderSHA256 is the digest of the policies/starter.cedar that init
// wrote before policies were enforced. It does not validate against the
// schema, so a vault that still holds it, unchanged and alone, gets the
// starter policies instead (audited) rather than refusing every command.
const placeholderSHA256 = "b125d5281050620e0f044ebc4247b641e1f415da8a5a62673c81ccc62ff8aa8c"

// upgradePlaceholder installs the starter policies and views over the
// placeholder of an older vault; it reports whether it did.
func (v *Vault) upgradePlaceholder(ctx context.Context) (bool, error) {
	dir := filepath.Join(v.Home, PoliciesDir)
	cedars, err := filepath.Glob(filepath.Join(dir, "*.cedar"))
	if err != nil || len(cedars) != 1 || filepath.Base(cedars[0]) != "starter.cedar" {
		return false, nil
	}
	b, err := os.ReadFile(cedars[0])
	if err != nil {
		return false, nil
	}
	if sum := sha256.Sum256(b); hex.EncodeToString(sum[:]) != placeholderSHA256 {
		return false, nil
	}
	files := policy.Starter()
	if err := replaceDir(dir, files); err != nil {
		return false, fault.Wrap(fault.Other, err, "cannot install the starter policies over the placeholder")
	}
	if _, err := os.Stat(filepath.Join(v.Home, ViewsFile)); os.IsNotExist(err) {
		if err := writeAtomic(filepath.Join(v.Home, ViewsFile), view.Starter()); err != nil {
			return false, fault.Wrap(fault.Other, err, "cannot write the starter views")
		}
	}
	_ = os.Remove(filepath.Join(v.Home, "principals.yaml")) // the placeholder's companion; principals live in the catalog
	rec := &audit.Record{Action: "policy.upgrade", Decision: "ok", Actor: v.actor, Detail: map[string]string{
		"files": strconv.Itoa(len(files)), "sha256": digestFiles(files)}}
	return true, v.record(ctx, rec)
}
