package view

import (
	"bytes"
	"context"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/coffer-vault/coffer/internal/tabular"
)

const customersCSV = `id,name,email,department,revenue,contact
1,Ann Lee,ann@example.com,marketing,123456.78,a1
2,Bob Roe,bob@example.com,sales,98765,b2
3,Cy Poe,cy@example.com,marketing,1999,c3
4,Di Fay,di@example.com,engineering,5000,d4
`

var customers = Dataset{
	Name:           "customers",
	Classification: "confidential",
	Tags:           map[string]string{"domain": "customers"},
	Columns: []Column{
		{Name: "id"},
		{Name: "name", PIITypes: []string{"PERSON"}},
		{Name: "email", PIITypes: []string{"EMAIL"}},
		{Name: "department"},
		{Name: "revenue"},
		{Name: "contact", PIITypes: []string{"EMAIL"}}, // caught by PII type only
	},
}

var analyst = Subject{ID: "maria", Role: "analyst", Department: "marketing", Clearance: 2}

// The case, with the view file coffer init writes.
func TestMarketingAnalystStarter(t *testing.T) {
	s, err := Parse("views.yaml", Starter())
	if err != nil {
		t.Fatalf("Parse(Starter()) = %v", err)
	}
	p := mustPlan(t, s, analyst, "campaign", customers)
	if got := p.Views(); !slices.Equal(got, []string{"marketing-analysts"}) {
		t.Fatalf("Views() = %v", got)
	}
	if p.Identity() {
		t.Fatal("Identity() = true for a filtering plan")
	}
	out, st := applyText(t, p, "", customersCSV)
	want := "id,department,revenue\n1,marketing,123000\n3,marketing,1000\n"
	if out != want {
		t.Errorf("output\n%s\nwant\n%s", out, want)
	}
	if st.RowsRead != 4 || st.RowsWritten != 2 || st.RowsWithheld != 2 || st.RowsFailed != 0 {
		t.Errorf("stats = %+v", st)
	}
	if !slices.Equal(st.Dropped, []string{"name", "email", "contact"}) {
		t.Errorf("Dropped = %v", st.Dropped)
	}
	if st.Masked["revenue"] != "round(1000)" || len(st.Masked) != 1 {
		t.Errorf("Masked = %v", st.Masked)
	}
	for _, secret := range []string{"Ann", "ann@", "a1", "sales", "456"} {
		if strings.Contains(out, secret) {
			t.Errorf("output reveals %q", secret)
		}
	}
	desc := p.Describe()
	var cols []string
	for _, d := range desc {
		cols = append(cols, d.Column+"="+d.Action)
	}
	wantDesc := []string{"=filter", "name=drop", "email=drop", "revenue=round(1000)", "contact=drop"}
	if !slices.Equal(cols, wantDesc) {
		t.Errorf("Describe() = %v, want %v", cols, wantDesc)
	}
}

func TestStarterDoesNotApplyToOthers(t *testing.T) {
	s, err := Parse("views.yaml", Starter())
	if err != nil {
		t.Fatal(err)
	}
	for _, sub := range []Subject{
		{ID: "x", Department: "marketing", Clearance: 3},
		{ID: "y", Department: "sales", Clearance: 2},
	} {
		p := mustPlan(t, s, sub, "campaign", customers)
		if len(p.Views()) != 0 || !p.Identity() {
			t.Errorf("%+v: Views() = %v, Identity() = %v", sub, p.Views(), p.Identity())
		}
	}
	// A dataset without the domain tag: the optional lookup is false, not an error.
	ds := customers
	ds.Tags = nil
	p := mustPlan(t, s, analyst, "campaign", ds)
	if len(p.Views()) != 0 || len(p.Notes()) != 0 {
		t.Errorf("untagged dataset: Views() = %v, Notes() = %v", p.Views(), p.Notes())
	}
}

// The same case on JSON Lines and Parquet copies of the table.
func TestMarketingAnalystEveryFormat(t *testing.T) {
	s, err := Parse("views.yaml", Starter())
	if err != nil {
		t.Fatal(err)
	}
	p := mustPlan(t, s, analyst, "campaign", customers)
	for _, format := range []string{tabular.CSV, tabular.TSV, tabular.JSONL, tabular.Parquet} {
		src := convert(t, customersCSV, format)
		var out bytes.Buffer
		st, err := p.Apply(context.Background(), open(t, format, src), &out)
		if err != nil {
			t.Fatalf("%s: Apply: %v", format, err)
		}
		cols, rows := drain(t, open(t, format, out.Bytes()))
		want := [][]string{{"1", "marketing", "123000"}, {"3", "marketing", "1000"}}
		if !slices.Equal(cols, []string{"id", "department", "revenue"}) || !slices.EqualFunc(rows, want, slices.Equal) {
			t.Errorf("%s: columns %v rows %q", format, cols, rows)
		}
		if st.RowsWithheld != 2 || len(st.Dropped) != 3 {
			t.Errorf("%s: stats %+v", format, st)
		}
	}
}

// convert rewrites a CSV table in format.
func convert(t *testing.T, csv, format string) []byte {
	r, err := tabular.Open(strings.NewReader(csv), tabular.CSV, nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := tabular.NewWriter(&buf, format, r.Columns(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for {
		row, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if err := w.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}
