package quality

import (
	"math"
	"slices"
)

// kllK is the KLL sketch's accuracy parameter. With k = 200 the
// normalized rank error of a quantile is about 1.65 % (99 % confidence,
// as Apache DataSketches documents for its KLL sketch with the same k).
const kllK = 200

// KLLRankError is the rank error bound the tests hold the sketch to.
const KLLRankError = 0.0165

// kll is a KLL quantile sketch (Karnin, Lang and Liberty, "Optimal
// Quantile Approximation in Streams", 2016) of float64 values: a stack of
// compactors whose level h holds items of weight 2^h. Memory is
// O(k log(n/k)); the coin flips come from a fixed-seed generator, so a
// profile of the same data is always the same.
type kll struct {
	levels [][]float64
	caps   []int     // capacity of each level, for the current height
	size   int       // items held
	max    int       // items held before a compaction
	n      int64     // values added
	rnd    uint64    // xorshift state
	keys   []uint64  // scratch of sortFloats
	merged []float64 // scratch of compress: the next level above
}

func newKLL() *kll {
	s := &kll{rnd: 0x9e3779b97f4a7c15}
	s.grow()
	return s
}

func (s *kll) grow() {
	s.levels = append(s.levels, nil)
	s.max = 0
	s.caps = s.caps[:0]
	for h := range s.levels {
		s.caps = append(s.caps, s.capacity(h))
		s.max += s.caps[h]
	}
}

// capacity of level h shrinks geometrically (factor 2/3) below the top,
// but not below kllMinWidth: tiny low levels would sort a few items at
// every other add. More room only lowers the error.
func (s *kll) capacity(h int) int {
	depth := len(s.levels) - h - 1
	return max(int(math.Ceil(math.Pow(2.0/3, float64(depth))*kllK))+1, kllMinWidth)
}

const kllMinWidth = 128

func (s *kll) add(x float64) {
	s.levels[0] = append(s.levels[0], x)
	s.size++
	s.n++
	if s.size >= s.max {
		s.compress()
	}
}

func (s *kll) coin() bool {
	s.rnd ^= s.rnd << 13
	s.rnd ^= s.rnd >> 7
	s.rnd ^= s.rnd << 17
	return s.rnd&1 == 1
}

// compress compacts the first level over its capacity: sorted, every
// other item (from a random offset) moves up a level with twice the
// weight. It stops as soon as the sketch fits again. Levels above the
// first are always sorted (items move up by merging), so only the first
// is sorted here.
func (s *kll) compress() {
	for h := 0; h < len(s.levels); h++ {
		if len(s.levels[h]) < s.caps[h] {
			continue
		}
		if h+1 == len(s.levels) {
			s.grow()
		}
		lv := s.levels[h]
		if h == 0 {
			s.sortFloats(lv) // the levels above are kept sorted
		}
		keep := len(lv) % 2 // an odd item out stays at this level
		off := 0
		if s.coin() {
			off = 1
		}
		// Merge every other item into the sorted level above: a linear
		// pass, where sorting that level at its own compaction would
		// cost n log n. Its items are those the plain append would give.
		up, m := s.levels[h+1], s.merged[:0]
		i, j := 0, keep+off
		for i < len(up) && j < len(lv) {
			if lv[j] < up[i] {
				m = append(m, lv[j])
				j += 2
			} else {
				m = append(m, up[i])
				i++
			}
		}
		m = append(m, up[i:]...)
		for ; j < len(lv); j += 2 {
			m = append(m, lv[j])
		}
		s.levels[h+1], s.merged = m, up[:0] // each array belongs to one level or to merged
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

type weighted struct {
	v float64
	w int64
}

// sorted returns the held items with their weights, by value.
func (s *kll) sorted() []weighted {
	var all []weighted
	for h, lv := range s.levels {
		for _, v := range lv {
			all = append(all, weighted{v, 1 << h})
		}
	}
	slices.SortFunc(all, func(a, b weighted) int {
		switch {
		case a.v < b.v:
			return -1
		case a.v > b.v:
			return 1
		}
		return 0
	})
	return all
}

// quantiles returns the estimated value at each rank q in [0, 1].
func (s *kll) quantiles(qs []float64) []float64 {
	all := s.sorted()
	out := make([]float64, len(qs))
	if len(all) == 0 {
		return out
	}
	var total int64
	for _, x := range all {
		total += x.w
	}
	for i, q := range qs {
		target := int64(math.Ceil(q * float64(total)))
		var cum int64
		out[i] = all[len(all)-1].v
		for _, x := range all {
			cum += x.w
			if cum >= target {
				out[i] = x.v
				break
			}
		}
	}
	return out
}

// rank returns the estimated share of values < x.
func (s *kll) rank(x float64) float64 { return s.share(func(v float64) bool { return v < x }) }

// rankAtMost returns the estimated share of values <= x.
func (s *kll) rankAtMost(x float64) float64 { return s.share(func(v float64) bool { return v <= x }) }

func (s *kll) share(in func(float64) bool) float64 {
	var below, total int64
	for h, lv := range s.levels {
		for _, v := range lv {
			total += 1 << h
			if in(v) {
				below += 1 << h
			}
		}
	}
	if total == 0 {
		return 0
	}
	return float64(below) / float64(total)
}

// sortFloats sorts lv (no NaN: addNumber keeps them out) as slices.Sort
// does, faster: as integers that order as the floats do (sign bit flipped
// for positive numbers, all bits for negative ones), which spares the
// NaN tests of cmp.Less. Only -0 and +0 may end in another order than
// slices.Sort leaves them; they are equal as numbers.
func (s *kll) sortFloats(lv []float64) {
	k := s.keys[:0]
	for _, x := range lv {
		b := math.Float64bits(x)
		k = append(k, b^(uint64(int64(b)>>63)|1<<63))
	}
	slices.Sort(k)
	for i, b := range k {
		if b>>63 == 1 {
			b ^= 1 << 63
		} else {
			b = ^b
		}
		lv[i] = math.Float64frombits(b)
	}
	s.keys = k
}
