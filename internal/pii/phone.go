package pii

import "slices"

// DefaultPhoneRegions are the regions whose national formats (numbers
// written without a country code, "020 7946 0958") a scanner tries when
// Options.PhoneRegions is empty. Numbers written with "+" or an
// international prefix are checked for every country.
var DefaultPhoneRegions = []string{"US", "GB", "DE", "FR", "ES", "NL"}

// phoneParser validates phone numbers against libphonenumber's metadata,
// compiled into digit automata (phonemeta.go): the same patterns and
// possible lengths that phonenumbers.IsValidNumber checks, without its
// regular expressions and allocations. phone_test.go checks that both
// agree.
type phoneParser struct {
	regions []*phoneRegion // national formats tried, in order
	idd     []string       // their international prefixes, each once
}

func newPhoneParser(ids []string) *phoneParser {
	if len(ids) == 0 {
		ids = DefaultPhoneRegions
	}
	p := &phoneParser{}
	for _, id := range ids {
		if r := phones.region(id); r != nil && !r.complex {
			p.regions = append(p.regions, r)
			for _, idd := range r.idd {
				if !slices.Contains(p.idd, idd) {
					p.idd = append(p.idd, idd)
				}
			}
		}
	}
	return p
}

// phoneShape is what the first pass over a candidate learns.
type phoneShape struct {
	digits  []byte
	plus    bool // starts with '+'
	grouped bool // has separators between digit groups
}

// shapePhone extracts the digits of b into buf if b looks like a written
// phone number: an optional leading '+', digits in groups separated by
// spaces, '-', '.', '/' or parentheses, at most two separators in a row,
// a digit at the end, and 7 to 17 digits in all. A single '.' between two
// digit groups is a decimal number, not a phone number.
func shapePhone(buf *[17]byte, b []byte) (phoneShape, bool) {
	var sh phoneShape
	if len(b) < 7 || len(b) > 32 || !isDigit(b[len(b)-1]) {
		return sh, false
	}
	i := 0
	if b[0] == '+' {
		sh.plus, i = true, 1
	}
	n, run, dots, seps, open := 0, 0, 0, 0, false
	for ; i < len(b); i++ {
		c := b[i]
		switch {
		case isDigit(c):
			if n == len(buf) {
				return sh, false
			}
			buf[n] = c
			n, run = n+1, 0
			continue
		case c == '(':
			if open {
				return sh, false
			}
			open = true
		case c == ')':
			if !open {
				return sh, false
			}
			open = false
		case c == '.':
			dots++
		case c == ' ' || c == '-' || c == '/':
		default:
			return sh, false
		}
		seps++
		if run++; run > 2 {
			return sh, false
		}
	}
	if open || n < 7 || (dots == 1 && seps == 1) {
		return sh, false
	}
	sh.digits, sh.grouped = buf[:n], seps > 0
	return sh, true
}

// strength validates b as a phone number and rates how clearly it is
// written as one: international numbers strongly, national numbers with a
// trunk prefix or the usual grouping fairly, bare digit strings weakly
// (order numbers and ids pass the patterns of some region too).
func (p *phoneParser) strength(b []byte) float32 {
	var buf [17]byte
	sh, ok := shapePhone(&buf, b)
	if !ok {
		return 0
	}
	if ssnShaped(b) {
		return 0 // AAA-GG-SSSS is how SSNs are written, no phone plan groups so
	}
	if valid, intl := p.international(sh); intl {
		if valid {
			return 0.9
		}
		return 0
	}
	// The strength is the best over the regions. A region that cannot
	// beat the best so far is skipped, and the region that rated the
	// last number best moves to the front: a column's numbers are usually
	// of one country, so most are settled by one region.
	var best float32
	for i, r := range p.regions {
		if best >= maxNational {
			break
		}
		if r.potential(sh) <= best {
			continue
		}
		if s := r.nationalStrength(sh); s > best {
			best = s
			p.regions[0], p.regions[i] = r, p.regions[0]
		}
	}
	return best
}

// maxNational is the highest strength of a number written nationally.
const maxNational = 0.75

// potential is the highest strength region r could give a number of this
// shape: what nationalStrength returns when the number is valid.
func (r *phoneRegion) potential(sh phoneShape) float32 {
	d := sh.digits
	trunk := r.leadDigits&(1<<(d[0]-'0')) != 0 &&
		(hasAnyPrefix(d, r.prefixes) > 0 || r.startsWithCC(d))
	switch {
	case !sh.grouped:
		if trunk && len(r.prefixes) > 0 && r.prefixes[0] == "0" {
			return 0.55
		}
		return 0.3
	case trunk || r.cc == 1:
		return 0.75
	case len(r.prefixes) == 0:
		return 0.65
	}
	return 0.3
}

// startsWithCC reports whether the digits d start with r's country
// calling code and are longer than it (one to three digits, compared
// in place: no call to the runtime's memequal).
func (r *phoneRegion) startsWithCC(d []byte) bool {
	cc := r.ccDigits
	if len(d) <= len(cc) {
		return false
	}
	for i, c := range cc {
		if d[i] != c {
			return false
		}
	}
	return true
}

// ssnShaped reports whether b is written ddd-dd-dddd.
func ssnShaped(b []byte) bool {
	return len(b) == 11 && b[3] == '-' && b[6] == '-' && allDigits(b[:3]) && allDigits(b[4:6]) && allDigits(b[7:])
}

