package vault

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"runtime"
	"strings"
	"time"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/policy"
	"github.com/coffer-vault/coffer/internal/quality"
)

// gate is the data-quality gate of one put: the dataset's checks and the
// profile of its latest accepted version, which anomaly checks compare
// with.
type gate struct {
	checks *quality.Checks  // nil: the dataset has no checks
	prev   *quality.Profile // nil: no earlier accepted version with a profile
	off    bool             // profiling off (benchmarks only)
	inline bool             // profile on the scanning goroutine (benchmarks only)
}

// newGate loads the checks of dataset name; prev is its latest accepted
// version.
func (v *Vault) newGate(ctx context.Context, name string, prev catalog.Version) (*gate, error) {
	g := &gate{off: v.noQuality, inline: v.inlineQuality}
	if g.off {
		return g, nil
	}
	var err error
	if _, g.checks, err = v.loadChecks(ctx, name); err != nil && !fault.Is(err, fault.NotFound) {
		return nil, err
	}
	if len(prev.Profile) > 0 {
		g.prev = &quality.Profile{}
		if err := json.Unmarshal(prev.Profile, g.prev); err != nil {
			return nil, fault.Wrap(fault.Other, err, "the stored profile of %s is not valid", refOf(prev))
		}
	}
	return g, nil
}

// options are the profiler's options, nil when profiling is off.
func (g *gate) options() *quality.Options {
	if g == nil || g.off {
		return nil
	}
	// With two cores or more the profile is made on a goroutine of its
	// own: for CSV, TSV and JSON Lines it parses the stream again beside
	// the PII scan (newInspector), for Parquet cells are handed to it in
	// batches (quality.Options.Async). The PII scan sets the pace of a put
	// and does no work for the profile: on the 2-vCPU machine of
	// docs/benchmarks.md ("Quality") a put with profiling and checks took
	// 1.07-1.26x the wall time of one without, against 1.3-1.6x in line. On
	// one core it is made in line, which costs the least CPU.
	o := &quality.Options{Async: !g.inline && runtime.GOMAXPROCS(0) > 1}
	if g.checks != nil {
		o.Rules = g.checks.Rules()
	}
	return o
}

// judge runs the checks on the profile, then stores the profile and the
// report without values of the columns the scan found personal data in,
// and quarantines ver if a check failed. A dataset with checks whose data cannot be profiled
// (format blob) is quarantined too: nothing vouches for it.
func (g *gate) judge(ver *catalog.Version, prof *quality.Profile, res ScanResult, now time.Time) {
	ver.Status = catalog.StatusOK
	if g.off {
		return
	}
	pii := map[string]bool{}
	for _, c := range res.Columns {
		if len(c.Types) > 0 {
			pii[c.Name] = true
		}
	}
	var rep *quality.Report
	switch {
	case g.checks == nil:
	case prof == nil:
		rep = &quality.Report{Failed: 1, Results: []quality.Result{{ID: "format", Check: "format", Status: quality.Fail,
			Want: "tabular data", Note: "format " + ver.Format + " cannot be profiled, so its checks cannot pass"}}}
	default:
		r := quality.Evaluate(g.checks, prof, g.prev, now) // on the full profile
		r.Withhold(pii)
		rep = &r
	}
	if prof != nil {
		prof.Redact(pii)
		b, err := json.Marshal(prof) // finite numbers only (Numeric.Overflow)
		if err == nil {
			ver.Profile = b
		}
	}
	if rep != nil {
		ver.CheckReport, _ = json.Marshal(rep)
		if !rep.Passed {
			ver.Status = catalog.StatusQuarantined
		}
	}
}

func newProfiler(o *quality.Options) *quality.Profiler {
	if o == nil {
		return nil
	}
	return quality.NewProfiler(*o)
}

// finishProfile returns prof's profile, or nil if prof is nil or scanning
// failed with err.
func finishProfile(prof *quality.Profiler, err error) (*quality.Profile, error) {
	if prof == nil || err != nil {
		prof.Close()
		return nil, err
	}
	p, err := prof.Profile()
	if err != nil {
		return nil, fault.Wrap(fault.Other, err, "cannot count duplicate rows")
	}
	return p, nil
}

