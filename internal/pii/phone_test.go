package pii

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/nyaruka/phonenumbers"

	"github.com/coffer-vault/coffer/internal/pii/corpus"
)

// libValid is what the library says of s parsed in region.
func libValid(s, region string) bool {
	n, err := phonenumbers.Parse(s, region)
	return err == nil && phonenumbers.IsValidNumber(n)
}

// fastValid is what phoneParser says of s for national region r.
func fastValid(s, region string) bool {
	p := newPhoneParser([]string{region})
	return p.strength([]byte(s)) > 0
}

// randomPhoneLike makes strings shaped like phone numbers: international
// with a real or unassigned code, national with and without trunk prefix,
// grouped and bare.
func randomPhoneLike(r *rand.Rand) string {
	digits := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte('0' + r.IntN(10))
		}
		return string(b)
	}
	switch r.IntN(6) {
	case 0:
		codes := []string{"1", "44", "49", "33", "34", "31", "39", "7", "81", "86", "91", "61", "55", "352", "353", "358", "800", "882", "999"}
		return "+" + codes[r.IntN(len(codes))] + " " + digits(6+r.IntN(6))
	case 1:
		return "0" + digits(8+r.IntN(4))
	case 2:
		return fmt.Sprintf("(%s) %s-%s", digits(3), digits(3), digits(4))
	case 3:
		return "0" + digits(1) + " " + digits(2) + " " + digits(2) + " " + digits(2) + " " + digits(2)
	case 4:
		return digits(7 + r.IntN(6))
	default:
		return "+" + digits(8+r.IntN(6))
	}
}

// TestPhoneAgreesWithLibrary compares the compiled automata with
// phonenumbers.Parse + IsValidNumber on random phone-like strings in each
// default region. The fast path models literal national prefixes only, so
// a small disagreement is allowed and reported.
func TestPhoneAgreesWithLibrary(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	n := 3000
	if testing.Short() {
		n = 300
	}
	for _, region := range DefaultPhoneRegions {
		var agree, valid, fastOnly, libOnly int
		for range n {
			s := randomPhoneLike(r)
			f, l := fastValid(s, region), libValid(s, region)
			switch {
			case f == l:
				agree++
				if f {
					valid++
				}
			case f:
				fastOnly++
				if fastOnly <= 3 {
					t.Logf("%s: fast says valid, library not: %s", region, s)
				}
			default:
				libOnly++
				if libOnly <= 3 {
					t.Logf("%s: library says valid, fast not: %s", region, s)
				}
			}
		}
		rate := float64(agree) / float64(n)
		t.Logf("%s: agreement %.4f over %d strings (%d valid; fast-only %d, library-only %d)", region, rate, n, valid, fastOnly, libOnly)
		if rate < 0.99 {
			t.Errorf("%s: agreement with phonenumbers %.4f, want >= 0.99", region, rate)
		}
	}
}

// TestRegionCode: a region's code is the compiled country calling code
// that holds it, what phones.forCode returns for its code.
func TestRegionCode(t *testing.T) {
	n := 0
	for _, id := range []string{"US", "GB", "DE", "FR", "ES", "NL", "IT", "CA", "JE", "GG", "IM", "AU", "IN", "BR", "JP"} {
		r := phones.region(id)
		if r == nil {
			continue
		}
		n++
		pc := phones.forCode(r.cc)
		if r.code != pc || !slices.Contains(pc.regions, r) {
			t.Errorf("region %s: code %p, forCode(%d) = %p", id, r.code, r.cc, pc)
		}
	}
	if n < 10 {
		t.Fatalf("only %d regions compiled", n)
	}
}

// TestStartsWithCC: startsWithCC is "longer than the country code and
// starts with it", on digit strings of every length up to 6 around each
// default region's code.
func TestStartsWithCC(t *testing.T) {
	r := rand.New(rand.NewPCG(55, 56))
	for _, id := range DefaultPhoneRegions {
		reg := phones.region(id)
		for range 5000 {
			d := []byte(fmt.Sprint(r.IntN(1000000)))[:1+r.IntN(6)]
			if r.IntN(2) == 0 {
				d = append(slices.Clone(reg.ccDigits), d[:r.IntN(len(d)+1)]...)
			}
			want := len(d) > len(reg.ccDigits) && string(d[:len(reg.ccDigits)]) == string(reg.ccDigits)
			if got := reg.startsWithCC(d); got != want {
				t.Fatalf("region %s: startsWithCC(%q) = %v, want %v", id, d, got, want)
			}
		}
	}
}

// TestMatchesLengthFirst: matches, which rules out a length before
// running the automaton, gives what the automaton's result gives, for
// every region of the country codes the corpus uses (+1's 25 among
// them), on valid numbers of each and digit strings of every length.
func TestMatchesLengthFirst(t *testing.T) {
	r := rand.New(rand.NewPCG(57, 58))
	pool := corpus.Pool("PHONE", 512, 3)
	regions, matched := 0, 0
	for _, cc := range []int{1, 7, 31, 33, 34, 39, 44, 49, 61, 358} {
		pc := phones.forCode(cc)
		if pc == nil {
			t.Fatalf("no compiled regions for +%d", cc)
		}
		for _, reg := range pc.regions {
			regions++
			for range 3000 {
				var d []byte
				if r.IntN(2) == 0 {
					d = digitsOf(pool[r.IntN(len(pool))])
					if len(d) > 3 {
						d = d[r.IntN(3):] // with, or without, a country code or trunk prefix
					}
				} else {
					d = make([]byte, r.IntN(20))
					for i := range d {
						d[i] = '0' + byte(r.IntN(10))
					}
				}
				want := reg.matchesAcc(d, reg.dfa.run(d))
				if got := reg.matches(d); got != want {
					t.Fatalf("region %s: matches(%q) = %v, automaton says %v", reg.id, d, got, want)
				}
				if want {
					matched++
				}
			}
		}
	}
	if regions < 30 || matched < 1000 {
		t.Fatalf("%d regions, %d matches: the comparison tests little", regions, matched)
	}
}

