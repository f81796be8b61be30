package corpus

import (
	"bytes"
	"reflect"
	"testing"
)

// TestDeterministic: one seed, one corpus; and Read reads what Write wrote.
func TestDeterministic(t *testing.T) {
	a, b := Generate(Seed, 5), Generate(Seed, 5)
	if !reflect.DeepEqual(a, b) {
		t.Fatal("Generate is not deterministic")
	}
	var buf bytes.Buffer
	if err := Write(&buf, a); err != nil {
		t.Fatal(err)
	}
	c, err := Read(&buf)
	if err != nil || !reflect.DeepEqual(a, c) {
		t.Fatalf("Read(Write(corpus)) differs: %v", err)
	}
}

// TestSpans: labeled spans lie inside their values and have known types.
func TestSpans(t *testing.T) {
	for _, c := range Generate(Seed, 20) {
		for row, spans := range c.Spans {
			for _, s := range spans {
				if s.Start < 0 || s.End > len(c.Values[row]) || s.Start >= s.End {
					t.Fatalf("%s row %d: span %+v outside its value", c.Name, row, s)
				}
				known := false
				for _, typ := range allTypes {
					known = known || typ == s.Type
				}
				if !known {
					t.Fatalf("%s row %d: unknown type %q", c.Name, row, s.Type)
				}
			}
		}
	}
}

func TestChecksums(t *testing.T) {
	if luhnDigit("411111111111111") != 1 {
		t.Fatal("luhnDigit")
	}
	if mod97("370400440532013000DE89") != 1 {
		t.Fatal("mod97")
	}
}
