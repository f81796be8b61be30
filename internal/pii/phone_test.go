package pii

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/nyaruka/phonenumbers"
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
