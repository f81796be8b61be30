package pii

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestObserveAllocs: scanning a cell allocates nothing once a column has
// its examples.
func TestObserveAllocs(t *testing.T) {
	cells := [][]byte{
		[]byte("john.smith@example.com"), []byte("+44 20 7946 0958"), []byte("4111 1111 1111 1111"),
		[]byte("DE89 3704 0044 0532 0130 00"), []byte("123-45-6780"), []byte("192.168.1.20"),
		[]byte("Jean-Pierre Dupont"), []byte("221B Baker Street, London NW1 6XE"), []byte("12/03/1985"),
		[]byte("550e8400-e29b-41d4-a716-446655440000"), []byte("078345621"), []byte("2024-01-15T10:30:00Z"), []byte("1234.56"),
		[]byte("Smith"), []byte("GB82WEST12345698765432"), []byte("AB-12345-C"), []byte("1985-03-12"),
		[]byte("Call Maria García on 06 12 34 56 78 about order ORD-2023-000123, she was born 12 March 1985."),
	}
	s := NewColumnScanner(Options{})
	for i := range cells {
		s.AddColumn(i, "c")
		for range 5 { // fill the examples
			s.Observe(i, cells[i])
		}
	}
	allocs := testing.AllocsPerRun(100, func() {
		for i, c := range cells {
			s.Observe(i, c)
		}
	})
	if allocs != 0 {
		t.Fatalf("Observe allocates %.1f times per row of %d cells, want 0", allocs, len(cells))
	}
}

func TestColumnResults(t *testing.T) {
	s := NewColumnScanner(Options{})
	s.AddColumn(0, "email")
	s.AddColumn(1, "notes")
	s.AddColumn(2, "amount")
	for i := range 20 {
		s.Observe(0, []byte("user"+string(rune('a'+i))+"@example.com"))
		s.Observe(1, []byte("Customer asked for a refund; send it to maria.garcia@example.es by Friday please."))
		s.Observe(2, []byte("12.50"))
	}
	s.Observe(0, []byte("  "))
	rs := s.Results()
	if len(rs) != 3 {
		t.Fatalf("Results = %d columns, want 3", len(rs))
	}
	email := rs[0]
	if email.Rows != 21 || email.NonEmpty != 20 || len(email.Types) != 1 || email.Types[0].Type != Email || email.Types[0].Share != 1 {
		t.Fatalf("email column = %+v", email)
	}
	for _, e := range email.Types[0].Examples {
		if !strings.Contains(e, "***@example.com") {
			t.Errorf("example %q is not masked", e)
		}
	}
	if !rs[1].FreeText || len(rs[1].Types) == 0 || rs[1].Types[0].Type != Email {
		t.Fatalf("notes column = %+v", rs[1])
	}
	if len(rs[2].Types) != 0 {
		t.Fatalf("amount column = %+v, want no types", rs[2])
	}
}

// TestContextNeverDecidesAlone: a column named for a type finds nothing
// when its values are not of that type.
func TestContextNeverDecidesAlone(t *testing.T) {
	for name, values := range map[string][]string{
		"email":       {"none", "n/a", "ask reception", "john at example dot com"},
		"ssn":         {"000-12-3456", "666-12-3456", "912-12-3456"},
		"phone":       {"ext. 12", "555", "tbd"},
		"passport_no": {"pending", "n/a"},
		"dob":         {"2024-01-15T10:30:00Z", "2023-05-01T08:00:00Z"},
	} {
		s := NewColumnScanner(Options{})
		s.AddColumn(0, name)
		for range 10 {
			for _, v := range values {
				s.Observe(0, []byte(v))
			}
		}
		if r := s.Results()[0]; len(r.Types) != 0 {
			t.Errorf("column %q of non-matching values: types %+v, want none", name, r.Types)
		}
	}
}

func TestMerge(t *testing.T) {
	a, b := NewColumnScanner(Options{}), NewColumnScanner(Options{})
	a.AddColumn(0, "email")
	for i := range 10 {
		a.Observe(0, []byte("a"+string(rune('a'+i))+"@example.com"))
		b.Observe(0, []byte("b"+string(rune('a'+i))+"@example.com"))
	}
	a.Merge(b)
	r := a.Results()[0]
	if r.Rows != 20 || r.Types[0].Matches != 20 || r.Name != "email" {
		t.Fatalf("merged = %+v", r)
	}
}

