package quality

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"github.com/cespare/xxhash/v2"
)

// TestHLL checks the distinct estimate against exact counts on generated
// data, within 4 standard errors (deterministic: fixed hash and data).
func TestHLL(t *testing.T) {
	for _, n := range []int{0, 1, 10, 1000, 20000, 50000, 100000, 1000000} {
		s := newHLL()
		for i := range n {
			b := []byte("value-" + strconv.Itoa(i))
			s.add(xxhash.Sum64(b))
			s.add(xxhash.Sum64(b)) // repeats do not count
		}
		got := s.estimate()
		if n == 0 {
			if got != 0 {
				t.Errorf("estimate of nothing = %v, want 0", got)
			}
			continue
		}
		if rel := math.Abs(got-float64(n)) / float64(n); rel > 4*HLLStdError {
			t.Errorf("estimate(%d distinct) = %.0f, relative error %.4f > %.4f", n, got, rel, 4*HLLStdError)
		}
	}
}

// TestKLL checks quantiles against exact ones within the rank error, on
// sorted, reversed and random streams.
func TestKLL(t *testing.T) {
	const n = 200000
	r := rand.New(rand.NewPCG(1, 2))
	streams := map[string][]float64{}
	asc := make([]float64, n)
	for i := range asc {
		asc[i] = float64(i)
	}
	streams["ascending"] = asc
	streams["descending"] = slices.Clone(asc)
	slices.Reverse(streams["descending"])
	norm := make([]float64, n)
	for i := range norm {
		norm[i] = r.NormFloat64()*10 + 50
	}
	streams["normal"] = norm
	for name, xs := range streams {
		s := newKLL()
		for _, x := range xs {
			s.add(x)
		}
		sorted := slices.Sorted(slices.Values(xs))
		qs := []float64{0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99}
		got := s.quantiles(qs)
		for i, q := range qs {
			// the rank of the returned value must be within the bound of q
			rank := float64(countLess(sorted, got[i])) / n
			if math.Abs(rank-q) > KLLRankError {
				t.Errorf("%s: quantile(%v) = %v at rank %.4f, off by more than %v", name, q, got[i], rank, KLLRankError)
			}
		}
		if held := s.size; held > 2000 {
			t.Errorf("%s: sketch holds %d items for %d values, want bounded", name, held, n)
		}
	}
}

func countLess(sorted []float64, x float64) int {
	i, _ := slices.BinarySearch(sorted, x)
	return i
}

// TestKLLSmallExact: below its capacity the sketch is exact.
func TestKLLSmallExact(t *testing.T) {
	s := newKLL()
	for i := 1; i <= 100; i++ {
		s.add(float64(i))
	}
	got := s.quantiles([]float64{0.25, 0.5, 1})
	if want := []float64{25, 50, 100}; !slices.Equal(got, want) {
		t.Errorf("quantiles of 1..100 = %v, want %v", got, want)
	}
}

func TestDedupSpill(t *testing.T) {
	for _, budget := range []int{0, 32, 1600} { // in memory; 2 hashes a run; 100 a run
		d := newDedup(budget, t.TempDir())
		r := rand.New(rand.NewPCG(3, 4))
		seen := map[rowHash]bool{}
		var want int64
		for range 5000 {
			h := rowHash{r.Uint64N(3000), 7}
			if seen[h] {
				want++
			}
			seen[h] = true
			d.add(h)
		}
		got, err := d.duplicates()
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("budget %d: duplicates = %d, want %d (spills %d)", budget, got, want, d.spills)
		}
		if budget == 32 && d.spills < 100 {
			t.Errorf("budget 32: only %d spills; the spill path was not tested", d.spills)
		}
	}
}
