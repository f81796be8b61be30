package pii

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/coffer-vault/coffer/internal/pii/corpus"
)

// scanSeeds seeds the fuzz targets with the free-text values of the
// committed corpus and the recognizer vectors; it fails when there are
// none, so that a target never runs unseeded.
func scanSeeds(f *testing.F) []string {
	var seeds []string
	if b, err := os.ReadFile("testdata/corpus.jsonl"); err == nil {
		cols, err := corpus.Read(bytes.NewReader(b))
		if err != nil {
			f.Fatal(err)
		}
		for _, c := range cols {
			if c.Group == "free_text" {
				seeds = append(seeds, c.Values[:min(5, len(c.Values))]...)
			} else if len(c.Values) > 0 {
				seeds = append(seeds, c.Values[0])
			}
		}
	}
	for _, tt := range recognizerTests {
		seeds = append(seeds, strings.Join(tt.ok, " "), strings.Join(tt.bad, ", "))
	}
	if len(seeds) == 0 {
		f.Fatal("no seeds")
	}
	return seeds
}

// FuzzScan checks that Scan never panics and returns well-formed
// findings: known types, spans inside the text, sorted and
// non-overlapping, confidences between the report threshold and 1.
func FuzzScan(f *testing.F) {
	for _, s := range scanSeeds(f) {
		f.Add(s, "notes")
	}
	f.Fuzz(func(t *testing.T, text, hint string) {
		fs := Scan([]byte(text), hint)
		end := 0
		for _, x := range fs {
			if kindOf(x.Type) == kNone {
				t.Fatalf("finding of unknown type %q", x.Type)
			}
			if x.Start < end || x.End <= x.Start || x.End > len(text) {
				t.Fatalf("finding %+v out of order, empty or out of bounds (len %d, previous end %d)", x, len(text), end)
			}
			if x.Confidence < ReportThreshold || x.Confidence > 1 {
				t.Fatalf("finding %+v: confidence out of range", x)
			}
			end = x.End
		}
	})
}

// FuzzColumnScanner feeds fuzzed cells to a ColumnScanner and checks
// that results are consistent: shares in [0, 1], matches at most the
// non-empty values, and examples that are masked (never the raw cell).
func FuzzColumnScanner(f *testing.F) {
	for _, s := range scanSeeds(f) {
		f.Add("col", s, s)
	}
	f.Fuzz(func(t *testing.T, name, a, b string) {
		s := NewColumnScanner(Options{})
		s.AddColumn(0, name)
		cells := []string{a, b, a + " " + b, ""}
		for _, c := range cells {
			s.Observe(0, []byte(c))
		}
		for _, r := range s.Results() {
			if r.Rows != len(cells) || r.NonEmpty > r.Rows {
				t.Fatalf("rows %d non-empty %d, want %d rows", r.Rows, r.NonEmpty, len(cells))
			}
			for _, tr := range r.Types {
				if tr.Matches > r.NonEmpty || tr.Share < 0 || tr.Share > 1 || tr.Confidence < 0 || tr.Confidence > 1 {
					t.Fatalf("inconsistent result %+v of %d values", tr, r.NonEmpty)
				}
				for _, e := range tr.Examples {
					for _, c := range cells {
						if raw := strings.TrimSpace(c); len(raw) >= 8 && e == raw {
							t.Fatalf("example is a raw value")
						}
					}
				}
			}
		}
	})
}

// FuzzMask checks that a masked value of eight or more letters and
// digits never contains the value itself.
func FuzzMask(f *testing.F) {
	for _, s := range scanSeeds(f) {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		v = strings.TrimSpace(v)
		n := 0
		for i := 0; i < len(v); i++ {
			if isAlnum(v[i]) {
				n++
			}
		}
		for _, typ := range append(Types(), "") {
			if m := Mask(typ, []byte(v)); n >= 8 && strings.Contains(m, v) {
				t.Fatalf("Mask(%s) keeps the whole value", typ)
			}
		}
	})
}
