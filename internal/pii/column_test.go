package pii

import (
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
		[]byte("550e8400-e29b-41d4-a716-446655440000"), []byte("2024-01-15T10:30:00Z"), []byte("1234.56"),
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
