package vault

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/policy"
	"github.com/coffer-vault/coffer/internal/quality"
)

// Profile returns the quality profile stored with ref (latest accepted
// version if ref has no number). The profile holds no values of columns
// with personal data, so reading it needs no data permission.
func (v *Vault) Profile(ctx context.Context, ref Ref) (catalog.Version, *quality.Profile, error) {
	ver, err := v.Version(ctx, ref)
	if err != nil {
		return ver, nil, err
	}
	// A profile holds values of the data (minimum, maximum, top values):
	// whoever may not read the version may not see it either.
	if err := v.authorize(ctx, policy.Read, Resource(ver)); err != nil {
		return ver, nil, err
	}
	prof, err := storedProfile(ver)
	if err == nil && prof == nil {
		err = fault.E(fault.NotFound, "%s has no profile (format %s, or stored before profiles)", refOf(ver), ver.Format).
			WithHint("profiles are made for CSV, TSV, JSON Lines and Parquet on put")
	}
	return ver, prof, err
}

func storedProfile(ver catalog.Version) (*quality.Profile, error) {
	if len(ver.Profile) == 0 {
		return nil, nil
	}
	p := &quality.Profile{}
	if err := json.Unmarshal(ver.Profile, p); err != nil {
		return nil, fault.Wrap(fault.Other, err, "the stored profile of %s is not valid", refOf(ver))
	}
	return p, nil
}

// CheckRun is the outcome of RunChecks.
type CheckRun struct {
	Version catalog.Version
	Report  quality.Report
	Profile *quality.Profile // the new profile the checks ran on
}

// RunChecks runs the dataset's current checks on ref: it reads the stored
// version again (decrypting it; value-level checks need every value),
// profiles it, and compares with the latest accepted version before it.
// It changes nothing but the audit log; a failed check is not an error.
func (v *Vault) RunChecks(ctx context.Context, ref Ref) (CheckRun, error) {
	ver, err := v.Version(ctx, ref)
	if err != nil {
		return CheckRun{}, err
	}
	if err := v.authorize(ctx, policy.Read, Resource(ver)); err != nil {
		return CheckRun{}, err
	}
	_, cs, err := v.loadChecks(ctx, ver.Dataset)
	if err != nil {
		return CheckRun{Version: ver}, err
	}
	if !ver.Shredded.IsZero() {
		return CheckRun{Version: ver}, shreddedErr(ver)
	}
	dek, err := v.keys.Unwrap(ctx, ver.WrappedDEK, wrapContext(&ver))
	if err != nil {
		return CheckRun{Version: ver}, unwrapErr(ver, err)
	}
	defer dek.Zero()
	prof := quality.NewProfiler(quality.Options{Rules: cs.Rules()})
	pcs, _, err := v.scanStoredSample(ctx, ver, dek, 0, prof)
	p, err := finishProfile(prof, err)
	if err != nil {
		return CheckRun{Version: ver}, parseErr(err, refOf(ver), ver.Format)
	}
	scan, err := v.classify(ver.Format, ver.Classification, pcs, p.Rows, false)
	if err != nil {
		return CheckRun{Version: ver}, err
	}
	g := &gate{checks: cs}
	if g.prev, err = v.baseline(ctx, ver); err != nil {
		return CheckRun{Version: ver}, err
	}
	check := ver
	g.judge(&check, p, scan, v.now())
	run := CheckRun{Version: ver, Profile: p}
	_ = json.Unmarshal(check.CheckReport, &run.Report) // just marshalled
	rec := &audit.Record{Action: "checks.run", Dataset: ver.Dataset, Version: ver.Number, Decision: "ok",
		Detail: map[string]string{"passed": boolText(run.Report.Passed), "failed": itoa(int64(run.Report.Failed))}}
	return run, v.record(ctx, rec)
}

// baseline is the profile of the latest accepted version before ver.
func (v *Vault) baseline(ctx context.Context, ver catalog.Version) (*quality.Profile, error) {
	vs, err := v.cat.Versions(ctx, ver.Dataset)
	if err != nil {
		return nil, fault.Wrap(fault.Other, err, "cannot read the catalog")
	}
	for i := len(vs) - 1; i >= 0; i-- {
		if vs[i].Number < ver.Number && !vs[i].Quarantined() && len(vs[i].Profile) > 0 {
			return storedProfile(vs[i])
		}
	}
	return nil, nil
}

func boolText(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// QualityPoint is one version in a dataset's quality history.
type QualityPoint struct {
	Version catalog.Version
	Profile *quality.Profile // nil if the version has none
	Report  *quality.Report  // nil if it was not checked
}

// QualityHistory returns the stored profiles and check results of every
// version of dataset name, oldest first.
func (v *Vault) QualityHistory(ctx context.Context, name string) ([]QualityPoint, error) {
	vs, err := v.Versions(ctx, name)
	if err != nil {
		return nil, err
	}
	pts := make([]QualityPoint, 0, len(vs))
	for _, ver := range vs {
		if len(pts) == 0 || ver.Quarantined() { // the policies decide once, and again for quarantined versions
			if err := v.authorize(ctx, policy.Read, Resource(ver)); err != nil {
				return nil, err
			}
		}
		pt := QualityPoint{Version: ver}
		if pt.Profile, err = storedProfile(ver); err != nil {
			return nil, err
		}
		if len(ver.CheckReport) > 0 {
			pt.Report = &quality.Report{}
			if err := json.Unmarshal(ver.CheckReport, pt.Report); err != nil {
				return nil, fault.Wrap(fault.Other, err, "the stored check results of %s are not valid", refOf(ver))
			}
		}
		pts = append(pts, pt)
	}
	return pts, nil
}

// Quarantined lists the quarantined versions of every dataset.
func (v *Vault) Quarantined(ctx context.Context) ([]catalog.Version, error) {
	vs, err := v.cat.Quarantined(ctx)
	if err != nil {
		return nil, fault.Wrap(fault.Other, err, "cannot read the catalog")
	}
	return vs, nil
}

// FailedChecks lists the ids of the checks ver failed.
func FailedChecks(ver catalog.Version) []string { return failedChecks(ver) }

// Release promotes quarantined version ref (a number is required) to an
// accepted version: it becomes the latest if no later one is accepted.
// The release is audited.
func (v *Vault) Release(ctx context.Context, ref Ref) (catalog.Version, error) {
	if ref.Version == 0 {
		return catalog.Version{}, fault.E(fault.Invalid, "release needs a version: NAME@VERSION").WithHint("run: coffer quarantine ls")
	}
	ver, err := v.Version(ctx, ref)
	if err != nil {
		return ver, err
	}
	if err := v.authorize(ctx, policy.Admin, Resource(ver)); err != nil {
		return ver, err
	}
	rec := &audit.Record{Action: "quarantine.release", Decision: "ok",
		Detail: map[string]string{"version_id": ver.ID, "failed_checks": strings.Join(failedChecks(ver), ",")}}
	v.stamp(rec)
	err = v.cat.Release(ctx, ref.Name, ref.Version, rec)
	switch {
	case errors.Is(err, catalog.ErrNotQuarantined):
		return ver, fault.E(fault.Invalid, "%s is not quarantined", refOf(ver)).WithHint("run: coffer quarantine ls")
	case err != nil:
		return ver, fault.Wrap(fault.Other, err, "cannot release %s", refOf(ver))
	}
	return v.Version(ctx, ref)
}
