package vault

import (
	"slices"
	"testing"
)

func TestSniff(t *testing.T) {
	for in, want := range map[string]string{
		"PAR1\x00\x01":             "parquet",
		"a,b,c\n1,2,3\n":           "csv",
		"\xef\xbb\xbfa,b\n":        "csv",
		"a\tb\tc\n1\t2\t3\n":       "tsv",
		"{\"a\": 1}\n{\"a\": 2}\n": "jsonl",
		"":                         "blob",
		"\x00\x01\x02":             "blob",
		"just some words\n":        "blob",
		"{not json\n":              "blob",
		"\xff\xfe,\xfd\n":          "blob",
	} {
		if got := sniff([]byte(in)); got != want {
			t.Errorf("sniff(%q) = %s, want %s", in, got, want)
		}
	}
}

func TestParseRef(t *testing.T) {
	for _, ok := range []string{"a", "sales/customers-2026", "x.y_z@12", "A1/b2/c3@1"} {
		r, err := ParseRef(ok)
		if err != nil || r.String() != ok {
			t.Errorf("ParseRef(%q) = %v, %v", ok, r, err)
		}
	}
	for _, bad := range []string{"", "@1", "a@0", "a@-1", "a@x", "a b", "/a", "a/", "a//b", ".a", "a/../b", "a@1@2"} {
		if _, err := ParseRef(bad); err == nil {
			t.Errorf("ParseRef(%q) accepted", bad)
		}
	}
}

// FuzzParseRef: accepted references print back to themselves.
func FuzzParseRef(f *testing.F) {
	for _, s := range []string{"a", "sales/customers@3", "a@0", "a b", "x/y/z@18446744073709551615"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := ParseRef(s)
		if err != nil {
			return
		}
		if r.String() != s {
			t.Fatalf("ParseRef(%q).String() = %q", s, r.String())
		}
		if CheckName(r.Name) != nil || r.Version < 0 {
			t.Fatalf("ParseRef(%q) = %+v, not a valid reference", s, r)
		}
	})
}

// FuzzSniff: sniff never panics and always names a known format.
func FuzzSniff(f *testing.F) {
	for _, s := range []string{"PAR1", "a,b\n", "a\tb\n", "{\"a\":1}\n", "\x00"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got := sniff(b); !slices.Contains(Formats, got) {
			t.Fatalf("sniff = %q", got)
		}
	})
}
