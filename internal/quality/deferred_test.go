package quality

import (
	"fmt"
	"math"
	"math/rand/v2"
	"regexp"
	"slices"
	"strconv"
	"testing"

	"github.com/coffer-vault/coffer/internal/tabular"
)

// rankHolds reports whether x is a valid answer for quantile q of sorted
// within err: some rank of x (values equal to x span several) is within
// err of q.
func rankHolds(sorted []float64, x, q, err float64) bool {
	n := float64(len(sorted))
	lo, _ := slices.BinarySearch(sorted, x)
	hi := lo
	for hi < len(sorted) && sorted[hi] == x {
		hi++
	}
	return q >= float64(lo)/n-err && q <= float64(hi)/n+err
}

// TestKLLWeighted: values added with weights give the quantiles of the
// stream with each value repeated, within the rank error, and the total
// weight is kept; weights up to 2^40 reach many levels.
func TestKLLWeighted(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	for round := range 40 {
		s := newKLL()
		weight := map[float64]int64{}
		var total int64
		distinct := 1 + r.IntN(3000)
		for range distinct {
			x := math.Round(r.NormFloat64()*1000) / 10
			w := 1 + r.Int64N(int64(1)<<uint(r.IntN(41)))
			s.addWeighted(x, w)
			weight[x] += w
			total += w
		}
		checkKLLWeight(t, s, total, round)
		// exact ranks: the share of the weight below each value and up to it
		xs := slices.Sorted(func(yield func(float64) bool) {
			for x := range weight {
				if !yield(x) {
					return
				}
			}
		})
		below := map[float64][2]float64{}
		var cum int64
		for _, x := range xs {
			below[x] = [2]float64{float64(cum) / float64(total), float64(cum+weight[x]) / float64(total)}
			cum += weight[x]
		}
		for i, x := range s.quantiles(QuantileRanks) {
			q, b := QuantileRanks[i], below[x]
			if q < b[0]-KLLRankError || q > b[1]+KLLRankError {
				t.Errorf("round %d (%d distinct): quantile %v = %v at ranks %.4f-%.4f, off by more than %v",
					round, distinct, q, x, b[0], b[1], KLLRankError)
			}
		}
	}
}

// checkKLLWeight fails t unless the levels above the first of s are
// sorted and its items, each of the weight of its level, weigh total,
// the count of values s holds.
func checkKLLWeight(t *testing.T, s *kll, total int64, round int) {
	t.Helper()
	var held int64
	for h, lv := range s.levels {
		held += int64(len(lv)) << h
		if h > 0 && !slices.IsSorted(lv) {
			t.Fatalf("round %d: level %d not sorted", round, h)
		}
	}
	if s.n != total || held != total {
		t.Fatalf("round %d: %d values counted, items weigh %d, want %d", round, s.n, held, total)
	}
}

// TestDeferredNumbers: the numbers of a low-cardinality text column are
// added once per value with their counts. While the column stays low
// cardinality its statistics and quantiles are exact; when it stops being
// so part-way, the numbers before and after still all count.
func TestDeferredNumbers(t *testing.T) {
	r := rand.New(rand.NewPCG(33, 34))
	for _, overflowAt := range []int{-1, 0, 50000, 99999} {
		p := NewProfiler(Options{})
		p.AddColumn(0, "q")
		var xs []float64
		for i := range 100000 {
			var v string
			if overflowAt >= 0 && i >= overflowAt {
				v = strconv.FormatFloat(float64(r.IntN(1000000))/100, 'f', -1, 64)
			} else {
				v = strconv.Itoa(1 + r.IntN(9))
			}
			x, _ := strconv.ParseFloat(v, 64)
			xs = append(xs, x)
			p.Observe(0, tabular.StringValue([]byte(v)), []byte(v))
			p.EndRow()
		}
		prof, err := p.Profile()
		if err != nil {
			t.Fatal(err)
		}
		n := prof.Column("q").Numeric
		mean, sd := exactMeanSD(xs)
		slices.Sort(xs)
		if n.Count != int64(len(xs)) || n.Min != xs[0] || n.Max != xs[len(xs)-1] ||
			math.Abs(n.Mean-mean) > 1e-9*math.Max(1, math.Abs(mean)) || math.Abs(n.StdDev-sd) > 1e-9*math.Max(1, sd) {
			t.Fatalf("overflow at %d: numeric %+v, want count %d min %v max %v mean %v sd %v",
				overflowAt, n, len(xs), xs[0], xs[len(xs)-1], mean, sd)
		}
		for _, q := range n.Quantiles {
			bound := KLLRankError
			if overflowAt < 0 {
				bound = 0 // nine values, each held once with its count: exact
			}
			if !rankHolds(xs, q.Value, q.Q, bound) {
				t.Errorf("overflow at %d: quantile %v = %v, off by more than %v", overflowAt, q.Q, q.Value, bound)
			}
		}
	}
}

// TestRuleCache: the value rules of a column are run once per distinct
// value while the column has few, and counted per value: the counts equal
// running every rule on every value, for a column that stays low
// cardinality, one that stops being so part-way, and several rules of
// each kind on one column.
func TestRuleCache(t *testing.T) {
	cs := mustParse(t, `version: 1
checks:
- check: values_in
  column: c
  values: [a1, b2, "7"]
- check: pattern
  column: c
  regex: '^[a-z][0-9]$'
  min_share: 0
- check: pattern
  column: c
  regex: '1|9'
  min_share: 0
- check: outliers
  column: c
  max: 1000000
`)
	in := map[string]bool{"a1": true, "b2": true, "7": true}
	fixed, loose := regexp.MustCompile(`^[a-z][0-9]$`), regexp.MustCompile(`1|9`)
	r := rand.New(rand.NewPCG(35, 36))
	for _, overflowAt := range []int{-1, 0, 5000} {
		p := NewProfiler(Options{Rules: cs.Rules()})
		p.AddColumn(0, "c")
		var want [4]RuleCount
		for i := range 20000 {
			var v string
			switch {
			case overflowAt >= 0 && i >= overflowAt:
				v = fmt.Sprintf("%c%d", 'a'+r.IntN(26), r.IntN(200))
			case r.IntN(3) == 0:
				v = strconv.Itoa(r.IntN(10))
			default:
				v = fmt.Sprintf("%c%d", 'a'+r.IntN(5), r.IntN(10))
			}
			p.Observe(0, tabular.StringValue([]byte(v)), []byte(v))
			p.EndRow()
			for j, m := range []bool{in[v], fixed.MatchString(v), loose.MatchString(v)} {
				want[j].Checked++
				if m {
					want[j].Matched++
				}
			}
			if _, err := strconv.Atoi(v); err == nil {
				want[3].Checked++
			}
		}
		prof, err := p.Profile()
		if err != nil {
			t.Fatal(err)
		}
		for j, rc := range prof.Rules {
			if rc.Checked != want[j].Checked || (j < 3 && rc.Matched != want[j].Matched) {
				t.Errorf("overflow at %d: rule %s counted %d of %d, want %d of %d",
					overflowAt, rc.ID, rc.Matched, rc.Checked, want[j].Matched, want[j].Checked)
			}
		}
	}
}
