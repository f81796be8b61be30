package quality

import (
	"fmt"
	"math"
	"time"
)

// Check outcomes.
const (
	Pass = "pass"
	Fail = "fail"
	Skip = "skip" // an anomaly check with no earlier version to compare with
)

// Result is the outcome of one check.
type Result struct {
	ID     string  `json:"id"`
	Check  string  `json:"check"`
	Column string  `json:"column,omitempty"`
	Status string  `json:"status"`
	Value  float64 `json:"value"`            // what was measured
	Want   string  `json:"want"`             // the bound, in words
	Note   string  `json:"note,omitempty"`   // why it failed or was skipped
	Line   int     `json:"line,omitempty"`   // in the checks file
	Approx bool    `json:"approx,omitempty"` // measured by a sketch
}

// Report is the outcome of a dataset's checks on one version.
type Report struct {
	Passed  bool     `json:"passed"`
	Failed  int      `json:"failed"`
	Results []Result `json:"results"`
}

// FailedIDs lists the ids of the failed checks.
func (r *Report) FailedIDs() []string {
	var ids []string
	for _, x := range r.Results {
		if x.Status == Fail {
			ids = append(ids, x.ID)
		}
	}
	return ids
}

// Evaluate runs cs on prof. prev is the profile of the latest accepted
// version (nil for none), which anomaly checks compare with; now is the
// time freshness is measured at.
func Evaluate(cs *Checks, prof *Profile, prev *Profile, now time.Time) Report {
	rep := Report{Passed: true}
	for _, c := range cs.Checks {
		r := evalOne(&c, prof, prev, now)
		r.ID, r.Check, r.Column, r.Line = c.ID, c.Type, c.Column, c.Line
		if r.Status == Fail {
			rep.Passed = false
			rep.Failed++
		}
		rep.Results = append(rep.Results, r)
	}
	return rep
}

func fail(note string, args ...any) Result {
	return Result{Status: Fail, Note: fmt.Sprintf(note, args...)}
}

func evalOne(c *Check, prof, prev *Profile, now time.Time) Result {
	var col *Column
	if c.Column != "" {
		if col = prof.Column(c.Column); col == nil {
			return fail("the data has no column %q", c.Column)
		}
	}
	switch c.Type {
	case "row_count":
		return bounded(c, float64(prof.Rows), false)
	case "duplicate_count":
		return bounded(c, float64(prof.DuplicateRows), false)
	case "missing_count":
		return bounded(c, float64(col.Missing), false)
	case "completeness":
		return bounded(c, col.Completeness, false)
	case "distinct_count":
		return bounded(c, float64(col.Distinct), col.Top == nil)
	case "uniqueness":
		return bounded(c, col.Uniqueness, col.Top == nil)
	case "conformance":
		return bounded(c, col.Conformance, false)
	case "min", "max", "avg", "stddev":
		return numeric(c, col)
	case "values_in", "pattern":
		return share(c, prof)
	case "freshness":
		return freshness(c, col, now)
	case "outliers":
		rc := prof.Rule(c.ID)
		if rc == nil || col.Numeric == nil {
			return fail("column %q has no numeric values", c.Column)
		}
		return bounded(c, float64(rc.Matched), rc.Estimated)
	}
	return anomaly(c, prof, col, prev)
}

// bounded checks min <= x <= max.
func bounded(c *Check, x float64, approx bool) Result {
	r := Result{Status: Pass, Value: x, Want: want(c.Min, c.Max), Approx: approx}
	if c.Min != nil && x < *c.Min || c.Max != nil && x > *c.Max {
		r.Status, r.Note = Fail, fmt.Sprintf("%s is %s, want %s", c.Type, fmtNum(x), r.Want)
	}
	return r
}

func want(lo, hi *float64) string {
	switch {
	case lo != nil && hi != nil:
		return fmt.Sprintf("between %s and %s", fmtNum(*lo), fmtNum(*hi))
	case lo != nil:
		return ">= " + fmtNum(*lo)
	case hi != nil:
		return "<= " + fmtNum(*hi)
	}
	return "any"
}

func fmtNum(x float64) string { return fmt.Sprintf("%.6g", x) }

func numeric(c *Check, col *Column) Result {
	n := col.Numeric
	if n == nil {
		return fail("column %q has no numeric values", c.Column)
	}
	if n.Overflow && (c.Type == "avg" || c.Type == "stddev") {
		return fail("the %s of column %q is beyond float64 (values near 1e308)", c.Type, c.Column)
	}
	x := map[string]float64{"min": n.Min, "max": n.Max, "avg": n.Mean, "stddev": n.StdDev}[c.Type]
	return bounded(c, x, false)
}

