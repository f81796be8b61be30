package view

import (
	"testing"

	"github.com/coffer-vault/coffer/internal/tabular"
)

func TestFastPathShape(t *testing.T) {
	for src, want := range map[string]bool{
		"row.d == principal.department": true,
		"principal.role == row.d":       true,
		`row["d x"] == "x"`:             true,
		"row.d == purpose":              true,
		"row.d == 'x'":                  true,
		"row.d != 'x'":                  false,
		"row.d == 1":                    false,
		"row.d == principal.clearance":  false,
		"row.d == principal.groups[0]":  false,
		"row.d == row.e":                false,
		"row.d == 'x' && row.e == 'y'":  false,
		"has(row.d) == true":            false,
	} {
		p, err := compile(rowsEnv, src)
		if err != nil {
			t.Fatalf("compile(%q) = %v", src, err)
		}
		if got := p.eq != nil; got != want {
			t.Errorf("fast path for %q = %v, want %v", src, got, want)
		}
	}
}

// The fast path gives CEL's answer on every kind of cell, in text formats
// (numbers sniffed) and typed ones.
func TestFastPathMatchesCEL(t *testing.T) {
	sub := Subject{ID: "u1", Role: "analyst", Department: "7"}
	exprs := []string{"row.d == principal.department", "principal.id == row.d", `row["d"] == ""`,
		"row.d == purpose", "row.missing == 'x'", "row.d == 'x'", "row.d == '[1]'", "row.d == '01'", "row.d == '1e400'"}
	cells := []tabular.Value{
		s("x"), s(""), s("7"), s("07"), s("01"), s("1e400"), s("-0"), s("u1"), s("campaign"), s("[1]"),
		tabular.JSONValue([]byte("[1]")), tabular.IntValue(7), tabular.FloatValue(7), tabular.BoolValue(true), {},
	}
	for _, src := range exprs {
		prg, err := compile(rowsEnv, src)
		if err != nil || prg.eq == nil {
			t.Fatalf("compile(%q) = %v, fast path %v", src, err, prg != nil && prg.eq != nil)
		}
		eq := prg.eq.bind(sub, "campaign")
		for _, format := range []string{tabular.CSV, tabular.JSONL} {
			for _, short := range []bool{false, true} {
				for _, c := range cells {
					act := newActivation(sub, "campaign", Dataset{})
					rv := &rowVal{index: map[string]int{}}
					rv.setColumns([]tabular.Column{{Name: "e"}, {Name: "d"}}, format)
					rv.row = tabular.Row{s("e"), c}
					if short {
						rv.row = rv.row[:1] // a JSONL row read before column d appeared
					}
					act.row = rv
					ok, failed := prg.eval(&act)
					if got := eq.eval(rv); got != (ok && !failed) {
						t.Errorf("%s on %s cell %v (short %v): fast path %v, CEL %v (failed %v)", src, format, c, short, got, ok, failed)
					}
				}
			}
		}
	}
}
