package mask

import (
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"drop", "drop"},
		{" null ", "null"},
		{"redact", "redact"},
		{"hash", "hash"},
		{"partial(4)", "partial(4)"},
		{"partial( 4 )", "partial(4)"},
		{"round(1000)", "round(1000)"},
		{"bin(0, 18, 30, 50, 65)", "bin(0, 18, 30, 50, 65)"},
		{"bin([0,18,30,50,65])", "bin(0, 18, 30, 50, 65)"},
		{"bin(-1.5, 2.25)", "bin(-1.5, 2.25)"},
	} {
		a, err := Parse(tc.in)
		if err != nil {
			t.Errorf("Parse(%q) = %v", tc.in, err)
			continue
		}
		if got := a.String(); got != tc.want {
			t.Errorf("Parse(%q).String() = %q, want %q", tc.in, got, tc.want)
		}
		if b, err := Parse(a.String()); err != nil || !b.Equal(a) {
			t.Errorf("Parse(%q) does not round-trip: %v %v", a.String(), b, err)
		}
	}
}

func TestParseRefuses(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"mask", "unknown action"},
		{"", "unknown action"},
		{"DROP", "unknown action"},
		{"drop(1)", "takes no parameter"},
		{"hash(sha1)", "takes no parameter"},
		{"partial", "needs a parameter"},
		{"partial(0)", "N must be"},
		{"partial(-2)", "N must be"},
		{"partial(x)", "N must be"},
		{"round(1.5)", "N must be"},
		{"round(1e16)", "N must be"},
		{"round(1000", "missing closing parenthesis"},
		{"bin", "needs edges"},
		{"bin()", "finite numbers"},
		{"bin(1, 1)", "strictly ascending"},
		{"bin(5, 2)", "strictly ascending"},
		{"bin(1, NaN)", "finite numbers"},
		{"bin(1, Inf)", "finite numbers"},
		{"bin([1, 2)", "missing closing bracket"},
		{"bin(" + strings.Repeat("1,", MaxEdges) + "1)", "more than"},
	} {
		_, err := Parse(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) = %v, want an error containing %q", tc.in, err, tc.want)
		}
	}
}
