package quality

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"
)

// TestHLL checks the distinct estimate against exact counts on generated
// data, within 4 standard errors (deterministic: fixed hash and data).
func TestHLL(t *testing.T) {
	for _, n := range []int{0, 1, 10, 1000, 20000, 50000, 100000, 1000000} {
		s := newHLL()
		for i := range n {
			b := []byte("value-" + strconv.Itoa(i))
			s.add(cellHash(b).Lo)
			s.add(cellHash(b).Lo) // repeats do not count
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
		if held := s.size; held > 3000 { // about 1000 above the first level, kllFirstWidth in it
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
	for _, budget := range []int{0, 32, 1600} { // in memory; 2 hashes a run; 50 a run
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

// TestSortFloats: the sketch's sort gives what slices.Sort gives, on
// negative and positive numbers, zeros, infinities, subnormals and ties.
func TestSortFloats(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	special := []float64{0, math.Copysign(0, -1), 1, -1, math.Inf(1), math.Inf(-1), math.MaxFloat64, -math.MaxFloat64,
		math.SmallestNonzeroFloat64, -math.SmallestNonzeroFloat64, 1e-310, -1e-310, 0.5, -0.5}
	var s kll
	for _, n := range []int{0, 1, 2, 10, 128, 201, radixMin - 1, radixMin, 1000, kllFirstWidth, 5000} {
		for range 50 {
			xs := make([]float64, n)
			for i := range xs {
				switch r.IntN(4) {
				case 0:
					xs[i] = special[r.IntN(len(special))]
				case 1:
					xs[i] = float64(r.IntN(5) - 2)
				default:
					xs[i] = r.NormFloat64() * math.Pow(10, float64(r.IntN(40)-20))
				}
			}
			want := slices.Clone(xs)
			slices.Sort(want)
			s.sortFloats(xs)
			if !slices.Equal(xs, want) {
				t.Fatalf("%d values: sortFloats %v, slices.Sort %v", n, xs, want)
			}
		}
	}
}

// BenchmarkKLL: adding a value to the quantile sketch (amounts of the
// orders table: exponential, two decimals).
func BenchmarkKLL(b *testing.B) {
	r := rand.New(rand.NewPCG(11, 12))
	xs := make([]float64, 1<<16)
	for i := range xs {
		xs[i] = math.Round(r.ExpFloat64()*5000) / 100
	}
	s := newKLL()
	for i := range b.N {
		s.add(xs[i&(len(xs)-1)])
	}
}

// plainCompress is compress as it was before levels were merged: every
// compacted level sorted, items moved up by appending. TestKLLMerged
// holds the sketch to it.
func plainCompress(s *kll) {
	for h := 0; h < len(s.levels); h++ {
		if len(s.levels[h]) < s.caps[h] {
			continue
		}
		if h+1 == len(s.levels) {
			s.grow()
		}
		lv := s.levels[h]
		slices.Sort(lv)
		keep := len(lv) % 2
		off := 0
		if s.coin() {
			off = 1
		}
		for i := keep + off; i < len(lv); i += 2 {
			s.levels[h+1] = append(s.levels[h+1], lv[i])
		}
		s.levels[h] = lv[:keep]
		s.size = 0
		for _, l := range s.levels {
			s.size += len(l)
		}
		if s.size < s.max {
			return
		}
	}
}

// TestKLLMerged: the sketch holds, level by level, the same items as the
// plain sketch (sort at every compaction) after every add, in sorted
// order above the first level, and gives the same quantiles and ranks.
func TestKLLMerged(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	gens := map[string]func(i int) float64{
		"exp":        func(int) float64 { return r.ExpFloat64() },
		"ascending":  func(i int) float64 { return float64(i) },
		"descending": func(i int) float64 { return -float64(i) },
		"few":        func(int) float64 { return float64(r.IntN(9) + 1) },
		"mixed":      func(int) float64 { return r.NormFloat64() * 1e6 },
	}
	for name, gen := range gens {
		fast, plain := newKLL(), newKLL()
		for i := range 200000 {
			x := gen(i)
			fast.add(x)
			plain.levels[0] = append(plain.levels[0], x)
			plain.size++
			plain.n++
			if plain.size >= plain.max {
				plainCompress(plain)
			}
			if i%997 != 0 && i != 199999 {
				continue
			}
			if len(fast.levels) != len(plain.levels) {
				t.Fatalf("%s, %d values: %d levels, plain %d", name, i+1, len(fast.levels), len(plain.levels))
			}
			for h := range fast.levels {
				got, want := fast.levels[h], slices.Clone(plain.levels[h])
				slices.Sort(want)
				if h > 0 && !slices.IsSorted(got) {
					t.Fatalf("%s, %d values: level %d not sorted", name, i+1, h)
				}
				got = slices.Clone(got)
				slices.Sort(got)
				if !slices.Equal(got, want) {
					t.Fatalf("%s, %d values: level %d differs from the plain sketch", name, i+1, h)
				}
			}
		}
		qs := []float64{0, 0.01, 0.25, 0.5, 0.75, 0.99, 1}
		if got, want := fast.quantiles(qs), plain.quantiles(qs); !slices.Equal(got, want) {
			t.Fatalf("%s: quantiles %v, plain %v", name, got, want)
		}
		if got, want := fast.rank(0.5), plain.rank(0.5); got != want {
			t.Fatalf("%s: rank %v, plain %v", name, got, want)
		}
	}
}

// TestDedupSortHeld: the hashes held in chunks come out of sortHeld as
// slices.SortFunc sorts them, for counts below, at and across chunk
// sizes, with uniform hashes (every top byte) and with equal top bytes;
// the chunks are reused and the count of duplicates stays exact.
func TestDedupSortHeld(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, n := range []int{0, 1, 63, dedupChunk - 1, dedupChunk, dedupChunk + 1, 3*dedupChunk + 17} {
		for _, narrow := range []bool{false, true} {
			d := newDedup(0, t.TempDir())
			var all []rowHash
			for range 2 { // twice: the second time in reused chunks
				all = all[:0]
				for range n {
					h := rowHash{r.Uint64(), r.Uint64()}
					if narrow {
						h.hi >>= 20
					}
					if len(all) > 0 && r.IntN(8) == 0 {
						h = all[r.IntN(len(all))]
					}
					all = append(all, h)
					d.add(h)
				}
				got := d.sortHeld()
				slices.SortFunc(all, cmpRowHash)
				if !slices.Equal(got, all) {
					t.Fatalf("n=%d narrow=%v: sortHeld differs from slices.SortFunc", n, narrow)
				}
			}
			if n > dedupChunk && len(d.free) == 0 {
				t.Fatalf("n=%d: no chunk was freed for reuse", n)
			}
			var want int64
			seen := map[rowHash]bool{}
			for range n {
				h := rowHash{r.Uint64() >> 50, 1}
				if seen[h] {
					want++
				}
				seen[h] = true
				d.add(h)
			}
			if got, err := d.duplicates(); err != nil || got != want {
				t.Fatalf("n=%d: duplicates = %d, %v; want %d", n, got, err, want)
			}
		}
	}
}
