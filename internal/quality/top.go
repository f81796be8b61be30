package quality

import (
	"encoding/binary"

	"github.com/zeebo/xxh3"
)

// topTable counts the distinct values of a column exactly, up to TopCap
// of them: an open-addressing table keyed by the cell hash the profiler
// has already computed (no second hash of the text, as a map[string]
// would take), each hit confirmed by comparing the text, so two values
// with the same hash are still counted apart.
type topTable struct {
	slot [topSlots]uint8 // index+1 into vals; 0 for an empty slot
	hash [TopCap]uint64
	vals []string
	n    []int64
	// The type inferred from each value's text (for String cells, whose
	// type is a function of the text): each distinct value is inferred once.
	typed [TopCap]bool
	typ   [TopCap]vtype
	num   [TopCap]float64
	unix  [TopCap]int64
	// deferred counts the cells of each numeric value not yet in the
	// column's numeric statistics (colState.flushNumbers); dnum is the
	// value's number.
	deferred [TopCap]int64
	dnum     [TopCap]float64
	// The outcome of each of the column's value rules (bit j for rule j)
	// on each value, once ruled: rules are run once per distinct value.
	ruled   [TopCap]bool
	matched [TopCap]uint64
	// memo remembers, for values of at most shortLen bytes, the cell hash
	// and the index: such a value is its length and one 64-bit word, so a
	// hit is exact and costs neither the hash nor the probe.
	memo [memoSlots]memoEntry
}

// shortLen is the longest value the memo holds.
const shortLen = 8

const memoSlots = 64

type memoEntry struct {
	word uint64 // the value's bytes (shortWord)
	h    xxh3.Uint128
	k    int32
	n    uint8 // the value's length; 0 for an empty entry
}

// shortWord packs a value of 1 to 8 bytes into a word from which, with its
// length, the value can be read back: for 4 to 8 bytes its first four and
// its last four (they overlap below 8), for 1 to 3 its first, middle and
// last byte.
func shortWord(b []byte) uint64 {
	if len(b) >= 4 {
		return uint64(binary.LittleEndian.Uint32(b)) | uint64(binary.LittleEndian.Uint32(b[len(b)-4:]))<<32
	}
	return uint64(b[0]) | uint64(b[len(b)/2])<<8 | uint64(b[len(b)-1])<<16
}

func memoSlot(w uint64, n int) int {
	return int(((w ^ uint64(n)<<56) * 0x9e3779b97f4a7c15) >> (64 - 6))
}

// recall returns the index and hash of text (1 to shortLen bytes) if the
// memo holds it; the caller counts it.
func (t *topTable) recall(text []byte) (int, xxh3.Uint128, bool) {
	w := shortWord(text)
	e := &t.memo[memoSlot(w, len(text))]
	if e.word == w && int(e.n) == len(text) {
		return int(e.k), e.h, true
	}
	return 0, xxh3.Uint128{}, false
}

// remember puts text (1 to shortLen bytes), its hash and its index in
// the memo, in place of the value that had its slot.
func (t *topTable) remember(text []byte, h xxh3.Uint128, k int) {
	w := shortWord(text)
	t.memo[memoSlot(w, len(text))] = memoEntry{word: w, h: h, k: int32(k), n: uint8(len(text))}
}

const topSlots = 2 * TopCap // at most half full: short probes

// add counts text (whose hash is h) and returns its index. It returns -1,
// counting nothing, for a value not yet seen when TopCap values already are.
func (t *topTable) add(h uint64, text []byte) int {
	for i := h & (topSlots - 1); ; i = (i + 1) & (topSlots - 1) {
		s := t.slot[i]
		if s == 0 {
			if len(t.vals) == TopCap {
				return -1
			}
			t.hash[len(t.vals)] = h
			t.vals = append(t.vals, string(text))
			t.n = append(t.n, 1)
			t.slot[i] = uint8(len(t.vals))
			return len(t.vals) - 1
		}
		if k := int(s) - 1; t.hash[k] == h && t.vals[k] == string(text) { // no allocation
			t.n[k]++
			return k
		}
	}
}
