package quality

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
