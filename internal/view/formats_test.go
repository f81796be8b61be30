package view

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/coffer-vault/coffer/internal/mask"
	"github.com/coffer-vault/coffer/internal/tabular"
)

// everyAction applies each action to one column, by name, PII type or tag.
const everyAction = `version: 1
views:
  - id: all
    rows: row["person.age"] >= 18
    columns:
      - pii: PERSON
        action: drop
      - name: email
        action: hash
      - tag: payment
        action: partial(4)
      - name: rev*
        action: round(100)
      - name: person.age
        action: bin(0, 18, 30, 50, 65)
      - pii: US_SSN
        action: redact
      - name: note
        action: null
`

var everyDataset = Dataset{Name: "people", Columns: []Column{
	{Name: "id"},
	{Name: "person.name", PIITypes: []string{"PERSON"}},
	{Name: "person.age"},
	{Name: "email", PIITypes: []string{"EMAIL"}},
	{Name: "card", Tags: []string{"Payment"}},
	{Name: "rev"},
	{Name: "ssn", PIITypes: []string{"US_SSN"}},
	{Name: "note"},
}}

var everyCols = []tabular.Column{
	{Name: "id", Path: []string{"id"}, Type: tabular.Int},
	{Name: "person.name", Path: []string{"person", "name"}, Type: tabular.String},
	{Name: "person.age", Path: []string{"person", "age"}, Type: tabular.Int},
	{Name: "email", Path: []string{"email"}, Type: tabular.String},
	{Name: "card", Path: []string{"card"}, Type: tabular.String},
	{Name: "rev", Path: []string{"rev"}, Type: tabular.Float},
	{Name: "ssn", Path: []string{"ssn"}, Type: tabular.String},
	{Name: "note", Path: []string{"note"}, Type: tabular.String},
}

func s(v string) tabular.Value { return tabular.StringValue([]byte(v)) }

var everyRows = []tabular.Row{
	{tabular.IntValue(1), s("Ann Lee"), tabular.IntValue(25), s("ann@example.com"), s("4111111111111111"), tabular.FloatValue(1234.5), s("123-45-6789"), s("vip")},
	{tabular.IntValue(2), s("Bob Roe"), tabular.IntValue(70), s("bob@example.com"), s("5500000000000004"), tabular.FloatValue(99.99), s("987-65-4321"), {}},
	{tabular.IntValue(3), s("Cid Kid"), tabular.IntValue(12), s("cid@example.com"), s("340000000000009"), tabular.FloatValue(5), s("111-22-3333"), s("minor")},
}

func hashOf(t *testing.T, v string) string {
	a, _ := mask.Parse("hash")
	m, err := a.Masker(testKey)
	if err != nil {
		t.Fatal(err)
	}
	out, _ := m.Apply(s(v))
	return string(out.AppendText(nil))
}

