package quality

// Adversarial tests of commit 6f47edd (one XXH3-128 hash per cell, deferred
// numbers of low-cardinality columns, cached value rules, radix-sorted
// first KLL level, digits2 in fastTime, Async): each compares the profiler
// with an oracle computed here from the same cells, or two ways of
// profiling the same input with each other.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/tabular"
)

// rvTable is a table of typed cells; addAt[i] is the row before which
// column i is announced (0 for the header).
type rvTable struct {
	names []string
	addAt []int
	rows  [][]tabular.Value
}

// feed profiles tb as internal/vault/scan.go does: columns announced
// before the first row that has them, the text of a cell by AppendText, nil
// for a null.
func (tb *rvTable) feed(t *testing.T, o Options) *Profile {
	t.Helper()
	p := NewProfiler(o)
	named := 0
	var buf []byte
	for r, row := range tb.rows {
		for ; named < len(tb.names) && tb.addAt[named] <= r; named++ {
			p.AddColumn(named, tb.names[named])
		}
		for i, v := range row {
			if v.IsNull() {
				p.Observe(i, v, nil)
				continue
			}
			buf = v.AppendText(buf[:0])
			p.Observe(i, v, buf)
		}
		p.EndRow()
	}
	prof, err := p.Profile()
	if err != nil {
		t.Fatal(err)
	}
	return prof
}

