package quality

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/coffer-vault/coffer/internal/tabular"
)

// genTable makes rows of text cells (as a CSV reader gives them) with
// known content: id (unique int), amount (float), status (4 values),
// email (with blanks), day (dates), and a copy of every 10th row.
func genTable(n int) [][]string {
	r := rand.New(rand.NewPCG(5, 6))
	status := []string{"new", "paid", "shipped", "void"}
	var rows [][]string
	for i := range n {
		email := fmt.Sprintf("user%d@example.org", i)
		if i%20 == 0 {
			email = ""
		}
		row := []string{strconv.Itoa(i), strconv.FormatFloat(math.Round(r.NormFloat64()*1000+5000)/100, 'f', 2, 64),
			status[i%4], email, fmt.Sprintf("2025-01-%02d", 1+i%28)}
		rows = append(rows, row)
		if i%10 == 9 {
			rows = append(rows, slices.Clone(row))
		}
	}
	return rows
}

var genColumns = []string{"id", "amount", "status", "email", "day"}

func profileOf(t *testing.T, rows [][]string, o Options) *Profile {
	t.Helper()
	p := NewProfiler(o)
	for i, c := range genColumns {
		p.AddColumn(i, c)
	}
	for _, row := range rows {
		for i, cell := range row {
			p.Observe(i, tabular.StringValue([]byte(cell)), []byte(cell))
		}
		p.EndRow()
	}
	prof, err := p.Profile()
	if err != nil {
		t.Fatal(err)
	}
	return prof
}

// TestProfileExact compares every metric with values computed exactly
// from the same generated rows.
func TestProfileExact(t *testing.T) {
	rows := genTable(30000)
	prof := profileOf(t, rows, Options{DedupBudget: 4096, TempDir: t.TempDir()})
	if prof.Rows != int64(len(rows)) || prof.DuplicateRows != 3000 {
		t.Fatalf("rows, duplicates = %d, %d, want %d, 3000", prof.Rows, prof.DuplicateRows, len(rows))
	}
	for ci, name := range genColumns {
		col := prof.Column(name)
		var vals []string
		nums := []float64{}
		for _, r := range rows {
			if r[ci] != "" {
				vals = append(vals, r[ci])
				if f, err := strconv.ParseFloat(r[ci], 64); err == nil {
					nums = append(nums, f)
				}
			}
		}
		distinct := len(slices.Compact(slices.Sorted(slices.Values(vals))))
		if col.Values != int64(len(vals)) || col.Missing != int64(len(rows)-len(vals)) {
			t.Errorf("%s: values, missing = %d, %d, want %d, %d", name, col.Values, col.Missing, len(vals), len(rows)-len(vals))
		}
		if want := float64(len(vals)) / float64(len(rows)); col.Completeness != want {
			t.Errorf("%s: completeness = %v, want %v", name, col.Completeness, want)
		}
		if rel := math.Abs(float64(col.Distinct-int64(distinct))) / float64(distinct); rel > 4*HLLStdError {
			t.Errorf("%s: distinct = %d, want %d within %.2f%%", name, col.Distinct, distinct, 400*HLLStdError)
		}
		if want := float64(col.Distinct) / float64(len(vals)); col.Uniqueness != want {
			t.Errorf("%s: uniqueness = %v, want %v", name, col.Uniqueness, want)
		}
		checkNumeric(t, name, col, nums)
	}
	wantTypes := map[string]string{"id": "int", "amount": "float", "status": "string", "email": "string", "day": "date"}
	for name, typ := range wantTypes {
		if c := prof.Column(name); c.Type != typ || c.Conformance != 1 {
			t.Errorf("%s: type %s conformance %v, want %s 1", name, c.Type, c.Conformance, typ)
		}
	}
	st := prof.Column("status")
	if len(st.Top) != 4 || st.Distinct != 4 || st.Top[0].Count+st.Top[1].Count+st.Top[2].Count+st.Top[3].Count != int64(len(rows)) {
		t.Errorf("status top = %+v, want 4 values adding up to all rows", st.Top)
	}
	if prof.Column("id").Top != nil {
		t.Errorf("id has top values; want none past TopCap distinct")
	}
	if d := prof.Column("day"); d.MinTime != "2025-01-01T00:00:00Z" || d.MaxTime != "2025-01-28T00:00:00Z" {
		t.Errorf("day spans %s..%s, want 2025-01-01..2025-01-28", d.MinTime, d.MaxTime)
	}
	if e := prof.Column("email"); e.MinLength != len("user1@example.org") || e.MaxLength != len("user29999@example.org") {
		t.Errorf("email lengths %d..%d", e.MinLength, e.MaxLength)
	}
}

