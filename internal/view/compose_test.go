package view

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

var (
	filterPool = []string{"", "row.dept == principal.department", "row.age >= 18", "row.revenue > 500", "row.email.endsWith('.org')"}
	rulePool   = []string{
		"name: email\n        action: hash", "name: email\n        action: partial(5)", "pii: EMAIL\n        action: redact",
		"name: age\n        action: bin(0, 18, 30, 65)", "name: age\n        action: bin(0, 21, 30, 70)", "name: age\n        action: round(10)",
		"name: 'rev*'\n        action: round(100)", "name: revenue\n        action: round(250)", "name: revenue\n        action: bin(0, 500, 1000)",
		"name: name\n        action: drop", "pii: PERSON\n        action: partial(3)", "name: 'e*'\n        action: null", "tag: internal\n        action: hash",
		"name: dept\n        action: partial(2)",
	}
)

var composeDataset = Dataset{Name: "c", Columns: []Column{
	{Name: "k"}, {Name: "name", PIITypes: []string{"PERSON"}}, {Name: "email", PIITypes: []string{"EMAIL"}},
	{Name: "dept", Tags: []string{"internal"}}, {Name: "age"}, {Name: "revenue"},
}}

func randomView(rng *rand.Rand, id string) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  - id: %s\n", id)
	if f := filterPool[rng.IntN(len(filterPool))]; f != "" {
		fmt.Fprintf(&b, "    rows: %q\n", f)
	}
	if n := rng.IntN(4); n > 0 {
		b.WriteString("    columns:\n")
		for range n {
			fmt.Fprintf(&b, "      - %s\n", rulePool[rng.IntN(len(rulePool))])
		}
	}
	return b.String()
}

func randomRows(rng *rand.Rand, n int) []string {
	depts := []string{"marketing", "sales", "eng"}
	var rows []string
	for i := range n {
		rev := fmt.Sprint(rng.IntN(2000))
		if rng.IntN(10) == 0 {
			rev = "n/a" // a cell filters and round cannot read
		}
		rows = append(rows, fmt.Sprintf("k%d,P%d Q,u%d@x.%s,%s,%d,%s", i, rng.IntN(20), rng.IntN(30),
			[]string{"org", "com"}[rng.IntN(2)], depts[rng.IntN(3)], rng.IntN(90), rev))
	}
	return rows
}

const composeHeader = "k,name,email,dept,age,revenue\n"

// results is what one plan shows of each row, by the row's key k (a
// column no rule matches): a missing key is a withheld row.
func results(t *testing.T, p *Plan, rows []string) map[string]map[string]string {
	out, _ := applyText(t, p, "csv", composeHeader+strings.Join(rows, "\n")+"\n")
	cols, cells := readAll(t, "csv", out)
	if cols[0] != "k" {
		t.Fatalf("key column missing: %v", cols)
	}
	res := map[string]map[string]string{}
	for _, r := range cells {
		m := map[string]string{}
		for i, c := range cols[1:] {
			m[c] = r[i+1]
		}
		res[r[0]] = m
	}
	return res
}

// The combined plan of several views never reveals more than any one of
// them alone: it withholds every row one withholds, shows no column one
// drops, and each cell it shows is a function of the cell that view
// shows (two rows the view shows alike, the combination shows alike).
func TestCompositionRevealsNoMore(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	rows := randomRows(rng, 200)
	for trial := range 300 {
		views := []string{randomView(rng, "a"), randomView(rng, "b"), randomView(rng, "c")}
		combined := mustPlan(t, mustParse(t, "version: 1\nviews:\n"+strings.Join(views, "")), analyst, "x", composeDataset)
		var singles []*Plan
		for _, v := range views {
			singles = append(singles, mustPlan(t, mustParse(t, "version: 1\nviews:\n"+v), analyst, "x", composeDataset))
		}
		all := results(t, combined, rows)
		for i, sp := range singles {
			alone := results(t, sp, rows)
			seen := map[string]string{} // column and cell alone -> cell combined
			for k, c := range all {
				one, ok := alone[k]
				if !ok {
					t.Fatalf("trial %d: row %s withheld by view alone\n%s\nbut shown combined:\n%s", trial, k, views[i], strings.Join(views, ""))
				}
				for col, cell := range c {
					a, ok := one[col]
					if !ok {
						t.Fatalf("trial %d: column %s dropped by view alone\n%s\nbut shown combined", trial, col, views[i])
					}
					key := col + "\x00" + a
					if prev, ok := seen[key]; ok && prev != cell {
						t.Fatalf("trial %d: column %s: cells the view\n%s\nshows alike (%q) are shown as %q and %q combined\n%s",
							trial, col, views[i], a, prev, cell, strings.Join(views, ""))
					}
					seen[key] = cell
				}
			}
		}
	}
}

// Views compose the same whatever their order in the file.
func TestCompositionOrder(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	rows := randomRows(rng, 30)
	for range 20 {
		views := []string{randomView(rng, "a"), randomView(rng, "b"), randomView(rng, "c")}
		p1 := mustPlan(t, mustParse(t, "version: 1\nviews:\n"+strings.Join(views, "")), analyst, "x", composeDataset)
		slices.Reverse(views)
		p2 := mustPlan(t, mustParse(t, "version: 1\nviews:\n"+strings.Join(views, "")), analyst, "x", composeDataset)
		data := composeHeader + strings.Join(rows, "\n") + "\n"
		o1, _ := applyText(t, p1, "csv", data)
		o2, _ := applyText(t, p2, "csv", data)
		if o1 != o2 {
			t.Fatalf("order matters for\n%s", strings.Join(views, ""))
		}
	}
}
