package quality

import (
	"strings"
	"testing"
	"time"
)

func mustParse(t *testing.T, src string) *Checks {
	t.Helper()
	cs, err := ParseChecks("checks.yaml", []byte(src))
	if err != nil {
		t.Fatalf("ParseChecks: %v", err)
	}
	return cs
}

// TestEveryCheck runs each check type once where it must pass and once
// where it must fail, on a profile of generated data.
func TestEveryCheck(t *testing.T) {
	now := time.Date(2025, 1, 29, 0, 0, 0, 0, time.UTC)
	rows := genTable(2000) // 2200 rows, 200 duplicates, 100 blank emails
	prev := profileOf(t, genTable(1000), Options{})
	tests := []struct{ pass, fail string }{
		{"check: row_count\n  min: 2200", "check: row_count\n  max: 2199"},
		{"check: duplicate_count\n  max: 200", "check: duplicate_count\n  max: 0"},
		{"check: missing_count\n  column: email\n  max: 110", "check: missing_count\n  column: email\n  max: 0"},
		{"check: completeness\n  column: id\n  min: 1", "check: completeness\n  column: email\n  min: 0.99"},
		{"check: distinct_count\n  column: status\n  min: 4\n  max: 4", "check: distinct_count\n  column: status\n  min: 5"},
		{"check: uniqueness\n  column: status\n  max: 0.01", "check: uniqueness\n  column: status\n  min: 0.5"},
		{"check: conformance\n  column: day\n  min: 1", "check: conformance\n  column: nosuch\n  min: 1"},
		{"check: min\n  column: id\n  min: 0", "check: min\n  column: id\n  min: 1"},
		{"check: max\n  column: id\n  max: 1999", "check: max\n  column: id\n  max: 1998"},
		{"check: avg\n  column: amount\n  min: 45\n  max: 55", "check: avg\n  column: amount\n  min: 60"},
		{"check: stddev\n  column: amount\n  max: 15", "check: stddev\n  column: amount\n  max: 1"},
		{"check: values_in\n  column: status\n  values: [new, paid, shipped, void]", "check: values_in\n  column: status\n  values: [new, paid, shipped]"},
		{"check: pattern\n  column: email\n  regex: '^user[0-9]+@example\\.org$'", "check: pattern\n  column: id\n  regex: '^1'\n  min_share: 0.6"},
		{"check: freshness\n  column: day\n  max_age: 2d", "check: freshness\n  column: day\n  max_age: 12h"},
		{"check: outliers\n  column: amount\n  method: zscore\n  factor: 6\n  max: 0", "check: outliers\n  column: amount\n  max: 0"},
		{"check: row_count_change\n  max_percent: 150", "check: row_count_change\n  max_percent: 50"},
		{"check: completeness_drop\n  column: email\n  max_drop: 0.01", "check: completeness_drop\n  column: email\n  max_drop: -0.1"},
		{"check: mean_shift\n  column: amount\n  max_z: 1", "check: mean_shift\n  column: id\n  max_z: 1"},
	}
	for _, tt := range tests {
		for _, c := range []struct {
			src  string
			want bool
		}{{tt.pass, true}, {tt.fail, false}} {
			src := "version: 1\nchecks:\n- " + c.src + "\n"
			cs, err := ParseChecks("checks.yaml", []byte(src))
			if err != nil {
				if !c.want && strings.Contains(err.Error(), "max_drop") {
					continue // a negative bound is refused by the parser
				}
				t.Fatalf("%q: %v", c.src, err)
			}
			prof := profileOf(t, rows, Options{Rules: cs.Rules()})
			rep := Evaluate(cs, prof, prev, now)
			if rep.Passed != c.want {
				t.Errorf("%s: passed = %v, want %v (%+v)", strings.ReplaceAll(c.src, "\n ", ""), rep.Passed, c.want, rep.Results)
			}
			if !c.want && (rep.Failed != 1 || rep.Results[0].Note == "" || len(rep.FailedIDs()) != 1) {
				t.Errorf("%s: failure without a note: %+v", c.src, rep.Results)
			}
		}
	}
}