// qualityDetail adds the gate's outcome to a put's audit record.
func qualityDetail(ver *catalog.Version, d map[string]string) {
	if ver.CheckReport == nil {
		return
	}
	d["quality"] = "passed"
	if ver.Quarantined() {
		d["quality"] = "quarantined"
		d["failed_checks"] = strings.Join(failedChecks(*ver), ",")
	}
}

func failedChecks(ver catalog.Version) []string {
	var rep quality.Report
	if json.Unmarshal(ver.CheckReport, &rep) != nil {
		return nil
	}
	return rep.FailedIDs()
}

func quarantinedErr(ver catalog.Version) *fault.Error {
	failed := failedChecks(ver)
	return fault.E(fault.Quarantined, "%s failed %d quality check(s) (%s) and is quarantined: stored, but not the latest version",
		refOf(ver), len(failed), strings.Join(failed, ", ")).
		WithHint("see: coffer checks run %s; to accept it anyway: coffer quarantine release %s", refOf(ver), refOf(ver))
}

// ReadOptions qualify a read.
type ReadOptions struct {
	// Quarantined asks to read a quarantined version (get --quarantined).
	Quarantined bool
}

// checkQuarantine refuses a quarantined version unless the reader asked
// for it (get --quarantined). Who may read quarantined data at all is the
// policies' decision: the resource's status is "quarantined" and the
// starter policy "quarantine" lets only quality admins through.
func (v *Vault) checkQuarantine(ver catalog.Version, o ReadOptions) error {
	if !ver.Quarantined() || o.Quarantined {
		return nil
	}
	return fault.E(fault.Denied, "%s is quarantined; needs the quality-admin permission", refOf(ver)).
		WithHint("release it with coffer quarantine release %s", refOf(ver))
}

// SetChecks parses a checks file (file names it in errors) and stores it
// as the checks of dataset name, audited. The next put is checked by it.
func (v *Vault) SetChecks(ctx context.Context, name, file string, body []byte) (*quality.Checks, error) {
	if err := CheckName(name); err != nil {
		return nil, err
	}
	cs, err := quality.ParseChecks(file, body)
	if err != nil {
		return nil, fault.Wrap(fault.Invalid, err, "checks not set")
	}
	if err := v.authorize(ctx, policy.Admin, policy.Resource{}); err != nil {
		return nil, err
	}
	sum := sha256.Sum256(body)
	rec := &audit.Record{Action: "checks.set", Dataset: name, Decision: "ok",
		Detail: map[string]string{"checks": itoa(int64(len(cs.Checks))), "sha256": hex.EncodeToString(sum[:])}}
	v.stamp(rec)
	if err := v.cat.SetChecks(ctx, name, body, rec); err != nil {
		return nil, fault.Wrap(fault.Other, err, "cannot store the checks of %q", name)
	}
	return cs, nil
}

// Checks returns the checks file of dataset name and its parse.
func (v *Vault) Checks(ctx context.Context, name string) ([]byte, *quality.Checks, error) {
	if err := CheckName(name); err != nil {
		return nil, nil, err
	}
	return v.loadChecks(ctx, name)
}

func (v *Vault) loadChecks(ctx context.Context, name string) ([]byte, *quality.Checks, error) {
	body, err := v.cat.Checks(ctx, name)
	if errors.Is(err, catalog.ErrNotFound) {
		return nil, nil, fault.E(fault.NotFound, "dataset %q has no checks", name).WithHint("set them: coffer checks set %s FILE", name)
	}
	if err != nil {
		return nil, nil, fault.Wrap(fault.Other, err, "cannot read the catalog")
	}
	cs, err := quality.ParseChecks(name+" checks", body)
	if err != nil {
		return nil, nil, fault.Wrap(fault.Other, err, "the stored checks of %q are invalid", name).WithHint("set them again: coffer checks set %s FILE", name)
	}
	return body, cs, nil
}

// noLatest explains why dataset name has no latest version: it does not
// exist, or every version of it is quarantined.
func (v *Vault) noLatest(ctx context.Context, name string) error {
	vs, err := v.cat.Versions(ctx, name)
	if err == nil && len(vs) > 0 {
		return fault.E(fault.NotFound, "dataset %q has no accepted version: all %d are quarantined", name, len(vs)).
			WithHint("run: coffer quarantine ls")
	}
	return fault.E(fault.NotFound, "dataset %q does not exist", name).WithHint("run: coffer ls")
}