// international handles numbers written with '+' or an international
// (IDD) prefix of one of the parser's regions ("00", "011"): intl says the
// number is written internationally, valid whether it is a valid number.
func (p *phoneParser) international(sh phoneShape) (valid, intl bool) {
	d := sh.digits
	idd := p.iddPrefix(d) // "+00 84 ..." is read as "00 84 ..." too
	if idd == 0 && !sh.plus {
		return false, false
	}
	d = d[idd:]
	if len(d) < 2 || d[0] == '0' {
		return false, sh.plus
	}
	for l := 1; l <= 3 && l < len(d); l++ {
		pc := phones.forCode(digitVal(d[:l]))
		if pc == nil {
			continue
		}
		nsn := d[l:]
		if pc.valid(nsn) {
			return true, true
		}
		// "+44 (0)20 ...": a national prefix written after the code.
		if pre := hasAnyPrefix(nsn, pc.regions[0].prefixes); pre > 0 && pc.valid(nsn[pre:]) {
			return true, true
		}
		return false, true
	}
	return false, sh.plus
}

// iddPrefix returns the length of the parser's regions' international
// prefix that d starts with, or 0.
func (p *phoneParser) iddPrefix(d []byte) int {
	if n := hasAnyPrefix(d, p.idd); n > 0 && len(d)-n >= 8 {
		return n
	}
	return 0
}

// hasAnyPrefix returns the length of the first of prefixes that d starts
// with and is longer than, or 0.
func hasAnyPrefix(d []byte, prefixes []string) int {
	for _, pre := range prefixes {
		if len(d) > len(pre) && digitsPrefix(d, pre) {
			return len(pre)
		}
	}
	return 0
}

// digitsPrefix reports whether d starts with pre (len(d) > len(pre)),
// compared in place: the prefixes are one to six digits, too short for
// a call to the runtime's memequal to pay.
func digitsPrefix(d []byte, pre string) bool {
	d = d[:len(pre)]
	for i := range d {
		if d[i] != pre[i] {
			return false
		}
	}
	return true
}

// nationalStrength validates a number written without '+' as a number of
// region r the way libphonenumber parses it: a leading country code is
// dropped when that turns a non-viable number into a viable one, and the
// national prefix only when what remains is still a possible number.
func (r *phoneRegion) nationalStrength(sh phoneShape) float32 {
	d := sh.digits
	if len(d) >= len(r.lenMask)+3 || !r.possibleLength(d) {
		return 0
	}
	accD := r.dfa.run(d)
	nsn, acc, trunk := r.stripNational(d, accD)
	if n := len(r.ccDigits); r.startsWithCC(d) {
		pot, accPot, _ := r.stripNational(d[n:], r.dfa.run(d[n:]))
		if accD&1 == 0 && accPot&1 != 0 {
			nsn, acc, trunk = pot, accPot, true
		}
	}
	if !r.valid(nsn, acc) {
		return 0
	}
	switch {
	case !sh.grouped:
		if trunk && len(r.prefixes) > 0 && r.prefixes[0] == "0" {
			return 0.55
		}
		return 0.3
	case trunk || r.cc == 1:
		return 0.75
	case len(r.prefixes) == 0: // no trunk prefix (Spain, Italy): grouping only
		return 0.65
	}
	return 0.3
}

// possibleLength reports whether one of the national numbers that
// nationalStrength may read in d (d itself, without r's national prefix,
// without r's country code, without both) has a length that a region of
// r's code allows: if none has, no automaton needs to run, the number is
// invalid (TestNationalLengthFirst). A number is mostly tried against
// regions of other countries, whose lengths differ.
func (r *phoneRegion) possibleLength(d []byte) bool {
	lens := r.code.lens
	if lens&(1<<len(d)) != 0 {
		return true
	}
	if pre := hasAnyPrefix(d, r.prefixes); pre > 0 && lens&(1<<(len(d)-pre)) != 0 {
		return true
	}
	if n := len(r.ccDigits); r.startsWithCC(d) {
		if lens&(1<<(len(d)-n)) != 0 {
			return true
		}
		if pre := hasAnyPrefix(d[n:], r.prefixes); pre > 0 && lens&(1<<(len(d)-n-pre)) != 0 {
			return true
		}
	}
	return false
}

// stripNational removes r's national prefix from d (whose automaton
// result is acc) if d starts with one and the rest is still viable; it
// returns the national number, its automaton result, and whether it
// stripped.
func (r *phoneRegion) stripNational(d []byte, acc uint32) (nsn []byte, nsnAcc uint32, trunk bool) {
	pre := hasAnyPrefix(d, r.prefixes)
	if pre == 0 {
		return d, acc, false
	}
	rest := d[pre:]
	accRest := r.dfa.run(rest)
	if (acc&1 != 0 && accRest&1 == 0) || !r.generalLength(rest) {
		return d, acc, false
	}
	return rest, accRest, true
}

// valid decides nsn, whose run of r's automaton gave acc, for r's country
// calling code: from acc alone when r is the code's only region.
func (r *phoneRegion) valid(nsn []byte, acc uint32) bool {
	return r.code.validKnown(nsn, r, acc) // r.code is phones.forCode(r.cc)
}
