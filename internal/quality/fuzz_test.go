package quality

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParseChecks: ParseChecks never panics; an error comes without a
// result and names the file; a result holds only known, consistent checks
// with unique ids.
func FuzzParseChecks(f *testing.F) {
	seeds, _ := filepath.Glob("testdata/*.yaml")
	if len(seeds) == 0 {
		f.Fatal("no seed files in testdata")
	}
	for _, s := range seeds {
		b, err := os.ReadFile(s)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte("version: 1\nchecks:\n- check: row_count\n  min: 1\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		cs, err := ParseChecks("f.yaml", b)
		if err != nil {
			if cs != nil {
				t.Fatalf("error %v came with a result", err)
			}
			if !strings.HasPrefix(err.Error(), "f.yaml") {
				t.Fatalf("error %q does not name the file", err)
			}
			return
		}
		ids := map[string]bool{}
		for _, c := range cs.Checks {
			if _, ok := specs[c.Type]; !ok || ids[c.ID] || c.ID == "" {
				t.Fatalf("bad check %+v", c)
			}
			ids[c.ID] = true
			if c.Min != nil && c.Max != nil && *c.Min > *c.Max {
				t.Fatalf("inverted bounds accepted: %+v", c)
			}
			if specs[c.Type].column && c.Column == "" {
				t.Fatalf("check without its column accepted: %+v", c)
			}
		}
		cs.Rules() // must not panic
	})
}

func TestExampleChecksParse(t *testing.T) {
	b, err := os.ReadFile("testdata/orders.checks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cs, err := ParseChecks("orders.checks.yaml", b)
	if err != nil {
		t.Fatal(err)
	}
	if len(cs.Checks) != 13 || cs.Checks[7].ID != "sku-format" || len(cs.Rules()) != 3 {
		t.Errorf("parsed %d checks, rules %d", len(cs.Checks), len(cs.Rules()))
	}
}
