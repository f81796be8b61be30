package vault

// Administration of the vault's policies and views, and the what-if
// questions `coffer policy check` and `coffer policy explain` ask.

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/policy"
	"github.com/coffer-vault/coffer/internal/view"
)

// LoadPolicies reads and validates a policy set: every *.cedar file of a
// directory, or one file.
func LoadPolicies(path string) (*policy.Set, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fault.Wrap(fault.Other, err, "cannot read policies").WithHint("name a directory of *.cedar files or one .cedar file")
	}
	if fi.IsDir() {
		return policy.Load(path)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fault.Wrap(fault.Other, err, "cannot read policies")
	}
	name := filepath.Base(path)
	if filepath.Ext(name) != ".cedar" {
		return nil, fault.E(fault.Invalid, "policy file %s does not end in .cedar", path).WithHint("rename it NAME.cedar")
	}
	return policy.Parse(map[string][]byte{name: b})
}

// LoadViews reads and validates a view file.
func LoadViews(path string) (*view.Set, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fault.Wrap(fault.Other, err, "cannot read views")
	}
	return view.Load(path)
}

// SetPolicies replaces the vault's policies with the set at path (a
// directory or one .cedar file), after validating it and checking that the
// caller could still administer the vault under it. The files are written
// to a new directory that is then renamed into place. It is an admin
// action, audited with a digest of the new set.
func (v *Vault) SetPolicies(ctx context.Context, path string) (*policy.Set, error) {
	set, err := LoadPolicies(path)
	if err != nil {
		return nil, err
	}
	req, err := v.authorizeReq(ctx, policy.Admin, policy.Resource{})
	if err != nil {
		return nil, err
	}
	if d := set.Decide(req); !d.Allow {
		return nil, fault.E(fault.Invalid, "the new policies would deny %s the admin action: %s", req.Principal.ID, d.Reason()).
			WithHint("keep a permit for admin (the starter policies have operator.cedar), or nobody can change the policies again")
	}
	files := set.Files()
	if err := replaceDir(filepath.Join(v.Home, PoliciesDir), files); err != nil {
		return nil, fault.Wrap(fault.Other, err, "cannot replace the vault's policies")
	}
	v.cache.invalidate()
	rec := &audit.Record{Action: "policy.set", Decision: "ok", Detail: map[string]string{
		"files": strconv.Itoa(len(files)), "count": strconv.Itoa(len(set.Policies())), "sha256": digestFiles(files)}}
	return set, v.record(ctx, rec)
}

// SetViews replaces the vault's views.yaml with the file at path, after
// validating it. It is an admin action, audited with the file's digest.
func (v *Vault) SetViews(ctx context.Context, path string) (*view.Set, error) {
	set, err := LoadViews(path)
	if err != nil {
		return nil, err
	}
	if err := v.authorizeAdmin(ctx); err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fault.Wrap(fault.Other, err, "cannot read views")
	}
	if err := writeAtomic(filepath.Join(v.Home, ViewsFile), b); err != nil {
		return nil, fault.Wrap(fault.Other, err, "cannot replace the vault's views")
	}
	v.cache.invalidate()
	sum := sha256.Sum256(b)
	rec := &audit.Record{Action: "view.set", Decision: "ok", Detail: map[string]string{
		"count": strconv.Itoa(len(set.IDs())), "sha256": hex.EncodeToString(sum[:])}}
	return set, v.record(ctx, rec)
}

// ViewsText returns the vault's view file as it is. It is an admin action.
func (v *Vault) ViewsText(ctx context.Context) ([]byte, *view.Set, error) {
	if err := v.authorizeRead(ctx, "view.show"); err != nil {
		return nil, nil, err
	}
	set, err := v.Views()
	if err != nil {
		return nil, nil, err
	}
	b, err := os.ReadFile(filepath.Join(v.Home, ViewsFile))
	if err != nil && !os.IsNotExist(err) {
		return nil, nil, fault.Wrap(fault.Other, err, "cannot read views")
	}
	return b, set, nil
}

// PolicyList returns the vault's policies. It is an admin action.
func (v *Vault) PolicyList(ctx context.Context) ([]policy.Info, error) {
	if err := v.authorizeRead(ctx, "policy.ls"); err != nil {
		return nil, err
	}
	set, err := v.Policies(ctx)
	if err != nil {
		return nil, err
	}
	return set.Policies(), nil
}

