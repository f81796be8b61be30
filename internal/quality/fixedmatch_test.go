package quality

import (
	"math/rand/v2"
	"regexp"
	"testing"
)

var fixedPatterns = []string{
	`^[A-Z]{3}-[0-9]{4}$`, `^[a-f0-9]{32}$`, `\A[0-9]{5}\z`, `^(DE|AT)$`, `^[A-Z]{2}[0-9]+$`,
	`^[A-Z]{3}-[0-9]{4}`, `[A-Z]{3}-[0-9]{4}$`, `^(?i)abc$`, `^[^a-z]{2}$`, `^a.c$`, `^x{2,3}$`,
	`^ab(c)d$`, `^$`, `^é[a-z]$`, `(?m)^[a-z]$`, `^[a-zé]$`, `^[\d\s]{3}$`, `^(?i)[a-z]{2}$`,
	`^\.\-\[[0-9]\]$`, `^(?:x{0})y$`,
}

// fixedShapes are the patterns that must get a fast path.
var fixedShapes = map[string]bool{`^[A-Z]{3}-[0-9]{4}$`: true, `^[a-f0-9]{32}$`: true, `\A[0-9]{5}\z`: true,
	`^ab(c)d$`: true, `^$`: true, `^[\d\s]{3}$`: true, `^\.\-\[[0-9]\]$`: true, `^(?:x{0})y$`: true}

func checkFixed(t *testing.T, re *regexp.Regexp, m *fixedMatcher, b []byte) {
	t.Helper()
	if got, want := m.match(b), re.Match(b); got != want {
		t.Fatalf("pattern %q on %q: fast path %v, regexp %v", re, b, got, want)
	}
}

// TestFixedMatcher: the fast path gives the regexp's result on every
// value, matching and not, and declines patterns of other shapes.
func TestFixedMatcher(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []byte("ABCXYZabcxyz0123456789-.[] \t\néDE\xff")
	for _, p := range fixedPatterns {
		re := regexp.MustCompile(p)
		m := newFixedMatcher(re)
		if (m != nil) != fixedShapes[p] {
			t.Fatalf("pattern %q: fast path %v, want %v", p, m != nil, fixedShapes[p])
		}
		if m == nil {
			continue
		}
		for range 20000 {
			b := make([]byte, r.IntN(len(m.pos)+3))
			for i := range b {
				b[i] = alphabet[r.IntN(len(alphabet))]
			}
			checkFixed(t, re, m, b)
			// a value built to match, then one byte changed
			g := make([]byte, len(m.pos))
			for i, set := range m.pos {
				for {
					c := byte(r.IntN(128))
					if set[c] {
						g[i] = c
						break
					}
				}
			}
			if !re.Match(g) {
				t.Fatalf("pattern %q: generated %q does not match the regexp", p, g)
			}
			checkFixed(t, re, m, g)
			if len(g) > 0 {
				g[r.IntN(len(g))] = alphabet[r.IntN(len(alphabet))]
				checkFixed(t, re, m, g)
			}
		}
	}
}

// FuzzFixedMatcher: for any pattern that compiles and any value, the fast
// path (when the pattern has its shape) agrees with the regexp.
func FuzzFixedMatcher(f *testing.F) {
	for _, p := range fixedPatterns {
		f.Add(p, "ABC-1234")
		f.Add(p, "DE")
	}
	f.Fuzz(func(t *testing.T, p, v string) {
		re, err := regexp.Compile(p)
		if err != nil {
			return
		}
		if m := newFixedMatcher(re); m != nil {
			checkFixed(t, re, m, []byte(v))
		}
	})
}
