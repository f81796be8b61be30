package quality

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/coffer-vault/coffer/internal/tabular"
)

// cell is a test cell: text, or null.
type cell struct {
	text string
	null bool
}

func foldRow(cells ...cell) rowHash {
	var f rowFold
	for _, c := range cells {
		if c.null {
			f.add(nullHash)
		} else {
			f.add(cellHash([]byte(c.text)))
		}
	}
	return f.sum()
}

func s(v string) cell { return cell{text: v} }

var null = cell{null: true}

// TestRowHashNearMisses: rows that differ only at a cell boundary, in
// order, by a null against an empty string, or by a trailing empty or
// null cell are different rows; the same cells give the same hash.
func TestRowHashNearMisses(t *testing.T) {
	pairs := [][2][]cell{
		{{s("ab"), s("c")}, {s("a"), s("bc")}},
		{{s("a"), s("b")}, {s("b"), s("a")}},
		{{null}, {s("")}},
		{{s("a")}, {s("a"), s("")}},
		{{s("a")}, {s("a"), null}},
		{{}, {s("")}},
		{{}, {null}},
		{{null, null}, {null}},
		{{s(""), s("")}, {s("")}},
		{{s("1"), s("x"), s("")}, {s("1"), s(""), s("x")}},
		{{s("x"), s("x")}, {s("y"), s("y")}}, // the same change twice does not cancel
	}
	for _, p := range pairs {
		if foldRow(p[0]...) == foldRow(p[1]...) {
			t.Errorf("rows %v and %v hash the same", p[0], p[1])
		}
		if again := append([]cell(nil), p[0]...); foldRow(p[0]...) != foldRow(again...) {
			t.Errorf("row %v hashes differently twice", p[0])
		}
	}
}

// TestRowHashSingleCell: two rows that differ in one cell never collide
// (each fold step is a bijection of the accumulator), checked for every
// position of 200,000 changed cells.
func TestRowHashSingleCell(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	base := []cell{s("1"), s("paid"), s("2025-01-01"), s("DE"), null, s("")}
	want := foldRow(base...)
	seen := map[rowHash]string{}
	for i := range 200000 {
		row := append([]cell(nil), base...)
		pos := i % len(row)
		row[pos] = s(fmt.Sprintf("v%d", r.Uint64()))
		h := foldRow(row...)
		if h == want {
			t.Fatalf("changing cell %d to %q keeps the row hash", pos, row[pos].text)
		}
		key := fmt.Sprint(row)
		if prev, ok := seen[h]; ok && prev != key {
			t.Fatalf("rows %s and %s hash the same", prev, key)
		}
		seen[h] = key
	}
}

// TestDuplicatesAgainstExact counts duplicate rows of random tables from a
// small alphabet (many exact repeats, many near misses) and compares the
// profiler's count with an exact count by the rows' text, nulls apart.
func TestDuplicatesAgainstExact(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	vals := []string{"", "a", "b", "ab", "1", "10"}
	for round := range 20 {
		cols := 1 + round%4
		p := NewProfiler(Options{DedupBudget: 1 << 12, TempDir: t.TempDir()})
		for i := range cols {
			p.AddColumn(i, fmt.Sprintf("c%d", i))
		}
		seen := map[string]bool{}
		var dups int64
		for range 5000 {
			var key strings.Builder
			for i := range cols {
				if r.IntN(7) == 0 {
					p.Observe(i, tabular.Value{}, nil)
					key.WriteString("\x00N|")
					continue
				}
				v := vals[r.IntN(len(vals))]
				p.Observe(i, tabular.StringValue([]byte(v)), []byte(v))
				fmt.Fprintf(&key, "%q|", v)
			}
			p.EndRow()
			if seen[key.String()] {
				dups++
			}
			seen[key.String()] = true
		}
		prof, err := p.Profile()
		if err != nil {
			t.Fatal(err)
		}
		if prof.DuplicateRows != dups {
			t.Fatalf("round %d (%d columns): %d duplicates, want %d", round, cols, prof.DuplicateRows, dups)
		}
	}
}
