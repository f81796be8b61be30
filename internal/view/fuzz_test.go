package view

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/tabular"
)

var fuzzSeeds = []string{
	string(Starter()),
	everyAction,
	Starter2(),
	"version: 1\nviews:\n  - id: a\n    when: principal.clearance >= 3\n    rows: row.age > 18 && row.dept == principal.department\n",
	"version: 1\nviews:\n  - id: a\n    columns: [{name: [x, 'y*'], pii: [EMAIL], tag: t, action: 'bin([0, 10])'}]\n",
	"version: 1\nviews:\n  - id: a\n    when: dataset.tags.?team.orValue('') == 'x'\n    rows: row.exists(k, k == 'id')\n",
	"version: 1\nviews: [",
	"version: 2\n",
	"",
}

// FuzzParse: Parse never panics, refuses with one Invalid line, and a
// file it accepts plans and applies to a small table without failing
// other than by dropping every column (Denied).
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add([]byte(s))
	}
	ds := Dataset{Name: "d", Classification: "internal", Tags: map[string]string{"team": "x"},
		Columns: []Column{{Name: "id"}, {Name: "email", PIITypes: []string{"EMAIL"}}, {Name: "age", Tags: []string{"t"}}}}
	const data = "id,email,age,dept\n1,a@x.io,30,marketing\n2,b@y.org,n/a,sales\n"
	f.Fuzz(func(t *testing.T, src []byte) {
		set, err := Parse("views.yaml", src)
		if err != nil {
			var fe *fault.Error
			if !errors.As(err, &fe) || fe.Kind != fault.Invalid || strings.Contains(err.Error(), "\n") {
				t.Fatalf("Parse error %q is not one Invalid line", err)
			}
			return
		}
		ids := map[string]bool{}
		for _, id := range set.IDs() {
			if ids[id] {
				t.Fatalf("duplicate id %q accepted", id)
			}
			ids[id] = true
		}
		p, err := set.Plan(analyst, "x", ds, Options{HashKey: testKey})
		if err != nil {
			t.Fatalf("Plan = %v", err)
		}
		r, err := tabular.Open(strings.NewReader(data), "csv", nil)
		if err != nil {
			t.Fatal(err)
		}
		var out bytes.Buffer
		st, err := p.Apply(context.Background(), r, &out)
		var fe *fault.Error
		if err != nil && !(errors.As(err, &fe) && fe.Kind == fault.Denied) {
			t.Fatalf("Apply = %v", err)
		}
		if err == nil && st.RowsWritten+st.RowsWithheld != st.RowsRead {
			t.Fatalf("stats do not add up: %+v", st)
		}
		if bytes.Contains(out.Bytes(), []byte("a@x.io")) && len(p.Describe()) > 0 && st.Masked["email"] != "" {
			t.Fatalf("masked email shown")
		}
	})
}
