package view

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/tabular"
)

// A cell a filter cannot evaluate withholds its row: text compared with
// a number, a missing JSON key, a JSON type the filter did not expect.
func TestFilterFailsClosed(t *testing.T) {
	set := mustParse(t, "version: 1\nviews:\n  - id: rich\n    rows: row.revenue > 1000\n")
	p := mustPlan(t, set, analyst, "x", Dataset{Name: "d"})
	out, st := applyText(t, p, "csv", "id,revenue\n1,5000\n2,n/a\n3,\n4,999\n5,1e4\n")
	if out != "id,revenue\n1,5000\n5,1e4\n" {
		t.Errorf("output %q", out)
	}
	if st.RowsWithheld != 3 || st.RowsFailed != 2 {
		t.Errorf("stats = %+v, want 3 withheld, 2 failed", st)
	}
	out, st = applyText(t, p, "jsonl", `{"id":1,"revenue":2000}
{"id":2}
{"id":3,"revenue":"lots"}
{"id":4,"revenue":[1]}
{"id":5,"revenue":true}
{"id":6,"revenue":null}
`)
	if out != `{"id":1,"revenue":2000}`+"\n" {
		t.Errorf("output %q", out)
	}
	if st.RowsWithheld != 5 || st.RowsFailed != 5 {
		t.Errorf("stats = %+v, want 5 withheld, 5 failed", st)
	}
}

// Text that looks like a number is a number in CSV, except with leading
// zeros (codes, zip codes); in JSON Lines a string stays a string.
func TestRowValueTypes(t *testing.T) {
	for _, tc := range []struct{ rows, format, data, want string }{
		{"row.zip == '01234'", "csv", "zip\n01234\n1234\n", "zip\n01234\n"},
		{"row.n == 7 && row.f == 2.5 && row.s == 'x'", "csv", "n,f,s\n7,2.5,x\n7,2.6,x\n", "n,f,s\n7,2.5,x\n"},
		{"row.n < 10.5", "csv", "n\n-3\n11\n", "n\n-3\n"},
		{"row.n == 7", "jsonl", `{"n":7}` + "\n" + `{"n":"7"}` + "\n", `{"n":7}` + "\n"},
		{"row['a.b'] == true", "jsonl", `{"a":{"b":true}}` + "\n" + `{"a":{"b":false}}` + "\n", `{"a":{"b":true}}` + "\n"},
		{"!has(row.x) || row.x == null", "jsonl", `{"y":1}` + "\n", `{"y":1}` + "\n"},
		{"row.nosuchcolumn == null", "csv", "a\n1\n", "a\n1\n"},
		{"row.g in principal.groups", "csv", "g\nml\nhr\n", "g\nml\n"},
	} {
		set := mustParse(t, "version: 1\nviews:\n  - id: v\n    rows: \""+strings.ReplaceAll(tc.rows, `"`, `\"`)+"\"\n")
		sub := analyst
		sub.Groups = []string{"ml"}
		out, _ := applyText(t, mustPlan(t, set, sub, "x", Dataset{}), tc.format, tc.data)
		if out != tc.want {
			t.Errorf("rows: %s on %q = %q, want %q", tc.rows, tc.data, out, tc.want)
		}
	}
}

func TestMaskCellFailsClosed(t *testing.T) {
	set := mustParse(t, "version: 1\nviews:\n  - id: v\n    columns:\n      - name: rev\n        action: round(1000)\n")
	out, st := applyText(t, mustPlan(t, set, analyst, "x", Dataset{}), "csv", "id,rev\n1,1500\n2,secret-ish\n")
	if out != "id,rev\n1,1000\n2,\n" || st.CellsNulled != 1 {
		t.Errorf("output %q, stats %+v", out, st)
	}
}

func TestWhenConditions(t *testing.T) {
	src := `version: 1
views:
  - id: always
    columns: [{name: a, action: redact}]
  - id: research
    when: purpose == "research" && dataset.classification in ["confidential", "restricted"]
    columns: [{name: b, action: drop}]
  - id: broken
    when: dataset.tags.team == "x"
    columns: [{name: c, action: "null"}]
  - id: ml
    when: "'ml' in principal.groups && principal.id.startsWith('m') && principal.role == 'analyst'"
    columns: [{name: d, action: hash}]
`
	set := mustParse(t, src)
	ds := Dataset{Name: "d", Classification: "confidential", Columns: []Column{{Name: "a"}, {Name: "b"}, {Name: "c"}, {Name: "d"}, {Name: "e"}}}
	sub := analyst
	sub.Groups = []string{"ml"}
	p := mustPlan(t, set, sub, "research", ds)
	if got := p.Views(); !slices.Equal(got, []string{"always", "research", "broken", "ml"}) {
		t.Errorf("Views() = %v", got)
	}
	if n := p.Notes(); len(n) != 1 || !strings.Contains(n[0], `"broken"`) {
		t.Errorf("Notes() = %v", n)
	}
	// With the tag present and different, the broken view does not apply.
	ds.Tags = map[string]string{"team": "y"}
	p = mustPlan(t, set, Subject{ID: "z"}, "training", ds)
	if got := p.Views(); !slices.Equal(got, []string{"always"}) || len(p.Notes()) != 0 {
		t.Errorf("Views() = %v, Notes() = %v", got, p.Notes())
	}
}