func checkNumeric(t *testing.T, name string, col *Column, nums []float64) {
	t.Helper()
	if len(nums) == 0 || len(nums) < int(col.Values) {
		if col.Numeric != nil && len(nums) == 0 {
			t.Errorf("%s: numeric stats for a non-numeric column", name)
		}
		return
	}
	mean, sd := exactMeanSD(nums)
	n := col.Numeric
	sorted := slices.Sorted(slices.Values(nums))
	if n.Min != sorted[0] || n.Max != sorted[len(sorted)-1] {
		t.Errorf("%s: min, max = %v, %v, want %v, %v", name, n.Min, n.Max, sorted[0], sorted[len(sorted)-1])
	}
	if math.Abs(n.Mean-mean) > 1e-9*math.Max(1, math.Abs(mean)) || math.Abs(n.StdDev-sd) > 1e-9*math.Max(1, sd) {
		t.Errorf("%s: mean, sd = %v, %v, want %v, %v", name, n.Mean, n.StdDev, mean, sd)
	}
	for _, q := range n.Quantiles {
		lo := float64(countLess(sorted, q.Value)) / float64(len(sorted))
		hi := float64(countLessEq(sorted, q.Value)) / float64(len(sorted))
		if q.Q < lo-KLLRankError || q.Q > hi+KLLRankError {
			t.Errorf("%s: quantile %v = %v has rank %.4f..%.4f, off by more than %v", name, q.Q, q.Value, lo, hi, KLLRankError)
		}
	}
}

func countLessEq(sorted []float64, x float64) int {
	i, found := slices.BinarySearch(sorted, x)
	for found && i < len(sorted) && sorted[i] == x {
		i++
	}
	return i
}

func TestProfileKinds(t *testing.T) {
	p := NewProfiler(Options{})
	p.AddColumn(0, "x")
	for _, v := range []tabular.Value{tabular.IntValue(3), tabular.FloatValue(1.5), {}, tabular.BoolValue(true)} {
		p.Observe(0, v, v.AppendText(nil))
		p.EndRow()
	}
	p.AddColumn(1, "late") // a JSON Lines key first seen in row 5
	p.Observe(0, tabular.IntValue(3), []byte("3"))
	p.Observe(1, tabular.StringValue([]byte("a")), []byte("a"))
	p.EndRow()
	prof, err := p.Profile()
	if err != nil {
		t.Fatal(err)
	}
	x, late := prof.Column("x"), prof.Column("late")
	if x.Type != "float" || x.Values != 4 || x.Missing != 1 || x.Conformance != 0.75 || x.Numeric.Mean != 2.5 {
		t.Errorf("x = %+v %+v", x, x.Numeric)
	}
	if late.Missing != 4 || late.Values != 1 {
		t.Errorf("late: missing %d values %d, want 4 1", late.Missing, late.Values)
	}
}

func TestRedact(t *testing.T) {
	prof := profileOf(t, genTable(100), Options{})
	prof.Redact(map[string]bool{"status": true, "day": true})
	s, d := prof.Column("status"), prof.Column("day")
	if s.Top != nil || d.MaxTime != "" || !s.Redacted || prof.Column("id").Redacted {
		t.Errorf("redact left values: %+v %+v", s, d)
	}
	if strings.Contains(fmt.Sprint(s), "paid") {
		t.Errorf("redacted column still names a value")
	}
}

