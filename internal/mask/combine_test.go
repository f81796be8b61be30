package mask

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/coffer-vault/coffer/internal/tabular"
)

func TestCombineTable(t *testing.T) {
	for _, tc := range []struct{ a, b, want string }{
		{"drop", "hash", "drop"},
		{"null", "redact", "null"},
		{"redact", "partial(4)", "redact"},
		{"hash", "hash", "hash"},
		{"hash", "partial(4)", "redact"},
		{"hash", "round(10)", "redact"},
		{"partial(4)", "partial(2)", "partial(2)"},
		{"round(1000)", "round(100)", "round(1000)"},
		{"round(300)", "round(1000)", "round(3000)"}, // lcm: buckets nest in both
		{"round(1000000000000000)", "round(999999999999999)", "redact"},
		{"bin(0, 18, 30, 65)", "bin(0, 21, 30, 70)", "bin(0, 30)"},
		{"bin(1, 2)", "bin(3, 4)", "redact"},
		{"bin(0, 15, 20, 45, 50)", "round(10)", "bin(0, 20, 50)"},
		{"bin(5, 15)", "round(10)", "redact"},
		{"partial(4)", "round(10)", "redact"},
		{"partial(4)", "bin(0, 10)", "redact"},
	} {
		a, _ := Parse(tc.a)
		b, _ := Parse(tc.b)
		if got := Combine(a, b).String(); got != tc.want {
			t.Errorf("Combine(%s, %s) = %s, want %s", tc.a, tc.b, got, tc.want)
		}
		if got := Combine(b, a).String(); got != tc.want {
			t.Errorf("Combine(%s, %s) = %s, want %s", tc.b, tc.a, got, tc.want)
		}
		if got := Combine(a, Action{}); !got.Equal(a) {
			t.Errorf("Combine(%s, keep) = %s", tc.a, got)
		}
	}
}

// actions is a sample of every kind with parameters that nest and that
// do not.
var actions = []string{
	"keep", "drop", "null", "redact", "hash",
	"partial(1)", "partial(3)", "partial(6)",
	"round(1)", "round(7)", "round(10)", "round(300)", "round(1000)",
	"bin(0, 18, 30, 50, 65)", "bin(0, 21, 30, 70)", "bin(-100, 0, 100, 1000, 5000)", "bin(3.5)",
}

func parseOrKeep(t testing.TB, s string) Action {
	if s == "keep" {
		return Action{}
	}
	a, err := Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// sampleValues covers the kinds a column holds: numbers as ints, floats
// and text, and text that is not a number, and null.
func sampleValues(rng *rand.Rand, n int) []tabular.Value {
	vals := []tabular.Value{{}, str(""), str("n/a"), str("ann@example.com"), str("0"), tabular.BoolValue(true)}
	for range n {
		i := rng.Int64N(20000) - 5000
		switch rng.IntN(5) {
		case 0:
			vals = append(vals, tabular.IntValue(i))
		case 1:
			vals = append(vals, tabular.FloatValue(float64(i)+float64(rng.IntN(1000))/1000))
		case 2:
			vals = append(vals, str(strconv.FormatInt(i, 10)))
		case 3:
			vals = append(vals, str(fmt.Sprintf("%d.%02d", i, rng.IntN(100))))
		default:
			b := make([]byte, rng.IntN(12))
			for j := range b {
				b[j] = "abcdeé0123@."[rng.IntN(12)]
			}
			vals = append(vals, tabular.StringValue(b))
		}
	}
	return vals
}

// outputs is what a reader sees of each value under a.
func outputs(t testing.TB, a Action, vals []tabular.Value) []string {
	m, err := a.Masker(key)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(vals))
	for i, v := range vals {
		o, _ := m.Apply(v)
		switch a.Kind {
		case Keep:
			out[i] = show(v)
		case Drop:
			out[i] = "dropped"
		default:
			out[i] = show(o)
		}
	}
	return out
}

// The property of Combine: whatever the combined output tells apart,
// each action alone tells apart too. For every pair of inputs that a
// maps to the same output, Combine(a, b) maps them to the same output.
func TestCombineRevealsNoMore(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	vals := sampleValues(rng, 3000)
	for _, as := range actions {
		for _, bs := range actions {
			a, b := parseOrKeep(t, as), parseOrKeep(t, bs)
			c := Combine(a, b)
			combined := outputs(t, c, vals)
			for _, single := range []Action{a, b} {
				seen := map[string]string{} // single's output -> combined output
				for i, s := range outputs(t, single, vals) {
					co := combined[i]
					if prev, ok := seen[s]; ok && prev != co {
						t.Fatalf("Combine(%s, %s) = %s reveals more than %s: two inputs with %s alone give %s and %s",
							as, bs, c, single, s, prev, co)
					}
					seen[s] = co
				}
			}
		}
	}
}

func TestCombineAlgebra(t *testing.T) {
	for _, as := range actions {
		for _, bs := range actions {
			a, b := parseOrKeep(t, as), parseOrKeep(t, bs)
			if !Combine(a, b).Equal(Combine(b, a)) {
				t.Errorf("Combine(%s, %s) != Combine(%s, %s)", as, bs, bs, as)
			}
			if !Combine(a, a).Equal(a) {
				t.Errorf("Combine(%s, %s) = %s", as, as, Combine(a, a))
			}
			for _, cs := range actions {
				c := parseOrKeep(t, cs)
				l, r := Combine(Combine(a, b), c), Combine(a, Combine(b, c))
				if !l.Equal(r) {
					t.Errorf("not associative on %s, %s, %s: %s vs %s", as, bs, cs, l, r)
				}
			}
		}
	}
}