func TestPlanNeedsHashKey(t *testing.T) {
	set := mustParse(t, "version: 1\nviews:\n  - id: v\n    columns: [{pii: EMAIL, action: hash}]\n")
	for _, k := range [][]byte{nil, make([]byte, 31)} {
		_, err := set.Plan(analyst, "x", customers, Options{HashKey: k})
		var fe *fault.Error
		if !errors.As(err, &fe) || fe.Kind != fault.Invalid {
			t.Errorf("Plan with a %d-byte key = %v, want fault.Invalid", len(k), err)
		}
	}
	// No hash rule applies: no key needed.
	if _, err := mustParse(t, Starter2()).Plan(analyst, "x", customers, Options{}); err != nil {
		t.Errorf("Plan without hash rules and no key = %v", err)
	}
}

// Starter2 is a file without hash.
func Starter2() string {
	return "version: 1\nviews:\n  - id: v\n    columns: [{pii: EMAIL, action: redact}]\n"
}

func TestIdentity(t *testing.T) {
	var nilSet *Set
	p, err := nilSet.Plan(analyst, "x", customers, Options{})
	if err != nil || !p.Identity() || len(p.Describe()) != 0 {
		t.Fatalf("nil set: %v, Identity() = %v", err, p.Identity())
	}
	out, st := applyText(t, p, "csv", customersCSV)
	if out != customersCSV || st.RowsWritten != 4 {
		t.Errorf("identity plan changed the data: %q", out)
	}
	// Rules that match no column the catalog knows: not identity, since a
	// column the catalog missed could match them; Apply passes the data.
	set := mustParse(t, "version: 1\nviews:\n  - id: v\n    columns: [{name: ssn, action: drop}, {pii: IBAN, action: drop}]\n")
	p = mustPlan(t, set, analyst, "x", customers)
	if p.Identity() || len(p.Describe()) != 0 {
		t.Errorf("Identity() = %v, Describe() = %v", p.Identity(), p.Describe())
	}
	if out, _ := applyText(t, p, "csv", customersCSV); out != customersCSV {
		t.Errorf("rules matching nothing changed the data: %q", out)
	}
	out, _ = applyText(t, p, "csv", "id,ssn\n1,123-45-6789\n")
	if out != "id\n1\n" {
		t.Errorf("a column the catalog did not list escaped a name rule: %q", out)
	}
	// A view that applies with neither filter nor rules changes nothing.
	set = mustParse(t, "version: 1\nviews:\n  - id: v\n    description: documents a purpose\n")
	if p := mustPlan(t, set, analyst, "x", customers); !p.Identity() || len(p.Views()) != 1 {
		t.Errorf("empty view: Identity() = %v", p.Identity())
	}
}

func TestEveryColumnDropped(t *testing.T) {
	set := mustParse(t, "version: 1\nviews:\n  - id: none\n    columns: [{name: '*', action: drop}]\n")
	p := mustPlan(t, set, analyst, "x", customers)
	r, _ := tabular.Open(strings.NewReader(customersCSV), "csv", nil)
	var out bytes.Buffer
	_, err := p.Apply(context.Background(), r, &out)
	var fe *fault.Error
	if !errors.As(err, &fe) || fe.Kind != fault.Denied || out.Len() != 0 {
		t.Errorf("Apply = %v, %d bytes; want fault.Denied and nothing written", err, out.Len())
	}
}

