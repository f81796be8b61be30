package mask

import "testing"

// FuzzParse: an action Parse accepts prints as text that parses back to
// the same action, and its Masker can be built.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"drop", "null", "redact", "hash", "partial(4)", "round(1000)",
		"bin(0, 18, 30, 50, 65)", "bin([1,2])", "round(", "bin(1,,2)", "partial(99999999999999999999)"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, err := Parse(s)
		if err != nil {
			return
		}
		b, err := Parse(a.String())
		if err != nil || !b.Equal(a) {
			t.Fatalf("Parse(%q) = %v; its String %q parses to %v, %v", s, a, a.String(), b, err)
		}
		if _, err := a.Masker(key); err != nil {
			t.Fatalf("Masker(%v) = %v", a, err)
		}
	})
}