// FloatValueForTest is tabular.FloatValue, short.
func FloatValueForTest(x float64) tabular.Value { return tabular.FloatValue(x) }

// TestDuplicateFirstRow: a repeat of the first row counts (the row digest
// is reset with its seed after each row).
func TestDuplicateFirstRow(t *testing.T) {
	p := NewProfiler(Options{})
	p.AddColumn(0, "a")
	p.AddColumn(1, "b")
	for _, r := range [][]string{{"1", "x"}, {"2", "y"}, {"1", "x"}, {"", "x"}, {"1", ""}} {
		for i, c := range r {
			p.Observe(i, tabular.StringValue([]byte(c)), []byte(c))
		}
		p.EndRow()
	}
	prof, err := p.Profile()
	if err != nil || prof.DuplicateRows != 1 {
		t.Errorf("duplicates = %d, %v; want 1", prof.DuplicateRows, err)
	}
}

// TestNonFinite: NaN and infinities count as floats but stay out of the
// statistics, so the profile is valid JSON.
func TestNonFinite(t *testing.T) {
	p := NewProfiler(Options{})
	p.AddColumn(0, "f")
	for _, x := range []float64{1, math.NaN(), math.Inf(1), 3} {
		p.Observe(0, tabular.FloatValue(x), []byte("x"))
		p.EndRow()
	}
	p.Observe(0, tabular.StringValue([]byte("-Inf")), []byte("-Inf"))
	p.EndRow()
	prof, _ := p.Profile()
	n := prof.Column("f").Numeric
	if n.Count != 2 || n.Mean != 2 || n.Max != 3 {
		t.Errorf("numeric = %+v, want the two finite values", n)
	}
	if _, err := json.Marshal(prof); err != nil {
		t.Errorf("profile is not JSON: %v", err)
	}
}

// TestAsyncSame: profiling on a worker goroutine gives the same profile,
// across many batches and with a column that appears late.
func TestAsyncSame(t *testing.T) {
	cs := mustParse(t, "version: 1\nchecks:\n- check: pattern\n  column: email\n  regex: '^user1'\n- check: outliers\n  column: amount\n  max: 1\n")
	rows := genTable(20000)
	run := func(async bool) *Profile {
		p := NewProfiler(Options{Async: async, Rules: cs.Rules()})
		for i, c := range genColumns[:4] {
			p.AddColumn(i, c)
		}
		for r, row := range rows {
			if r == 15000 {
				p.AddColumn(4, "day")
			}
			for i, cell := range row {
				if i < 4 || r >= 15000 {
					p.Observe(i, tabular.StringValue([]byte(cell)), []byte(cell))
				}
			}
			p.EndRow()
		}
		p.Observe(0, tabular.IntValue(7), []byte("7"))
		p.Observe(1, tabular.FloatValue(2.5), []byte("2.5"))
		p.Observe(2, tabular.BoolValue(true), []byte("true"))
		p.Observe(3, tabular.Value{}, nil)
		p.EndRow()
		prof, err := p.Profile()
		if err != nil {
			t.Fatal(err)
		}
		return prof
	}
	a, b := run(false), run(true)
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	if string(ja) != string(jb) {
		t.Errorf("async profile differs:\n sync %s\nasync %s", ja, jb)
	}
	if a.Column("day").Missing != 15001 { // 15000 before it, and the last row has no cell for it
		t.Errorf("late column missing = %d, want 15001", a.Column("day").Missing)
	}
}

// exactMeanSD returns the mean and population standard deviation of xs,
// two passes, for tests to compare the profile's with.
func exactMeanSD(xs []float64) (float64, float64) {
	var sum float64
	for _, x := range xs {
		sum += x
	}
	mean := sum / float64(len(xs))
	var ss float64
	for _, x := range xs {
		ss += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(ss / float64(len(xs)))
}
