package quality

import (
	"math"
	"slices"
	"sync"
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
	merged []float64 // scratch of compress: the next level above
	// compacted: some level was compacted, so ranks are estimates (items
	// added with weights sit at higher levels exactly).
	compacted bool
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
// The first level holds at least kllFirstWidth items: fewer compactions
// of weight-1 items (each adds error) and a radix sort over many items at
// a time.
func (s *kll) capacity(h int) int {
	depth := len(s.levels) - h - 1
	c := max(int(math.Ceil(math.Pow(2.0/3, float64(depth))*kllK))+1, kllMinWidth)
	if h == 0 {
		c = max(c, kllFirstWidth)
	}
	return c
}

const (
	kllMinWidth   = 128
	kllFirstWidth = 1024
)

func (s *kll) add(x float64) {
	s.levels[0] = append(s.levels[0], x)
	s.size++
	s.n++
	if s.size >= s.max {
		s.compress()
	}
}

// addWeighted adds x with weight w > 0 (w copies of x): for each bit of
// w set, x goes straight to the level whose items have that weight, in its
// sorted place. This is what w adds would give if every compaction of the
// copies kept them exactly, which compacting equal items does: the error
// bound holds. A column's repeated values are added this way, once each.
func (s *kll) addWeighted(x float64, w int64) {
	s.n += w
	for h := 0; w > 0; h, w = h+1, w>>1 {
		if w&1 == 0 {
			continue
		}
		for h >= len(s.levels) {
			s.grow()
		}
		lv := s.levels[h]
		i := len(lv)
		if h > 0 { // the levels above the first are kept sorted
			i, _ = slices.BinarySearch(lv, x)
		}
		s.levels[h] = slices.Insert(lv, i, x)
		s.size++
	}
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
		s.compacted = true
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
// NaN tests of cmp.Less, by radix for long levels. Only -0 and +0 may end
// in another order than slices.Sort leaves them; they are equal as
// numbers.
func (s *kll) sortFloats(lv []float64) {
	if sortedFloats(lv) { // ids, times: columns often arrive in order
		return
	}
	sc := sortScratch.Get().(*keyScratch)
	k := sc.keys[:0]
	for _, x := range lv {
		b := math.Float64bits(x)
		k = append(k, b^(uint64(int64(b)>>63)|1<<63))
	}
	if len(k) >= radixMin {
		sc.tmp = slices.Grow(sc.tmp[:0], len(k))[:len(k)]
		k = radixSortKeys(k, sc.tmp)
	} else {
		slices.Sort(k)
	}
	for i, b := range k {
		if b>>63 == 1 {
			b ^= 1 << 63
		} else {
			b = ^b
		}
		lv[i] = math.Float64frombits(b)
	}
	sc.keys, sc.tmp = sc.keys[:0], sc.tmp[:0]
	if cap(k) > cap(sc.keys) { // the sort may leave the result in tmp
		sc.keys, sc.tmp = sc.tmp, sc.keys
	}
	sortScratch.Put(sc)
}

// sortedFloats reports whether lv is in ascending order (no NaN in lv).
func sortedFloats(lv []float64) bool {
	for i := 1; i < len(lv); i++ {
		if lv[i] < lv[i-1] {
			return false
		}
	}
	return true
}

// radixMin is the length from which sortFloats sorts by radix.
const radixMin = 256

type keyScratch struct{ keys, tmp []uint64 }

// sortScratch holds the buffers of sortFloats, shared by every sketch
// (one per column would be 16 KiB a numeric column).
var sortScratch = sync.Pool{New: func() any { return new(keyScratch) }}

// radixSortKeys sorts k by its bytes, least significant first, through
// tmp (len(tmp) == len(k)); it returns the sorted slice, k or tmp. A byte
// every key shares (the exponent of values of one magnitude, the low bits
// of integers) costs no pass.
func radixSortKeys(k, tmp []uint64) []uint64 {
	var counts [8][256]int
	c0, c1, c2, c3, c4, c5, c6, c7 := &counts[0], &counts[1], &counts[2], &counts[3], &counts[4], &counts[5], &counts[6], &counts[7]
	for _, x := range k { // unrolled: a loop over the bytes costs three times as much
		c0[byte(x)]++
		c1[byte(x>>8)]++
		c2[byte(x>>16)]++
		c3[byte(x>>24)]++
		c4[byte(x>>32)]++
		c5[byte(x>>40)]++
		c6[byte(x>>48)]++
		c7[byte(x>>56)]++
	}
	src, dst := k, tmp
	for b := range 8 {
		c := &counts[b]
		if c[byte(src[0]>>(8*b))] == len(src) {
			continue
		}
		sum := 0
		for i, n := range c {
			c[i] = sum
			sum += n
		}
		shift := uint(8 * b)
		for _, x := range src {
			d := byte(x >> shift)
			dst[c[d]] = x
			c[d]++
		}
		src, dst = dst, src
	}
	return src
}
