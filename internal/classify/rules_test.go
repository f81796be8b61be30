package classify

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/coffer-vault/coffer/internal/fault"
)

func TestDefaultRulesRoundTrip(t *testing.T) {
	r, err := Parse(DefaultRules)
	if err != nil {
		t.Fatalf("Parse(DefaultRules) = %v", err)
	}
	b, err := r.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	r2, err := Parse(b)
	if err != nil {
		t.Fatalf("Parse(Marshal(DefaultRules)) = %v\n%s", err, b)
	}
	if !reflect.DeepEqual(r, r2) {
		t.Fatalf("round trip changed the rules:\n%+v\n%+v", r, r2)
	}
}

// TestParseVectors runs testdata/*.yaml: files named ok-* must parse,
// bad-* must fail with an Invalid error whose message contains the text
// on the file's first line after "# want: ".
func TestParseVectors(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.yaml")
	if len(files) == 0 {
		t.Fatal("no vectors in testdata")
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		_, err = Parse(b)
		name := filepath.Base(f)
		switch {
		case strings.HasPrefix(name, "ok-"):
			if err != nil {
				t.Errorf("%s: Parse = %v, want success", name, err)
			}
		case strings.HasPrefix(name, "bad-"):
			first, _, _ := strings.Cut(string(b), "\n")
			want := strings.TrimPrefix(first, "# want: ")
			if err == nil || !fault.Is(err, fault.Invalid) || !strings.Contains(err.Error(), want) {
				t.Errorf("%s: Parse = %v, want an Invalid error containing %q", name, err, want)
			}
		}
	}
}