func TestApplyStopsOnCancel(t *testing.T) {
	p := mustPlan(t, mustParse(t, Starter2()), analyst, "x", customers)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	r, _ := tabular.Open(strings.NewReader(customersCSV), "csv", nil)
	if _, err := p.Apply(ctx, r, &bytes.Buffer{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Apply(cancelled) = %v", err)
	}
}

// Nothing a plan reports carries a cell value or the key.
func TestReportsCarryNoValues(t *testing.T) {
	set := mustParse(t, everyAction)
	p := mustPlan(t, set, analyst, "x", everyDataset)
	var report strings.Builder
	for _, d := range p.Describe() {
		report.WriteString(d.Column + d.Action + strings.Join(d.Views, ","))
	}
	_, st := applyText(t, p, "csv", "id,person.name,person.age,email,card,rev,ssn,note\n1,Ann,30,ann@x.io,4111,5,123,n\n")
	report.WriteString(strings.Join(st.Dropped, ",") + strings.Join(slices.Collect(maps.Values(st.Masked)), ","))
	for _, secret := range []string{"Ann", "ann@", "4111", string(testKey)} {
		if strings.Contains(report.String(), secret) {
			t.Errorf("report carries %q", secret)
		}
	}
}

// "*" matches every column name, one with a '/' too (path.Match's "*"
// alone would stop there).
func TestGlobMatchesEveryName(t *testing.T) {
	set := mustParse(t, "version: 1\nviews:\n  - id: v\n    columns: [{name: '*', action: redact}, {name: 'A/*', action: drop}]\n")
	out, _ := applyText(t, mustPlan(t, set, analyst, "x", Dataset{}), "csv", "a/b,x/y/z,Name\n1,2,3\n")
	if out != "x/y/z,Name\nREDACTED,REDACTED\n" {
		t.Errorf("output %q", out)
	}
}

// One Plan serves several streams at once (run with -race).
func TestApplyConcurrently(t *testing.T) {
	p := mustPlan(t, mustParse(t, everyAction), analyst, "x", everyDataset)
	data := encode(t, tabular.JSONL)
	want, _ := applyText(t, p, tabular.JSONL, string(data))
	done := make(chan string, 4)
	for range 4 {
		go func() {
			r, err := tabular.Open(bytes.NewReader(data), tabular.JSONL, nil)
			if err != nil {
				done <- err.Error()
				return
			}
			var out bytes.Buffer
			if _, err := p.Apply(context.Background(), r, &out); err != nil {
				done <- err.Error()
				return
			}
			done <- out.String()
		}()
	}
	for range 4 {
		if got := <-done; got != want {
			t.Errorf("concurrent Apply = %q, want %q", got, want)
		}
	}
}

func TestDescribeCombined(t *testing.T) {
	src := `version: 1
views:
  - id: a
    rows: row.age >= 18
    columns: [{name: revenue, action: round(300)}, {name: age, action: "bin(0, 18, 30, 65)"}, {name: email, action: hash}]
  - id: b
    columns: [{name: revenue, action: round(1000)}, {name: age, action: round(10)}, {pii: EMAIL, action: partial(4)}]
  - id: c
    when: purpose == "audit"
    columns: [{name: '*', action: drop}]
`
	ds := Dataset{Columns: []Column{{Name: "id"}, {Name: "revenue"}, {Name: "age"}, {Name: "email", PIITypes: []string{"EMAIL"}}}}
	p := mustPlan(t, mustParse(t, src), analyst, "training", ds)
	var got []string
	for _, d := range p.Describe() {
		got = append(got, d.Column+"="+d.Action+"@"+strings.Join(d.Views, "+"))
	}
	want := []string{"=filter@a", "revenue=round(3000)@a+b", "age=bin(0, 30)@a+b", "email=redact@a+b"}
	if !slices.Equal(got, want) {
		t.Errorf("Describe() = %q, want %q", got, want)
	}
	out, st := applyText(t, p, "csv", "id,revenue,age,email\n1,4200,44,a@x.io\n2,100,12,b@x.io\n")
	if out != "id,revenue,age,email\n1,3000,30+,REDACTED\n" || st.RowsWithheld != 1 {
		t.Errorf("output %q, stats %+v", out, st)
	}
}

func TestPlanDoesNotPrintKey(t *testing.T) {
	set := mustParse(t, "version: 1\nviews:\n  - id: v\n    columns: [{pii: EMAIL, action: hash}]\n")
	p := mustPlan(t, set, analyst, "x", customers)
	var logged strings.Builder
	slog.New(slog.NewTextHandler(&logged, nil)).Info("plan", "plan", p, "key", p.key)
	for _, s := range []string{fmt.Sprintf("%v", p), fmt.Sprintf("%+v", p), fmt.Sprintf("%#v", *p), fmt.Sprint(p.key), logged.String()} {
		if strings.Contains(s, string(testKey)) || strings.Contains(s, "7, 7, 7") || strings.Contains(s, "0x7, 0x7") || strings.Contains(s, "[7 7 7") {
			i := max(strings.Index(s, "7, 7, 7"), strings.Index(s, "0x7, 0x7"), strings.Index(s, "[7 7 7"))
			t.Errorf("a printed Plan shows the key: ...%.200s", s[max(i-100, 0):])
		}
	}
}