// encode writes everyRows in format.
func encode(t *testing.T, format string) []byte {
	var buf bytes.Buffer
	cols := everyCols
	if format == tabular.CSV {
		cols = nil
		for _, c := range everyCols {
			cols = append(cols, tabular.Column{Name: c.Name, Type: tabular.String})
		}
	}
	w, err := tabular.NewWriter(&buf, format, cols, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range everyRows {
		if format == tabular.CSV { // CSV cells are text
			r = slices.Clone(r)
			for i, v := range r {
				r[i] = s(string(v.AppendText(nil)))
			}
		}
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func open(t *testing.T, format string, b []byte) tabular.Reader {
	var r tabular.Reader
	var err error
	if format == tabular.Parquet {
		r, err = tabular.OpenParquet(bytes.NewReader(b), int64(len(b)), nil)
	} else {
		r, err = tabular.Open(bytes.NewReader(b), format, nil)
	}
	if err != nil {
		t.Fatalf("open %s: %v", format, err)
	}
	return r
}

func TestEveryActionEveryFormat(t *testing.T) {
	p := mustPlan(t, mustParse(t, everyAction), analyst, "x", everyDataset)
	wantCols := []string{"id", "person.age", "email", "card", "rev", "ssn", "note"}
	for _, format := range []string{tabular.CSV, tabular.JSONL, tabular.Parquet} {
		t.Run(format, func(t *testing.T) {
			null := "<null>"
			if format == tabular.CSV {
				null = "" // CSV has no null: an empty field
			}
			r1, r2 := "1200", "0"
			if format == tabular.JSONL { // a float stays a float: 1200.0
				r1, r2 = "1200.0", "0.0"
			}
			want := [][]string{
				{"1", "18-30", hashOf(t, "ann@example.com"), "***1111", r1, "REDACTED", null},
				{"2", "65+", hashOf(t, "bob@example.com"), "***0004", r2, "REDACTED", null},
			}
			var out bytes.Buffer
			st, err := p.Apply(context.Background(), open(t, format, encode(t, format)), &out)
			if err != nil {
				t.Fatalf("Apply: %v", err)
			}
			cols, rows := drain(t, open(t, format, out.Bytes()))
			if !slices.Equal(cols, wantCols) {
				t.Errorf("columns = %v, want %v", cols, wantCols)
			}
			if !slices.EqualFunc(rows, want, slices.Equal) {
				t.Errorf("rows =\n%q\nwant\n%q", rows, want)
			}
			if st.RowsRead != 3 || st.RowsWritten != 2 || st.RowsWithheld != 1 || st.RowsFailed != 0 {
				t.Errorf("stats = %+v", st)
			}
			if !slices.Equal(st.Dropped, []string{"person.name"}) || len(st.Masked) != 6 {
				t.Errorf("Dropped = %v, Masked = %v", st.Dropped, st.Masked)
			}
			for _, secret := range []string{"Ann", "ann@", "4111111", "1234.5", "123-45", "vip", "Cid"} {
				if bytes.Contains(out.Bytes(), []byte(secret)) {
					t.Errorf("output reveals %q", secret)
				}
			}
		})
	}
}

// JSON Lines whose columns appear as rows are read: a nested key first
// seen on row 3 is still masked, and rows before it are padded.
func TestJSONLGrowingColumns(t *testing.T) {
	src := `{"id":1,"dept":"a"}
{"id":2,"dept":"b"}
{"id":3,"dept":"a","contact":{"email":"c@x.io","phone":"+1 555 0100"}}
`
	set := mustParse(t, "version: 1\nviews:\n  - id: v\n    rows: row.dept == 'a'\n    columns:\n      - name: contact.email\n        action: redact\n      - name: 'contact.*'\n        action: partial(3)\n")
	p := mustPlan(t, set, analyst, "x", Dataset{Name: "d"}) // columns unknown
	if p.Identity() {
		t.Error("Identity() with unknown columns and name rules")
	}
	out, st := applyText(t, p, tabular.JSONL, src)
	want := `{"id":1,"dept":"a"}` + "\n" + `{"id":3,"dept":"a","contact":{"email":"REDACTED","phone":"***100"}}` + "\n"
	if out != want {
		t.Errorf("output\n%s\nwant\n%s", out, want)
	}
	if st.Masked["contact.email"] != "redact" || st.Masked["contact.phone"] != "partial(3)" {
		t.Errorf("Masked = %v", st.Masked)
	}
}

// A Parquet column masked to another type is written with the new type:
// hashing an int column gives text, rounding keeps the int.
func TestParquetTypesAfterMasking(t *testing.T) {
	set := mustParse(t, "version: 1\nviews:\n  - id: v\n    columns:\n      - name: id\n        action: hash\n      - name: person.age\n        action: round(10)\n")
	p := mustPlan(t, set, analyst, "x", everyDataset)
	var out bytes.Buffer
	if _, err := p.Apply(context.Background(), open(t, tabular.Parquet, encode(t, tabular.Parquet)), &out); err != nil {
		t.Fatal(err)
	}
	r := open(t, tabular.Parquet, out.Bytes())
	for _, c := range r.Columns() {
		want := map[string]tabular.Kind{"id": tabular.String, "person.age": tabular.Int}[c.Name]
		if want != 0 && c.Type != want {
			t.Errorf("column %s has type %v, want %v", c.Name, c.Type, want)
		}
	}
	_, rows := drain(t, r)
	if rows[0][2] != "20" || rows[2][2] != "10" || len(rows[0][0]) != 64 {
		t.Errorf("rows = %q", rows)
	}
	if !strings.Contains(rows[1][1], "Bob") {
		t.Errorf("unmasked column changed: %q", rows[1])
	}
}
