package classify

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/coffer-vault/coffer/internal/fault"
)

// FuzzParseRules checks that Parse never panics, that a rejected file is
// an Invalid error with no partial result, and that an accepted one
// survives Marshal and Parse unchanged (and marshals to the same bytes).
func FuzzParseRules(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.yaml")
	f.Add(DefaultRules)
	for _, file := range files {
		b, err := os.ReadFile(file)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	if len(files) == 0 {
		f.Fatal("no seeds: testdata has no rules files")
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := Parse(b)
		if err != nil {
			if r != nil || !fault.Is(err, fault.Invalid) {
				t.Fatalf("Parse = %v, %v; want nil and an Invalid error", r, err)
			}
			return
		}
		out, err := r.Marshal()
		if err != nil {
			t.Fatalf("Marshal of accepted rules: %v", err)
		}
		r2, err := Parse(out)
		if err != nil {
			t.Fatalf("Parse(Marshal(r)) = %v\n%s", err, out)
		}
		if !reflect.DeepEqual(r, r2) {
			t.Fatalf("round trip changed the rules:\n%+v\n%+v", r, r2)
		}
		out2, _ := r2.Marshal()
		if !bytes.Equal(out, out2) {
			t.Fatalf("Marshal is not stable:\n%s\n%s", out, out2)
		}
	})
}