// AccessCheck is the answer to a what-if question: may v's caller do
// action on a resource, why, and for a read what the views would do.
type AccessCheck struct {
	Explanation policy.Explanation  `json:"explanation"`
	Views       []string            `json:"views,omitempty"`   // views that would apply to a read
	Columns     []view.ColumnAction `json:"columns,omitempty"` // what they would do, column by column
	Notes       []string            `json:"notes,omitempty"`
}

// CheckAccess decides whether v's caller may do action on ref (nil: the
// vault itself) with the vault's policies, rule by rule, and for reads
// and exports also plans the views. Nothing is read and nothing is
// audited: it asks, it does not act. An unknown principal is
// fault.NotFound, a disabled one fault.Denied.
func (v *Vault) CheckAccess(ctx context.Context, action string, ref *Ref) (AccessCheck, error) {
	if !slices.Contains(policy.Actions, action) {
		return AccessCheck{}, fault.E(fault.Invalid, "action %q is unknown", action).WithHint("use one of read, write, delete, export, admin")
	}
	var (
		ac  AccessCheck
		ver catalog.Version
		res policy.Resource
		err error
	)
	if ref != nil {
		if ver, err = v.Version(ctx, *ref); err != nil {
			return ac, err
		}
		res = Resource(ver)
	}
	req, err := v.Request(ctx, action, res)
	if err != nil {
		return ac, err
	}
	set, err := v.Policies(ctx)
	if err != nil {
		return ac, err
	}
	ac.Explanation = set.Explain(req)
	if why := v.scopeDenies(action); why != "" {
		ac.Explanation.Decision = policy.Decision{Forbids: []string{"credential-scope"}}
		ac.Notes = append(ac.Notes, "denied by credential-scope: "+why)
	}
	if ref != nil && (action == policy.Read || action == policy.Export) {
		ac.plan(ctx, v, ver)
	}
	return ac, nil
}

// plan fills in what the views would do to a read of ver.
func (ac *AccessCheck) plan(ctx context.Context, v *Vault, ver catalog.Version) {
	p := ac.Explanation.Request.Principal
	plan, err := v.Plan(ctx, p, ac.Explanation.Request.Purpose, ver)
	if err != nil {
		ac.Notes = append(ac.Notes, fault.KindOf(err).String()+": "+err.Error())
		return
	}
	ac.Views, ac.Columns, ac.Notes = plan.Views(), plan.Describe(), append(ac.Notes, plan.Notes()...)
}

// replaceDir replaces dir with a directory holding files, through a new
// sibling directory renamed into place; the old one is removed last.
func replaceDir(dir string, files map[string][]byte) error {
	parent := filepath.Dir(dir)
	tmp, err := os.MkdirTemp(parent, ".policies-new-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp) // a no-op after the rename
	for name, b := range files {
		if filepath.Base(name) != name {
			return fault.E(fault.Invalid, "policy file name %q has a directory part", name)
		}
		if err := os.WriteFile(filepath.Join(tmp, name), b, 0o600); err != nil {
			return err
		}
	}
	if err := os.Chmod(tmp, 0o700); err != nil {
		return err
	}
	old := tmp + ".old"
	if err := os.Rename(dir, old); err != nil && !os.IsNotExist(err) {
		return err
	}
	if err := os.Rename(tmp, dir); err != nil {
		_ = os.Rename(old, dir) // put the old set back
		return err
	}
	return os.RemoveAll(old)
}

// writeAtomic writes b to path through a temporary file renamed into place.
func writeAtomic(path string, b []byte) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name()) // a no-op after the rename
	_, err = f.Write(b)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(f.Name(), path)
}

// digestFiles is the SHA-256 over the files' names and contents, in name order.
func digestFiles(files map[string][]byte) string {
	h := sha256.New()
	for _, name := range slices.Sorted(maps.Keys(files)) {
		h.Write([]byte(name + "\x00" + strconv.Itoa(len(files[name])) + "\x00"))
		h.Write(files[name])
	}
	return hex.EncodeToString(h.Sum(nil))
}
