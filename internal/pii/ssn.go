package pii

import (
	"math"
	"math/bits"
)

// ssnStrength validates b as a US Social Security number under the SSA's
// rules: area not 000, 666 or 900-999, group not 00, serial not 0000, and
// not one of the numbers the SSA lists as never issued (advertising and
// the Woolworth wallet card). Written AAA-GG-SSSS (or with spaces) it is
// strong evidence; nine bare digits are weak, since most nine-digit
// numbers pass, and need context.
func ssnStrength(b []byte) float32 {
	var d [9]byte
	var formatted bool
	switch {
	case len(b) == 9 && allDigits(b):
		copy(d[:], b)
	case len(b) == 11 && (b[3] == '-' || b[3] == ' ') && b[6] == b[3] &&
		allDigits(b[:3]) && allDigits(b[4:6]) && allDigits(b[7:]):
		copy(d[:3], b[:3])
		copy(d[3:5], b[4:6])
		copy(d[5:], b[7:])
		formatted = true
	default:
		return 0
	}
	if !ssnValid(d[:]) {
		return 0
	}
	if formatted {
		return 0.8
	}
	return 0.3
}

func ssnValid(d []byte) bool {
	area, group, serial := digitVal(d[:3]), digitVal(d[3:5]), digitVal(d[5:])
	if area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0 {
		return false
	}
	switch string(d) {
	case "078051120", "219099999", "123456789":
		return false
	}
	// All one digit ("111-11-1111") is a placeholder, not an issued number.
	for _, c := range d[1:] {
		if c != d[0] {
			return true
		}
	}
	return false
}

// ssnStats is what a column's bare nine-digit values say about whether
// they are Social Security numbers. One bare value is weak evidence (89 %
// of random nine-digit numbers pass the SSA's rules), but a column is
// more than its values: SSNs are a zero-padded string identifier whose
// area spans 001-899, so a column of them
//
//   - passes the SSA's rules in (nearly) every value, where random
//     nine-digit numbers fail one time in nine;
//   - spreads its first digit over the area range, where sequential or
//     range-allocated ids (invoice numbers, ZIP+4 of one region) share a
//     prefix;
//   - repeats few values;
//   - starts some values with 0 (areas 001-099, about one in nine since
//     the SSA randomized assignment in 2011): integer ids never do;
//   - does not pass the Dutch BSN 11-proof more than by chance.
//
// Zero-padded random nine-digit ids match all of this and cannot be told
// apart from SSNs by their values; the column name decides then (an
// "_id"/"_no" name lowers the score below the threshold).
type ssnStats struct {
	n      int    // bare nine-digit values
	valid  int    // of which pass the SSA's rules
	lead0  int    // of which start with 0
	bsn    int    // of which pass the BSN 11-proof
	firsts uint16 // bit d: some value starts with digit d
	seen   [16]uint64
}

// observe records v, a non-empty trimmed value.
func (st *ssnStats) observe(v []byte) {
	if len(v) != 9 || !allDigits(v) {
		return
	}
	st.n++
	if ssnValid(v) {
		st.valid++
	}
	if v[0] == '0' {
		st.lead0++
	}
	if bsnStrength(v) > 0 {
		st.bsn++
	}
	st.firsts |= 1 << (v[0] - '0')
	h := uint64(digitVal(v)) * 0x9e3779b97f4a7c15
	h ^= h >> 29
	h *= 0xbf58476d1ce4e5b9
	bit := h >> (64 - 10) // 1024 bits
	st.seen[bit/64] |= 1 << (bit % 64)
}

func (st *ssnStats) merge(o *ssnStats) {
	st.n += o.n
	st.valid += o.valid
	st.lead0 += o.lead0
	st.bsn += o.bsn
	st.firsts |= o.firsts
	for i := range st.seen {
		st.seen[i] |= o.seen[i]
	}
}

// distinct estimates the number of distinct values observed (linear
// counting over 1024 bits; saturates in the low thousands).
func (st *ssnStats) distinct() float64 {
	zeros := 0
	for _, w := range st.seen {
		zeros += 64 - bits.OnesCount64(w)
	}
	const m = 1024
	if zeros == 0 {
		return m * math.Log(m)
	}
	return -m * math.Log(float64(zeros)/m)
}

// Thresholds of the column evidence for US_SSN.
const (
	ssnMinValues   = 20   // bare nine-digit values before a column says anything
	ssnMinShare    = 0.9  // of the non-empty values
	ssnMinValid    = 0.98 // pass the SSA's rules (random: 0.89)
	ssnMinFirsts   = 5    // distinct first digits
	ssnMinDistinct = 0.8  // distinct / values (up to the sketch's range)
	ssnMaxBSN      = 0.5  // pass the 11-proof (random: 0.09; a BSN column: 1)
)

// evidence is what the column adds to US_SSN's confidence: 0.15 for a
// column of SSA-valid, spread, distinct, non-BSN nine-digit values, 0.3
// when some of them are zero-padded as well.
func (st *ssnStats) evidence(nonEmpty int) float64 {
	n := float64(st.n)
	if st.n < ssnMinValues || n < ssnMinShare*float64(nonEmpty) ||
		float64(st.valid) < ssnMinValid*n ||
		bits.OnesCount16(st.firsts) < ssnMinFirsts ||
		st.distinct() < ssnMinDistinct*math.Min(n, 2000) ||
		float64(st.bsn) >= ssnMaxBSN*n {
		return 0
	}
	if st.lead0 > 0 && float64(st.lead0) >= 0.01*n {
		return 0.3
	}
	return 0.15
}