func mustJSON(t *testing.T, p *Profile) []byte {
	t.Helper()
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// numOf is the oracle of what a cell adds to a column's numbers: its
// number and whether it is a finite int or float.
func numOf(v tabular.Value, text []byte) (float64, bool) {
	switch v.Kind() {
	case tabular.Int, tabular.Float:
		x := v.Float()
		return x, !math.IsNaN(x) && !math.IsInf(x, 0)
	case tabular.String:
		t, x, _ := inferText(text)
		return x, (t == tInt || t == tFloat) && !math.IsNaN(x) && !math.IsInf(x, 0)
	}
	return 0, false
}

// exactQuantile is the sketch's definition of quantile q over all values
// with weight 1: the first value whose cumulative count reaches ceil(q n).
func exactQuantile(sorted []float64, q float64) float64 {
	target := int64(math.Ceil(q * float64(len(sorted))))
	return sorted[max(target-1, 0)]
}

// lowCardCell draws a cell of a low-cardinality column that mixes kinds
// whose texts coincide: "5" as an Int, a Float and a String; "2.5" as a
// Float and a String; NaN and infinities as Floats; and String texts that
// look like NaN/Inf but are not numbers.
func lowCardCell(r *rand.Rand) tabular.Value {
	switch r.IntN(16) {
	case 0:
		return tabular.IntValue(5)
	case 1:
		return tabular.FloatValue(5)
	case 2:
		return tabular.FloatValue(2.5)
	case 3:
		return tabular.FloatValue(math.NaN())
	case 4:
		return tabular.FloatValue(math.Inf(1 - 2*r.IntN(2)))
	case 5:
		return tabular.Value{}
	case 6:
		return tabular.StringValue(nil) // empty text: missing
	case 7:
		return tabular.IntValue(-3)
	case 8:
		return tabular.JSONValue([]byte("[5]"))
	case 9:
		return tabular.BoolValue(r.IntN(2) == 0)
	}
	s := []string{"5", "2.5", "-3", "NaN", "Inf", "-Inf", "1e999", "007", "-0", "1e3"}[r.IntN(10)]
	return tabular.StringValue([]byte(s))
}

// TestReviewMixedKindsDeferred: a column whose cells are Int, Float and
// String cells of the same texts (JSON Lines, Parquet), with NaN and
// infinite Floats and String cells that look like them, nulls and empty
// texts, low cardinality throughout or overflowing part-way. The numeric
// statistics count every finite number exactly once, whatever its kind:
// deferred counting must neither double-count nor lose the String cells
// whose text an Int or Float cell also has.
func TestReviewMixedKindsDeferred(t *testing.T) {
	for _, tc := range []struct {
		rows, overflowAt int
		seed             uint64
	}{{400, -1, 1}, {400, 200, 2}, {400, 0, 3}, {30000, -1, 4}, {30000, 29000, 5}, {30000, 7, 6}} {
		r := rand.New(rand.NewPCG(tc.seed, 77))
		tb := &rvTable{names: []string{"x"}, addAt: []int{0}}
		var nums []float64
		var values, nulls int64
		var buf []byte
		for i := range tc.rows {
			v := lowCardCell(r)
			if tc.overflowAt >= 0 && i >= tc.overflowAt && r.IntN(2) == 0 {
				v = tabular.StringValue([]byte(strconv.Itoa(100 + r.IntN(5000))))
			}
			tb.rows = append(tb.rows, []tabular.Value{v})
			buf = v.AppendText(buf[:0])
			switch {
			case v.IsNull() || v.Kind() == tabular.String && len(buf) == 0:
				nulls++
			default:
				values++
				if x, ok := numOf(v, buf); ok {
					nums = append(nums, x)
				}
			}
		}
		prof := tb.feed(t, Options{})
		col := prof.Column("x")
		name := fmt.Sprintf("rows %d overflow at %d", tc.rows, tc.overflowAt)
		if col.Values != values || col.Missing != nulls {
			t.Errorf("%s: values %d missing %d, want %d %d", name, col.Values, col.Missing, values, nulls)
		}
		n := col.Numeric
		if n == nil {
			t.Fatalf("%s: no numeric statistics", name)
		}
		mean, sd := exactMeanSD(nums)
		slices.Sort(nums)
		if n.Count != int64(len(nums)) || n.Min != nums[0] || n.Max != nums[len(nums)-1] ||
			math.Abs(n.Mean-mean) > 1e-9*math.Max(1, math.Abs(mean)) || math.Abs(n.StdDev-sd) > 1e-9*math.Max(1, sd) {
			t.Errorf("%s: numeric count %d min %v max %v mean %v sd %v; want %d %v %v %v %v",
				name, n.Count, n.Min, n.Max, n.Mean, n.StdDev, len(nums), nums[0], nums[len(nums)-1], mean, sd)
		}
		for _, qv := range n.Quantiles {
			if len(nums) < kllFirstWidth { // no compaction: exact
				if want := exactQuantile(nums, qv.Q); qv.Value != want {
					t.Errorf("%s: quantile %v = %v, want exactly %v", name, qv.Q, qv.Value, want)
				}
			} else if !rankHolds(nums, qv.Value, qv.Q, KLLRankError) {
				t.Errorf("%s: quantile %v = %v off by more than the rank error", name, qv.Q, qv.Value)
			}
		}
	}
}

// TestReviewNullThenNumbers: a column that is all null (and empty text)
// for many rows, then low-cardinality numbers as text; and one announced
// late. Missing counts the nulls and the rows before it; the numbers are
// exact.
func TestReviewNullThenNumbers(t *testing.T) {
	tb := &rvTable{names: []string{"a", "late"}, addAt: []int{0, 3000}}
	var want []float64
	for i := range 6000 {
		var a tabular.Value
		switch {
		case i < 2000 && i%2 == 0:
			a = tabular.Value{}
		case i < 2000:
			a = tabular.StringValue(nil)
		default:
			s := strconv.Itoa(i % 7)
			a = tabular.StringValue([]byte(s))
			want = append(want, float64(i%7))
		}
		row := []tabular.Value{a}
		if i >= 3000 {
			row = append(row, tabular.StringValue([]byte(strconv.Itoa(i%3))))
		}
		tb.rows = append(tb.rows, row)
	}
	prof := tb.feed(t, Options{})
	a, late := prof.Column("a"), prof.Column("late")
	if a.Missing != 2000 || a.Values != 4000 || a.Distinct != 7 || a.Numeric == nil || a.Numeric.Count != 4000 {
		t.Fatalf("column a: %+v", a)
	}
	slices.Sort(want)
	for _, q := range a.Numeric.Quantiles {
		if q.Value != exactQuantile(want, q.Q) {
			t.Errorf("quantile %v = %v, want %v", q.Q, q.Value, exactQuantile(want, q.Q))
		}
	}
	if late.Missing != 3000 || late.Values != 3000 || late.Numeric == nil || late.Numeric.Count != 3000 || late.Numeric.Mean != 1 {
		t.Errorf("late column: %+v %+v", late, late.Numeric)
	}
}

// TestReviewManyRules: 64 and more value rules on one column (the bitmask
// of cached outcomes holds 64; more fall back to evaluating every value),
// on low-cardinality, overflowing and all-distinct columns, with rule 63
// (the top bit) and the last rule checked like the others.
func TestReviewManyRules(t *testing.T) {
	for _, nRules := range []int{63, 64, 65, 70} {
		for _, overflowAt := range []int{-1, 0, 300} {
			var rules []Rule
			var match []func(string) bool
			for j := range nRules {
				id := fmt.Sprintf("r%d", j)
				switch j % 3 {
				case 0:
					in := map[string]bool{strconv.Itoa(j % 10): true, "v" + strconv.Itoa(j%7): true}
					rules = append(rules, Rule{ID: id, Column: "c", In: in})
					match = append(match, func(s string) bool { return in[s] })
				case 1:
					re := regexp.MustCompile(fmt.Sprintf("^v[0-%d]$", j%10))
					rules = append(rules, Rule{ID: id, Column: "c", Regex: re})
					match = append(match, re.MatchString)
				default:
					re := regexp.MustCompile(strconv.Itoa(j % 10))
					rules = append(rules, Rule{ID: id, Column: "c", Regex: re})
					match = append(match, re.MatchString)
				}
			}
			r := rand.New(rand.NewPCG(uint64(nRules), uint64(overflowAt+2)))
			tb := &rvTable{names: []string{"c"}, addAt: []int{0}}
			checked := int64(0)
			matched := make([]int64, nRules)
			for i := range 600 {
				var v string
				switch {
				case overflowAt >= 0 && i >= overflowAt:
					v = fmt.Sprintf("v%d", r.IntN(100000))
				case r.IntN(2) == 0:
					v = strconv.Itoa(r.IntN(10))
				default:
					v = "v" + strconv.Itoa(r.IntN(10))
				}
				tb.rows = append(tb.rows, []tabular.Value{tabular.StringValue([]byte(v))})
				checked++
				for j, m := range match {
					if m(v) {
						matched[j]++
					}
				}
			}
			prof := tb.feed(t, Options{Rules: rules})
			for j := range nRules {
				rc := prof.Rule(fmt.Sprintf("r%d", j))
				if rc == nil || rc.Checked != checked || rc.Matched != matched[j] {
					t.Errorf("%d rules, overflow at %d: rule %d counted %+v, want %d of %d",
						nRules, overflowAt, j, rc, matched[j], checked)
				}
			}
		}
	}
}

// TestReviewOmittedColumns: columns past MaxColumns are not profiled, but
// their cells still make rows different: rows equal in the profiled
// columns but not in the omitted ones are not duplicates. A rule on an
// omitted column checks nothing; one on a profiled column counts as usual.
func TestReviewOmittedColumns(t *testing.T) {
	rules := []Rule{
		{ID: "kept", Column: "a", In: map[string]bool{"1": true}},
		{ID: "gone", Column: "c", In: map[string]bool{"x": true}},
	}
	tb := &rvTable{names: []string{"a", "b", "c"}, addAt: []int{0, 0, 0}}
	seen := map[string]bool{}
	var dups int64
	r := rand.New(rand.NewPCG(9, 10))
	for range 5000 {
		a := strconv.Itoa(r.IntN(2))
		var c tabular.Value
		switch r.IntN(4) {
		case 0:
			c = tabular.Value{}
		case 1:
			c = tabular.StringValue(nil)
		default:
			c = tabular.StringValue([]byte(strconv.Itoa(r.IntN(300))))
		}
		b := tabular.IntValue(int64(r.IntN(3)))
		key := fmt.Sprintf("%s|%d|%v|%s", a, b.Int(), c.IsNull(), c.Bytes())
		if seen[key] {
			dups++
		}
		seen[key] = true
		tb.rows = append(tb.rows, []tabular.Value{tabular.StringValue([]byte(a)), b, c})
	}
	prof := tb.feed(t, Options{MaxColumns: 1, Rules: rules})
	if prof.OmittedColumns != 2 || len(prof.Columns) != 1 {
		t.Fatalf("columns %d, omitted %d; want 1 and 2", len(prof.Columns), prof.OmittedColumns)
	}
	if prof.DuplicateRows != dups {
		t.Errorf("duplicate rows %d, want %d (omitted columns must still tell rows apart)", prof.DuplicateRows, dups)
	}
	if g := prof.Rule("gone"); g == nil || g.Checked != 0 || g.Matched != 0 {
		t.Errorf("rule on an omitted column: %+v", g)
	}
	if k := prof.Rule("kept"); k == nil || k.Checked != 5000 || k.Matched != prof.Columns[0].Top[0].Count && k.Matched != prof.Columns[0].Top[1].Count {
		t.Errorf("rule on a profiled column: %+v, top %+v", k, prof.Columns[0].Top)
	}
}

// rvRandomTable is a random table with every kind, nulls, empty text,
// NaN, columns announced late, low- and high-cardinality columns, a
// column that overflows part-way, and repeated rows.
func rvRandomTable(seed uint64, rows int) *rvTable {
	r := rand.New(rand.NewPCG(seed, seed^0xabc))
	tb := &rvTable{names: []string{"id", "lc", "mix", "json", "late", "late2", "over"},
		addAt: []int{0, 0, 0, 0, rows / 3, rows / 3, 0}}
	for i := range rows {
		if i > 0 && r.IntN(10) == 0 { // a repeat of an earlier row
			tb.rows = append(tb.rows, slices.Clone(tb.rows[r.IntN(len(tb.rows))]))
			continue
		}
		row := []tabular.Value{
			tabular.StringValue([]byte(strconv.Itoa(r.IntN(rows)))),
			tabular.StringValue([]byte(strconv.Itoa(r.IntN(12)))),
			lowCardCell(r),
			tabular.JSONValue([]byte(fmt.Sprintf(`{"k":%d}`, r.IntN(5)))),
		}
		if r.IntN(7) == 0 {
			row[3] = tabular.Value{}
		}
		if i >= rows/3 {
			row = append(row, tabular.FloatValue(float64(r.IntN(20))/4), tabular.Value{})
			if r.IntN(3) == 0 {
				row[5] = tabular.StringValue([]byte(fmt.Sprintf("2025-%02d-%02dT10:00:00Z", 1+r.IntN(12), 1+r.IntN(28))))
			}
		} else {
			row = append(row, tabular.Value{}, tabular.Value{}) // not yet announced: ignored as columns
		}
		over := strconv.Itoa(r.IntN(40))
		if i > rows/2 {
			over = strconv.FormatFloat(r.NormFloat64()*100, 'f', 2, 64)
		}
		row = append(row, tabular.StringValue([]byte(over)))
		tb.rows = append(tb.rows, row)
	}
	return tb
}

// TestReviewAsyncInlineDeterministic: Async and inline give the same
// profile (as JSON, byte for byte) on random tables with nulls, every
// kind, late columns, rules and a column limit; and the same input twice
// gives the same bytes.
func TestReviewAsyncInlineDeterministic(t *testing.T) {
	rules := []Rule{
		{ID: "in", Column: "lc", In: map[string]bool{"1": true, "3": true}},
		{ID: "re", Column: "mix", Regex: regexp.MustCompile(`^[0-9]+$`)},
		{ID: "iqr", Column: "over", IQR: 1.5},
		{ID: "z", Column: "mix", Z: 2},
		{ID: "late", Column: "late", Regex: regexp.MustCompile(`\.`)},
	}
	for seed, rows := range []int{1, 500, 9000, 20000} {
		tb := rvRandomTable(uint64(seed)+40, rows)
		for _, maxCols := range []int{0, 5} {
			o := Options{Rules: rules, MaxColumns: maxCols}
			inline := mustJSON(t, tb.feed(t, o))
			again := mustJSON(t, tb.feed(t, o))
			o.Async = true
			async := mustJSON(t, tb.feed(t, o))
			if !bytes.Equal(inline, again) {
				t.Errorf("rows %d max %d: the same input twice gives different profiles:\n%s\n%s", rows, maxCols, inline, again)
			}
			if !bytes.Equal(inline, async) {
				t.Errorf("rows %d max %d: async differs:\ninline %s\n async %s", rows, maxCols, inline, async)
			}
		}
	}
}

// TestReviewDuplicateColumnNames: a CSV header may name two columns
// alike (the reader does not refuse it). An outliers rule on that name
// belongs to both columns; whatever it counts, its entries in the profile
// must agree with each other and with what they were before the deferred
// numbers (computed from the last such column, whose numbers are all in).
func TestReviewDuplicateColumnNames(t *testing.T) {
	rules := []Rule{{ID: "out", Column: "score", IQR: 1.5}}
	tb := &rvTable{names: []string{"score", "score"}, addAt: []int{0, 0}}
	for i := range 1000 {
		x := "1"
		if i%100 == 0 {
			x = "1000" // outliers of the second column
		}
		tb.rows = append(tb.rows, []tabular.Value{tabular.StringValue([]byte(strconv.Itoa(i))), tabular.StringValue([]byte(x))})
	}
	prof := tb.feed(t, Options{Rules: rules})
	var got []RuleCount
	for _, rc := range prof.Rules {
		if rc.ID == "out" {
			got = append(got, rc)
		}
	}
	if len(got) != 2 || got[0] != got[1] || got[0].Matched != 10 {
		t.Errorf("outliers rule entries %+v, want two equal entries with 10 matched (the second column's outliers)", got)
	}
}

// TestReviewKLLInterleaved: add and addWeighted interleaved (a column
// whose Int cells are added one by one and whose text numbers are
// flushed with counts), with weights from 1 to 2^40: the total weight is
// kept, levels above the first stay sorted, and quantiles hold the rank
// error against the exact weighted ranks.
func TestReviewKLLInterleaved(t *testing.T) {
	r := rand.New(rand.NewPCG(61, 62))
	for round := range 20 {
		s := newKLL()
		type wx struct {
			x float64
			w int64
		}
		var all []wx
		var total int64
		for range 5000 + r.IntN(20000) {
			x := math.Round(r.NormFloat64()*500) / 4
			if r.IntN(50) == 0 {
				w := 1 + r.Int64N(int64(1)<<uint(r.IntN(round*2+1)))
				s.addWeighted(x, w)
				all = append(all, wx{x, w})
				total += w
			} else {
				s.add(x)
				all = append(all, wx{x, 1})
				total++
			}
		}
		checkKLLWeight(t, s, total, round)
		slices.SortFunc(all, func(a, b wx) int { return cmpFloat(a.x, b.x) })
		for i, x := range s.quantiles(QuantileRanks) {
			q := QuantileRanks[i]
			var below, upto int64
			for _, e := range all {
				if e.x < x {
					below += e.w
				}
				if e.x <= x {
					upto += e.w
				}
			}
			lo, hi := float64(below)/float64(total), float64(upto)/float64(total)
			if q < lo-KLLRankError || q > hi+KLLRankError {
				t.Errorf("round %d: quantile %v = %v at ranks %.4f-%.4f", round, q, x, lo, hi)
			}
		}
	}
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// TestReviewKLLHugeWeights: weights of 2^62 (and 2^62-1, all 62 bits)
// reach the top levels without overflowing the counts, and the quantiles
// are the values that carry the weight.
func TestReviewKLLHugeWeights(t *testing.T) {
	s := newKLL()
	for i := range 3000 {
		s.add(float64(i % 10))
	}
	s.addWeighted(-1, 1<<62)
	if s.n != 1<<62+3000 {
		t.Fatalf("n = %d", s.n)
	}
	q := s.quantiles([]float64{0, 0.5, 1})
	if q[0] != -1 || q[1] != -1 || q[2] != 9 {
		t.Errorf("quantiles %v, want [-1 -1 9]", q)
	}
	if rk := s.rank(0); rk < 0.999999 {
		t.Errorf("rank(0) = %v, want about 1", rk)
	}
	s2 := newKLL()
	s2.addWeighted(7, 1<<62-1)
	s2.addWeighted(8, 1)
	var held int64
	for h, lv := range s2.levels {
		held += int64(len(lv)) << h
	}
	if held != 1<<62 || s2.n != 1<<62 {
		t.Errorf("held %d, n %d, want 2^62", held, s2.n)
	}
	if q := s2.quantiles([]float64{0.5, 1}); q[0] != 7 || q[1] != 8 {
		t.Errorf("quantiles %v, want [7 8]", q)
	}
}

// TestReviewSortFloatsEdges: at lengths around the radix threshold,
// sortFloats orders -0/+0, subnormals, the extremes and infinities as
// slices.Sort does (equal numbers may swap), keeps the multiset, and
// does so from several goroutines at once (the scratch is shared through a
// sync.Pool).
func TestReviewSortFloatsEdges(t *testing.T) {
	special := []float64{0, math.Copysign(0, -1), math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64,
		math.Float64frombits(0x000fffffffffffff), -math.Float64frombits(0x000fffffffffffff),
		math.MaxFloat64, -math.MaxFloat64, math.Inf(1), math.Inf(-1), 1, -1, 0x1p-1022, -0x1p-1022}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 99))
			s := newKLL()
			for _, n := range []int{1, 2, radixMin - 1, radixMin, radixMin + 1, 1023, 1024, 5000} {
				for rep := range 4 {
					lv := make([]float64, n)
					for i := range lv {
						switch rep {
						case 0:
							lv[i] = special[r.IntN(len(special))]
						case 1: // one exponent: only the middle bytes vary
							lv[i] = 1 + float64(r.IntN(1<<20))/(1<<20)
						case 2: // only the two lowest bytes vary, and the sign
							lv[i] = math.Float64frombits(0x3ff0000000000000 | uint64(r.IntN(1<<16)))
							if r.IntN(2) == 0 {
								lv[i] = -lv[i]
							}
						default:
							lv[i] = math.Float64frombits(r.Uint64() &^ (0x7ff << 52)) // subnormals and zeros of both signs
						}
					}
					want := slices.Clone(lv)
					slices.Sort(want)
					s.sortFloats(lv)
					for i := range lv {
						if lv[i] != want[i] || (lv[i] != 0 && math.Float64bits(lv[i]) != math.Float64bits(want[i])) {
							errs <- fmt.Sprintf("n %d rep %d: at %d got %v, want %v", n, rep, i, lv[i], want[i])
							return
						}
					}
					// the multiset, zeros by sign
					neg := func(xs []float64) (c int) {
						for _, x := range xs {
							if x == 0 && math.Signbit(x) {
								c++
							}
						}
						return
					}
					if neg(lv) != neg(want) {
						errs <- fmt.Sprintf("n %d rep %d: %d negative zeros, want %d", n, rep, neg(lv), neg(want))
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// fastTimeOld is fastTime before 6f47edd (digitsN instead of digits2),
// kept here as the oracle of the change.
func fastTimeOld(b []byte) (int64, bool) {
	digitsN := func(b []byte) (int64, bool) {
		var n int64
		for _, c := range b {
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int64(c-'0')
		}
		return n, true
	}
	if len(b) < 10 || b[4] != '-' || b[7] != '-' {
		return 0, false
	}
	y, ok1 := digitsN(b[0:4])
	mo, ok2 := digitsN(b[5:7])
	d, ok3 := digitsN(b[8:10])
	if !ok1 || !ok2 || !ok3 || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) {
		return 0, false
	}
	secs := daysFromCivil(y, mo, d) * 86400
	if len(b) == 10 {
		return secs, true
	}
	if len(b) < 19 || (b[10] != 'T' && b[10] != ' ') || b[13] != ':' || b[16] != ':' {
		return 0, false
	}
	h, ok1 := digitsN(b[11:13])
	mi, ok2 := digitsN(b[14:16])
	s, ok3 := digitsN(b[17:19])
	if !ok1 || !ok2 || !ok3 || h > 23 || mi > 59 || s > 59 {
		return 0, false
	}
	secs += h*3600 + mi*60 + s
	rest := b[19:]
	if len(rest) > 0 && rest[0] == '.' {
		i := 1
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 1 {
			return 0, false
		}
		rest = rest[i:]
	}
	switch {
	case len(rest) == 0 || len(rest) == 1 && rest[0] == 'Z':
		return secs, true
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, ok1 := digitsN(rest[1:3])
		om, ok2 := digitsN(rest[4:6])
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return 0, false
		}
		off := oh*3600 + om*60
		if rest[0] == '+' {
			off = -off
		}
		return secs + off, true
	}
	return 0, false
}

// TestReviewFastTimeDigits2: fastTime agrees with the digit-by-digit
// version it replaced on valid timestamps and on each of them with one
// byte replaced by a byte next to a digit ('/', ':', 0x00, 0xff, ...), and
// with time.Parse where both accept.
func TestReviewFastTimeDigits2(t *testing.T) {
	r := rand.New(rand.NewPCG(71, 72))
	odd := []byte{'/', ':', '0', '9', 0, 0xff, '0' - 1, '9' + 1, 'a', ' ', '.', 0x80}
	for range 20000 {
		ts := time.Unix(r.Int64N(1<<35)-1<<34, 0).UTC()
		var s string
		switch r.IntN(4) {
		case 0:
			s = ts.Format(time.DateOnly)
			ts = ts.Truncate(24 * time.Hour)
		case 1:
			s = ts.Format("2006-01-02 15:04:05")
		case 2:
			s = ts.Format("2006-01-02T15:04:05.000Z")
		default:
			s = ts.In(time.FixedZone("", (r.IntN(48)-24)*1800)).Format(time.RFC3339)
		}
		if ts.Year() < 0 || ts.Year() > 9999 {
			continue
		}
		b := []byte(s)
		if got, ok := fastTime(b); !ok || got != ts.Unix() {
			t.Fatalf("fastTime(%q) = %d %v, want %d", s, got, ok, ts.Unix())
		}
		b[r.IntN(len(b))] = odd[r.IntN(len(odd))]
		g1, ok1 := fastTime(b)
		g0, ok0 := fastTimeOld(b)
		if ok1 != ok0 || g1 != g0 {
			t.Fatalf("fastTime(%q) = %d %v, before the change %d %v", b, g1, ok1, g0, ok0)
		}
	}
}

// TestReviewEstimatedFlag: RuleCount.Estimated means "outlier counts from
// the quantile sketch once it has compacted" (profile.go). A
// low-cardinality text column's numbers go in with addWeighted, which puts
// a count's higher bits on higher levels without any compaction: the
// count is exact, yet len(levels) > 1 flags it as estimated.
func TestReviewEstimatedFlag(t *testing.T) {
	tb := &rvTable{names: []string{"score"}, addAt: []int{0}}
	for i := range 1000 {
		x := "1"
		if i%100 == 0 {
			x = "1000"
		}
		tb.rows = append(tb.rows, []tabular.Value{tabular.StringValue([]byte(x))})
	}
	prof := tb.feed(t, Options{Rules: []Rule{{ID: "out", Column: "score", IQR: 1.5}}})
	rc := prof.Rule("out")
	if rc.Matched != 10 || rc.Estimated {
		t.Errorf("outliers %+v, want 10 matched, not estimated (1000 values, nothing compacted)", *rc)
	}
}

// TestReviewHugeMagnitudesMarshal: numbers near the float64 limits (as
// text, a low-cardinality column, and as Float cells) must leave a profile
// that encodes as JSON: internal/vault/quality.go stores
// json.Marshal(prof) and drops its error ("finite numbers only: cannot
// fail"). The shifted square sums overflow to +Inf, the variance becomes
// Inf - Inf = NaN, and the standard deviation NaN.
func TestReviewHugeMagnitudesMarshal(t *testing.T) {
	for _, kind := range []string{"text", "float"} {
		tb := &rvTable{names: []string{"big"}, addAt: []int{0}}
		for i := range 10 {
			x := 1e200 * float64(1-2*(i%2))
			v := tabular.FloatValue(x)
			if kind == "text" {
				v = tabular.StringValue([]byte(strconv.FormatFloat(x, 'g', -1, 64)))
			}
			tb.rows = append(tb.rows, []tabular.Value{v})
		}
		prof := tb.feed(t, Options{})
		if _, err := json.Marshal(prof); err != nil {
			t.Errorf("%s: the profile does not encode: %v (numeric %+v)", kind, err, prof.Column("big").Numeric)
		}
	}
}

// TestReviewLowCardExactIntKind: docs/quality.md says quantiles are "exact
// ... for columns with at most 64 distinct values". Only String cells are
// deferred (counted per distinct value); the Int and Float cells of JSON
// Lines and Parquet go to the sketch one by one and are compacted past
// 1024 values. A column of four Int values whose boundaries sit exactly
// on quantile ranks shows whether the claim holds for them.
func TestReviewLowCardExactIntKind(t *testing.T) {
	for seed := range uint64(4) {
		r := rand.New(rand.NewPCG(seed, 5))
		// 1: 25 %, 2: 25 %, 3: 45 %, 4: 5 % of 40000, shuffled
		var xs []int64
		for v, n := range map[int64]int{1: 10000, 2: 10000, 3: 18000, 4: 2000} {
			for range n {
				xs = append(xs, v)
			}
		}
		slices.Sort(xs)
		r.Shuffle(len(xs), func(i, j int) { xs[i], xs[j] = xs[j], xs[i] })
		for _, kind := range []string{"int", "text"} {
			tb := &rvTable{names: []string{"n"}, addAt: []int{0}}
			var sorted []float64
			for _, x := range xs {
				v := tabular.IntValue(x)
				if kind == "text" {
					v = tabular.StringValue([]byte(strconv.FormatInt(x, 10)))
				}
				tb.rows = append(tb.rows, []tabular.Value{v})
				sorted = append(sorted, float64(x))
			}
			slices.Sort(sorted)
			prof := tb.feed(t, Options{})
			for _, q := range prof.Column("n").Numeric.Quantiles {
				if want := exactQuantile(sorted, q.Q); q.Value != want {
					t.Errorf("seed %d %s cells: quantile %v = %v, want exactly %v", seed, kind, q.Q, q.Value, want)
				}
			}
		}
	}
}
