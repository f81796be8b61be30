package view

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/coffer-vault/coffer/internal/tabular"
)

var testKey = bytes.Repeat([]byte{7}, 32)

func mustParse(t testing.TB, src string) *Set {
	t.Helper()
	s, err := Parse("views.yaml", []byte(src))
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return s
}

func mustPlan(t testing.TB, s *Set, sub Subject, purpose string, ds Dataset) *Plan {
	t.Helper()
	p, err := s.Plan(sub, purpose, ds, Options{HashKey: testKey})
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	return p
}

// applyText runs p over text data in format and returns the output.
func applyText(t testing.TB, p *Plan, format, data string) (string, Stats) {
	t.Helper()
	r, err := tabular.Open(strings.NewReader(data), format, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	var out bytes.Buffer
	st, err := p.Apply(context.Background(), r, &out)
	if err != nil {
		t.Fatalf("Apply: %v", err)
	}
	return out.String(), st
}

// readAll reads every row of a text dataset as text cells, with the
// column names.
func readAll(t testing.TB, format, data string) ([]string, [][]string) {
	t.Helper()
	r, err := tabular.Open(strings.NewReader(data), format, nil)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	return drain(t, r)
}

func drain(t testing.TB, r tabular.Reader) ([]string, [][]string) {
	t.Helper()
	var rows [][]string
	for {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatalf("Read: %v", err)
		}
		cells := make([]string, len(row))
		for i, v := range row {
			if v.IsNull() {
				cells[i] = "<null>"
			} else {
				cells[i] = string(v.AppendText(nil))
			}
		}
		rows = append(rows, cells)
	}
	var names []string
	for _, c := range r.Columns() {
		names = append(names, c.Name)
	}
	return names, rows
}