func share(c *Check, prof *Profile) Result {
	rc := prof.Rule(c.ID)
	if rc == nil {
		return fail("this version was profiled without check %q; run: coffer checks run", c.ID)
	}
	s := 1.0
	if rc.Checked > 0 {
		s = float64(rc.Matched) / float64(rc.Checked)
	}
	r := Result{Status: Pass, Value: s, Want: fmt.Sprintf(">= %s of values", fmtNum(c.MinShare))}
	if s < c.MinShare {
		r.Status = Fail
		r.Note = fmt.Sprintf("%d of %d values (%.2f%%) match, want at least %.2f%%", rc.Matched, rc.Checked, 100*s, 100*c.MinShare)
	}
	return r
}

func freshness(c *Check, col *Column, now time.Time) Result {
	if col.MaxTime == "" {
		if col.Redacted && col.Values > 0 {
			return fail("column %q holds personal data, so its times are not kept; check another column", c.Column)
		}
		return fail("column %q has no dates or timestamps", c.Column)
	}
	t, err := time.Parse(time.RFC3339, col.MaxTime)
	if err != nil {
		return fail("column %q: bad stored time", c.Column)
	}
	age := now.Sub(t)
	r := Result{Status: Pass, Value: age.Hours(), Want: "age <= " + c.MaxAge.String()}
	if age > c.MaxAge {
		r.Status = Fail
		r.Note = fmt.Sprintf("newest %s is %s old, want at most %s", c.Column, age.Round(time.Minute), c.MaxAge)
	}
	return r
}

// anomaly compares with the latest accepted version.
func anomaly(c *Check, prof *Profile, col *Column, prev *Profile) Result {
	if prev == nil {
		return Result{Status: Skip, Note: "no earlier accepted version to compare with"}
	}
	max := *c.Max
	var pc *Column
	if c.Column != "" {
		if pc = prev.Column(c.Column); pc == nil {
			return Result{Status: Skip, Note: fmt.Sprintf("the earlier version has no column %q", c.Column)}
		}
	}
	var x float64
	var note string
	switch c.Type {
	case "row_count_change":
		if prev.Rows == 0 {
			return Result{Status: Skip, Note: "the earlier version has no rows"}
		}
		x = 100 * math.Abs(float64(prof.Rows-prev.Rows)) / float64(prev.Rows)
		note = fmt.Sprintf("row count changed by %.1f%% (%d -> %d), want at most %s%%", x, prev.Rows, prof.Rows, fmtNum(max))
	case "completeness_drop":
		x = pc.Completeness - col.Completeness
		note = fmt.Sprintf("completeness of %s dropped by %.4f (%.4f -> %.4f), want at most %s", c.Column, x, pc.Completeness, col.Completeness, fmtNum(max))
	case "mean_shift":
		if pc.Numeric == nil || col.Numeric == nil {
			return fail("column %q has no numeric values in both versions", c.Column)
		}
		if pc.Numeric.Overflow || col.Numeric.Overflow {
			return fail("the mean of column %q is beyond float64 (values near 1e308)", c.Column)
		}
		sd := pc.Numeric.StdDev
		d := math.Abs(col.Numeric.Mean - pc.Numeric.Mean)
		switch {
		case sd > 0:
			x = d / sd
		case d > 0:
			x = math.Inf(1)
		}
		note = fmt.Sprintf("mean of %s moved %.2f standard deviations (%.6g -> %.6g), want at most %s", c.Column, x, pc.Numeric.Mean, col.Numeric.Mean, fmtNum(max))
	}
	r := Result{Status: Pass, Value: x, Want: "<= " + fmtNum(max)}
	if x > max {
		r.Status, r.Note = Fail, note
	}
	if math.IsInf(r.Value, 0) {
		r.Value = math.MaxFloat64 // JSON has no infinity
	}
	return r
}

// Withhold removes the measured values of checks on the named columns
// (they hold personal data): the outcome stays, the value does not.
func (r *Report) Withhold(columns map[string]bool) {
	for i := range r.Results {
		x := &r.Results[i]
		if columns[x.Column] && x.Check != "missing_count" && x.Check != "completeness" &&
			x.Check != "completeness_drop" && x.Check != "distinct_count" && x.Check != "uniqueness" && x.Check != "conformance" {
			x.Value, x.Approx = 0, false
			if x.Status == Fail {
				x.Note = "value withheld: the column holds personal data"
			}
		}
	}
}
