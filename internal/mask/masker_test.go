package mask

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/coffer-vault/coffer/internal/tabular"
)

var key = bytes.Repeat([]byte{0x42}, KeySize)

func str(s string) tabular.Value { return tabular.StringValue([]byte(s)) }

// show is a cell as the tests compare it: its kind and text.
func show(v tabular.Value) string { return v.Kind().String() + ":" + string(v.AppendText(nil)) }

func masker(t testing.TB, action string) *Masker {
	t.Helper()
	a, err := Parse(action)
	if err != nil {
		t.Fatal(err)
	}
	m, err := a.Masker(key)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestApply(t *testing.T) {
	for _, tc := range []struct {
		action string
		in     tabular.Value
		want   string // "" means: fails (ok false) and is null
	}{
		{"null", str("x"), "null:"},
		{"redact", str("secret"), "string:REDACTED"},
		{"redact", tabular.IntValue(7), "string:REDACTED"},
		{"partial(4)", str("4111111111111111"), "string:***1111"},
		{"partial(4)", str("abc"), "string:***c"},          // at most half shown
		{"partial(4)", str("ab"), "string:***b"},           // half of 2
		{"partial(4)", str("a"), "string:***"},             // nothing of 1
		{"partial(3)", str("Zoë Müller"), "string:***ler"}, // runes, not bytes
		{"partial(2)", tabular.IntValue(123456), "string:***56"},
		{"round(1000)", str("123456.78"), "string:123000"},
		{"round(1000)", str("123456"), "string:123000"},
		{"round(1000)", str("-1"), "string:-1000"}, // floor, not toward zero
		{"round(1000)", tabular.IntValue(1999), "int:1000"},
		{"round(1000)", tabular.IntValue(-1999), "int:-2000"},
		{"round(10)", tabular.FloatValue(25.5), "float:20"},
		{"round(1000)", str("n/a"), ""},
		{"round(1000)", str(""), "null:"}, // an empty CSV field is no value
		{"round(1000)", tabular.BoolValue(true), ""},
		{"round(1000)", tabular.IntValue(math.MinInt64), ""},
		{"round(10)", tabular.FloatValue(math.Inf(1)), ""},
		{"round(10)", str("1e400"), ""},
		{"bin(0, 18, 30, 50, 65)", tabular.IntValue(25), "string:18-30"},
		{"bin(0, 18, 30, 50, 65)", tabular.IntValue(18), "string:18-30"}, // lower edge inclusive
		{"bin(0, 18, 30, 50, 65)", tabular.IntValue(30), "string:30-50"},
		{"bin(0, 18, 30, 50, 65)", tabular.IntValue(-3), "string:<0"},
		{"bin(0, 18, 30, 50, 65)", tabular.IntValue(65), "string:65+"},
		{"bin(0, 18, 30, 50, 65)", str("49.9"), "string:30-50"},
		{"bin(0, 18, 30, 50, 65)", tabular.FloatValue(math.NaN()), ""},
		{"bin(0, 18, 30, 50, 65)", str("old"), ""},
		{"bin(0, 18, 30, 50, 65)", tabular.JSONValue([]byte("[1]")), ""},
	} {
		out, ok := masker(t, tc.action).Apply(tc.in)
		if tc.want == "" {
			if ok || !out.IsNull() {
				t.Errorf("%s(%v) = %s, %v; want null, false", tc.action, tc.in, show(out), ok)
			}
			continue
		}
		if got := show(out); !ok || got != tc.want {
			t.Errorf("%s(%v) = %s, %v; want %s, true", tc.action, tc.in, got, ok, tc.want)
		}
	}
}

func TestNullStaysNull(t *testing.T) {
	if out, _ := masker(t, "redact").Apply(tabular.Value{}); show(out) != "string:REDACTED" {
		t.Errorf("redact(null) = %s, want REDACTED: redact reveals nothing", show(out))
	}
	for _, a := range []string{"drop", "null", "hash", "partial(2)", "round(5)", "bin(1, 2)"} {
		out, ok := masker(t, a).Apply(tabular.Value{})
		if !ok || !out.IsNull() {
			t.Errorf("%s(null) = %s, %v", a, show(out), ok)
		}
	}
}

func TestHash(t *testing.T) {
	m := masker(t, "hash")
	a1, _ := m.Apply(str("ann@example.com"))
	h1 := show(a1)
	a2, _ := m.Apply(str("bob@example.com"))
	if show(a2) == h1 {
		t.Fatal("two values hash the same")
	}
	again, _ := masker(t, "hash").Apply(str("ann@example.com"))
	if show(again) != h1 {
		t.Fatal("hash is not stable across maskers (joins would break)")
	}
	// An int and its text hash the same, so CSV joins Parquet.
	i, _ := m.Apply(tabular.IntValue(42))
	s, _ := m.Apply(str("42"))
	if show(i) != show(s) {
		t.Error("IntValue(42) and \"42\" hash differently")
	}
	// Keyed: not a plain SHA-256, not HMAC under the raw key, and a
	// different key gives a different value.
	plain := sha256.Sum256([]byte("ann@example.com"))
	raw := hmac.New(sha256.New, key)
	raw.Write([]byte("ann@example.com"))
	for _, bad := range []string{hex.EncodeToString(plain[:]), hex.EncodeToString(raw.Sum(nil))} {
		if strings.HasSuffix(h1, bad) {
			t.Error("hash is computable without the derived key")
		}
	}
	a, _ := Parse("hash")
	other, err := a.Masker(bytes.Repeat([]byte{1}, KeySize))
	if err != nil {
		t.Fatal(err)
	}
	if o, _ := other.Apply(str("ann@example.com")); show(o) == h1 {
		t.Error("hash does not depend on the key")
	}
	if len(h1) != len("string:")+64 {
		t.Errorf("hash %q is not 64 hex digits", h1)
	}
}

func TestHashNeedsKey(t *testing.T) {
	a, _ := Parse("hash")
	for _, k := range [][]byte{nil, make([]byte, 16), make([]byte, 33)} {
		if _, err := a.Masker(k); !errors.Is(err, ErrKey) {
			t.Errorf("Masker(key of %d bytes) = %v, want ErrKey", len(k), err)
		}
	}
}

// Apply allocates nothing per cell once its buffers have grown.
func TestApplyAllocs(t *testing.T) {
	for _, a := range []string{"hash", "partial(4)", "round(1000)", "bin(0, 18, 65)", "redact"} {
		m := masker(t, a)
		in := str("123456.78")
		m.Apply(in)
		if n := testing.AllocsPerRun(100, func() { m.Apply(in) }); n != 0 {
			t.Errorf("%s: %v allocations per cell", a, n)
		}
	}
}