func digitsOf(s string) []byte {
	var d []byte
	for i := 0; i < len(s); i++ {
		if isDigit(s[i]) {
			d = append(d, s[i])
		}
	}
	return d
}

// validKnownSlow is validKnown as it was: every region in turn.
func (pc *phoneCode) validKnownSlow(nsn []byte, known *phoneRegion, acc uint32) bool {
	match := func(r *phoneRegion) bool {
		if r == known {
			return r.matchesAcc(nsn, acc)
		}
		return r.matchesAcc(nsn, r.dfa.run(nsn))
	}
	if len(pc.regions) == 1 {
		return match(pc.regions[0])
	}
	var lead uint32
	if pc.leading != nil {
		lead = pc.leading.prefixes(nsn)
	}
	for i, r := range pc.regions {
		bit := uint32(1) << i
		switch {
		case pc.hasLead&bit == 0:
			if match(r) {
				return true
			}
		case lead&bit != 0:
			return match(r)
		}
	}
	return false
}

// TestValidKnownBits: validKnown, which visits only the regions that can
// decide, against the loop over every region, for the codes the corpus
// uses, with and without a known region's automaton result.
func TestValidKnownBits(t *testing.T) {
	r := rand.New(rand.NewPCG(59, 60))
	pool := corpus.Pool("PHONE", 512, 4)
	valid, multi := 0, 0
	for _, cc := range []int{1, 7, 31, 33, 34, 39, 44, 49, 61, 262, 358, 590} {
		pc := phones.forCode(cc)
		if pc == nil {
			t.Fatalf("no compiled regions for +%d", cc)
		}
		for range 5000 {
			var d []byte
			if r.IntN(2) == 0 {
				d = digitsOf(pool[r.IntN(len(pool))])
				if len(d) > 3 {
					d = d[r.IntN(3):]
				}
			} else {
				d = make([]byte, 4+r.IntN(12))
				for i := range d {
					d[i] = '0' + byte(r.IntN(10))
				}
			}
			var known *phoneRegion
			var acc uint32
			if r.IntN(2) == 0 {
				known = pc.regions[r.IntN(len(pc.regions))]
				acc = known.dfa.run(d)
			}
			want := pc.validKnownSlow(d, known, acc)
			if got := pc.validKnown(d, known, acc); got != want {
				t.Fatalf("+%d: validKnown(%q, %v) = %v, every region says %v", cc, d, known != nil, got, want)
			}
			if want {
				valid++
			}
			if len(pc.regions) > 1 {
				multi++
			}
		}
	}
	if valid < 2000 || multi < 10000 {
		t.Fatalf("%d valid, %d on codes of several regions: the comparison tests little", valid, multi)
	}
}

// nationalStrengthSlow is nationalStrength as it was: the automata run
// whatever the number's length.
func (r *phoneRegion) nationalStrengthSlow(sh phoneShape) float32 {
	d := sh.digits
	if len(d) >= len(r.lenMask)+3 {
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
	if !r.code.validKnownSlow(nsn, r, acc) {
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
	case len(r.prefixes) == 0:
		return 0.65
	}
	return 0.3
}

// TestNationalLengthFirst: nationalStrength, which rules a number out by
// its lengths before running an automaton, against the code that ran
// them, for the default regions and others, on the phone pool (numbers
// of every country tried against every region, with and without a
// country code or trunk prefix) and digit strings of every length.
func TestNationalLengthFirst(t *testing.T) {
	r := rand.New(rand.NewPCG(63, 64))
	pool := corpus.Pool("PHONE", 1024, 5)
	rated, skipped := 0, 0
	for _, id := range append(slices.Clone(DefaultPhoneRegions), "IT", "CA", "AU", "JE", "BE", "CH", "AT", "IE", "PT") {
		reg := phones.region(id)
		if reg == nil || reg.complex {
			continue
		}
		for range 6000 {
			var d []byte
			switch r.IntN(3) {
			case 0:
				d = digitsOf(pool[r.IntN(len(pool))])
			case 1:
				d = append(slices.Clone(reg.ccDigits), digitsOf(pool[r.IntN(len(pool))])...)
			default:
				d = make([]byte, r.IntN(22))
				for i := range d {
					d[i] = '0' + byte(r.IntN(10))
				}
			}
			if r.IntN(4) == 0 && len(d) > 1 {
				d = d[1:]
			}
			if len(d) == 0 {
				continue
			}
			sh := phoneShape{digits: d, grouped: r.IntN(2) == 0}
			want := reg.nationalStrengthSlow(sh)
			if got := reg.nationalStrength(sh); got != want {
				t.Fatalf("region %s: nationalStrength(%q) = %v, with every automaton run %v", id, d, got, want)
			}
			if want > 0 {
				rated++
			}
			if len(d) < len(reg.lenMask)+3 && !reg.possibleLength(d) {
				skipped++
			}
		}
	}
	if rated < 5000 || skipped < 5000 {
		t.Fatalf("%d numbers rated, %d ruled out by length: the comparison tests little", rated, skipped)
	}
}