func TestMask(t *testing.T) {
	for _, tt := range []struct{ typ, in, want string }{
		{Email, "john.smith@example.com", "j***@example.com"},
		{CreditCard, "4111 1111 1111 1234", "**** **** **** 1234"},
		{USSSN, "123-45-6789", "***-**-**89"},
		{Phone, "+44 20 7946 0958", "+** ** **** **58"},
		{IPAddress, "192.168.1.20", "192.*.*.*"},
		{MACAddress, "00:1A:2B:3C:4D:5E", "00:1A:2B:**:**:**"},
		{URL, "https://www.example.com/users/42?x=1", "https://w***.com/***"},
		{Person, "Jean-Pierre Dupont", "J*** D***"},
		{Secret, "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "ghp_****** (40 bytes)"},
		{DateOfBirth, "12/03/1985", "**/**/****"},
		{"", "anything", "********"},
	} {
		if got := Mask(tt.typ, []byte(tt.in)); got != tt.want {
			t.Errorf("Mask(%s, %s) = %q, want %q", tt.typ, tt.want, got, tt.want)
		}
	}
}

// TestSSNColumnEvidence: a column of bare nine-digit SSNs under a generic
// name is found from what the column shows as a whole, while nine-digit
// columns that are not SSNs stay clean; and the ambiguity that is left
// (zero-padded random ids) is decided by the column name.
func TestSSNColumnEvidence(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	ssn := func() string {
		area := 1 + r.IntN(899)
		if area == 666 {
			area = 665
		}
		return fmt.Sprintf("%03d%02d%04d", area, 1+r.IntN(99), 1+r.IntN(9999))
	}
	seq := 300000000
	bsn := func() string {
		for {
			d := fmt.Sprintf("%08d", r.IntN(100000000))
			sum := 0
			for i := range 8 {
				sum += (9 - i) * int(d[i]-'0')
			}
			if last := sum % 11; last <= 9 {
				return d + fmt.Sprint(last)
			}
		}
	}
	for _, tc := range []struct {
		name, col string
		value     func() string
		want      bool
		usually   bool // statistical: want in at least half the trials
	}{
		{"ssns, generic name", "col16", ssn, true, false},
		{"ssns, named", "ssn", ssn, true, false},
		{"ssns, id name", "customer_id", ssn, false, false}, // the name lowers, never decides alone: 0.05 + 0.3
		{"integer ids", "col", func() string { return fmt.Sprint(100000000 + r.IntN(800000000)) }, false, false},
		{"sequential", "col", func() string { seq += 1 + r.IntN(3); return fmt.Sprint(seq) }, false, false},
		{"random nine digits", "col", func() string { return fmt.Sprintf("%09d", r.IntN(1000000000)) }, false, false},
		{"zip+4", "col", func() string { return fmt.Sprintf("%05d%04d", r.IntN(100000), r.IntN(10000)) }, false, false},
		{"bsn", "col", bsn, false, false},
		{"repeated ssns", "col", func() string { return []string{"012345678", "234567891", "345678912"}[r.IntN(3)] }, false, false},
		{"zero-padded ids, generic name", "col", func() string { return fmt.Sprintf("%09d", 1+r.IntN(899999998)) }, true, true}, // the ambiguity: 1.2 % fail the SSA's rules, so two fails in 60 values (17 %) clear a column
		{"zero-padded ids, id name", "member_id", func() string { return fmt.Sprintf("%09d", 1+r.IntN(899999998)) }, false, false},
	} {
		found := 0
		const trials = 20
		for range trials {
			s := NewColumnScanner(Options{})
			s.AddColumn(0, tc.col)
			for range 60 {
				s.Observe(0, []byte(tc.value()))
			}
			for _, ty := range s.Results()[0].Types {
				if ty.Type == USSSN {
					found++
				}
			}
		}
		// Allow one trial in twenty to go the other way: the evidence is
		// statistical (e.g. 60 SSNs without a leading zero: 0.1 %).
		if tc.usually && found < trials/2 || !tc.usually && tc.want && found < trials-1 || !tc.want && found > 1 {
			t.Errorf("%s (column %q): US_SSN reported in %d of %d columns, want %v", tc.name, tc.col, found, trials, tc.want)
		}
	}
}

// TestSSNEvidenceMerge: scanning a column in two parts and merging gives
// the result of one scan.
func TestSSNEvidenceMerge(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	vals := make([]string, 80)
	for i := range vals {
		vals[i] = fmt.Sprintf("%03d%02d%04d", 1+r.IntN(665), 1+r.IntN(99), 1+r.IntN(9999))
	}
	one, a, b := NewColumnScanner(Options{}), NewColumnScanner(Options{}), NewColumnScanner(Options{})
	for i, v := range vals {
		one.Observe(0, []byte(v))
		if i%2 == 0 {
			a.Observe(0, []byte(v))
		} else {
			b.Observe(0, []byte(v))
		}
	}
	a.Merge(b)
	if one.cols[0].ssn != a.cols[0].ssn {
		t.Fatalf("merged SSN statistics differ from one scan")
	}
	if len(one.Results()[0].Types) == 0 {
		t.Fatal("no US_SSN in a column of 80 SSNs")
	}
}