func TestAnomalyWithoutHistory(t *testing.T) {
	cs := mustParse(t, "version: 1\nchecks:\n- check: row_count_change\n  max_percent: 1\n")
	rep := Evaluate(cs, profileOf(t, genTable(10), Options{}), nil, time.Now())
	if !rep.Passed || rep.Results[0].Status != Skip {
		t.Errorf("first version: %+v, want skipped and passed", rep)
	}
}

// TestOutliersExact plants known outliers in a column small enough for
// the sketch to hold exactly.
func TestOutliersExact(t *testing.T) {
	cs := mustParse(t, "version: 1\nchecks:\n- check: outliers\n  column: v\n  max: 2\n")
	p := NewProfiler(Options{Rules: cs.Rules()})
	p.AddColumn(0, "v")
	for i := range 100 {
		x := float64(i % 10) // quartiles 2 and 7: fences -5.5 and 14.5
		if i == 50 || i == 60 || i == 70 {
			x = 100
		}
		p.Observe(0, FloatValueForTest(x), []byte("x"))
		p.EndRow()
	}
	prof, _ := p.Profile()
	rep := Evaluate(cs, prof, nil, time.Now())
	if rep.Passed || rep.Results[0].Value != 3 {
		t.Errorf("outliers = %+v, want 3 and a failure", rep.Results[0])
	}
}

func TestParseRefusals(t *testing.T) {
	tests := []struct{ src, want string }{
		{"", "checks.yaml: empty"},
		{"- 1\n", "checks.yaml:1: want a mapping"},
		{"version: 2\nchecks: []\n", "checks.yaml:1: version: 1"},
		{"version: 1\nchecks: {}\n", "must be a list"},
		{"version: 1\nextra: 1\nchecks: []\n", "checks.yaml:2: unknown key \"extra\""},
		{"version: 1\nchecks:\n- check: nope\n", "checks.yaml:3: unknown check \"nope\""},
		{"version: 1\nchecks:\n- column: a\n", "check: TYPE is missing"},
		{"version: 1\nchecks:\n- check: row_count\n", "row_count needs min:, max: or both"},
		{"version: 1\nchecks:\n- check: completeness\n  min: 1\n", "completeness needs column: NAME"},
		{"version: 1\nchecks:\n- check: row_count\n  min: ten\n", "checks.yaml:4: want a number, got \"ten\""},
		{"version: 1\nchecks:\n- check: row_count\n  min: 5\n  max: 1\n", "min 5 is above max 1"},
		{"version: 1\nchecks:\n- check: row_count\n  min: 1\n  column: x\n", "row_count takes no key \"column\""},
		{"version: 1\nchecks:\n- check: pattern\n  column: a\n  regex: '('\n", "regex does not compile"},
		{"version: 1\nchecks:\n- check: values_in\n  column: a\n", "values_in needs values"},
		{"version: 1\nchecks:\n- check: freshness\n  column: a\n  max_age: soon\n", "max_age: like 36h"},
		{"version: 1\nchecks:\n- check: outliers\n  column: a\n  max: 1\n  method: mad\n", "method must be iqr or zscore"},
		{"version: 1\nchecks:\n- check: row_count\n  name: a\n  min: 1\n- check: row_count\n  name: a\n  min: 2\n", "check name \"a\" is used on line 3 too"},
		{"version: 1\nchecks:\n- check: row_count\n  min: 1\n  min: 2\n", "key \"min\" given twice"},
		{"version: 1\nchecks: [\n", "checks.yaml: not YAML"},
	}
	for _, tt := range tests {
		_, err := ParseChecks("checks.yaml", []byte(tt.src))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("ParseChecks(%q) = %v, want an error with %q", tt.src, err, tt.want)
		}
	}
	big := "version: 1\nchecks: []\n#" + strings.Repeat("x", MaxChecksFile)
	if _, err := ParseChecks("big.yaml", []byte(big)); err == nil {
		t.Errorf("a file over MaxChecksFile was accepted")
	}
}
