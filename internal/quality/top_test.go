package quality

import (
	"fmt"
	"maps"
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/coffer-vault/coffer/internal/tabular"
)

// TestTopTable: the table counts as a map of the values would, up to
// TopCap values, also when different values share a hash (forced here by
// giving half of them a constant one) and so a chain of slots.
func TestTopTable(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for _, distinct := range []int{1, 2, 10, TopCap - 1, TopCap, TopCap + 1, 200} {
		for _, collide := range []bool{false, true} {
			var tt topTable
			want := map[string]int64{}
			full := false
			for range 5000 {
				v := fmt.Sprintf("v%d", r.IntN(distinct))
				h := hashFor(v, collide)
				_, seen := want[v]
				ok := tt.add(h, []byte(v)) >= 0
				if !seen && len(want) == TopCap {
					if ok {
						t.Fatalf("distinct %d: value %d past TopCap was counted", distinct, len(want)+1)
					}
					full = true
					break
				}
				if !ok {
					t.Fatalf("distinct %d: %q refused with %d values", distinct, v, len(want))
				}
				want[v]++
			}
			if full != (distinct > TopCap) {
				t.Fatalf("distinct %d: full %v", distinct, full)
			}
			if full {
				continue
			}
			if len(tt.vals) != len(want) {
				t.Fatalf("distinct %d collide %v: %d values, want %d", distinct, collide, len(tt.vals), len(want))
			}
			for k, v := range tt.vals {
				if tt.n[k] != want[v] {
					t.Fatalf("distinct %d collide %v: %q counted %d, want %d", distinct, collide, v, tt.n[k], want[v])
				}
			}
		}
	}
}

// hashFor gives the values of even number the same hash when collide.
func hashFor(v string, collide bool) uint64 {
	h := cellHash([]byte(v)).Lo
	if collide && (v[len(v)-1]-'0')%2 == 0 {
		return 42
	}
	return h
}

// TestDeferredHLL: a column's HyperLogLog, built from the top values'
// hashes when the (TopCap+1)th distinct value comes, has the registers of
// a sketch given every value; a column that never gets there reports its
// exact distinct count.
func TestDeferredHLL(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 16))
	for _, distinct := range []int{1, TopCap, TopCap + 1, 100, 5000} {
		p := NewProfiler(Options{})
		p.AddColumn(0, "c")
		plain := newHLL()
		seen := map[string]bool{}
		for range 20000 {
			v := []byte(fmt.Sprintf("v%d", r.IntN(distinct)))
			seen[string(v)] = true
			plain.add(cellHash(v).Lo)
			p.Observe(0, tabular.StringValue(v), v)
			p.EndRow()
		}
		c := p.cols[0]
		if len(seen) <= TopCap {
			if c.hll != nil || c.top == nil {
				t.Fatalf("%d distinct: sketch built", len(seen))
			}
		} else if !slices.Equal(c.hll.reg, plain.reg) {
			t.Fatalf("%d distinct: registers differ from a sketch given every value", len(seen))
		}
		prof, err := p.Profile()
		if err != nil {
			t.Fatal(err)
		}
		want := int64(len(seen))
		if len(seen) > TopCap {
			want = min(max(int64(math.Round(plain.estimate())), 1), 20000)
		}
		if got := prof.Columns[0].Distinct; got != want {
			t.Fatalf("%d distinct: Distinct %d, want %d", len(seen), got, want)
		}
	}
}

// TestTypeCache: a value's type is inferred once from its text, and only
// for String cells: the same text as an Int, Bool or JSON cell keeps the
// cell's own type, in either order.
func TestTypeCache(t *testing.T) {
	cells := []tabular.Value{
		tabular.StringValue([]byte("5")), tabular.IntValue(5), tabular.StringValue([]byte("true")),
		tabular.BoolValue(true), tabular.StringValue([]byte(`{"a":1}`)), tabular.JSONValue([]byte(`{"a":1}`)),
		tabular.StringValue([]byte("2025-01-02")), tabular.StringValue([]byte("2.5")), tabular.FloatValue(2.5),
		tabular.StringValue([]byte("x")),
	}
	r := rand.New(rand.NewPCG(17, 18))
	p := NewProfiler(Options{})
	p.AddColumn(0, "c")
	want := map[string]int64{}
	var sum float64
	var nums int64
	for range 3000 {
		v := cells[r.IntN(len(cells))]
		text := v.AppendText(nil)
		p.Observe(0, v, text)
		p.EndRow()
		var ty vtype
		var num float64
		switch v.Kind() {
		case tabular.Int:
			ty, num = tInt, float64(v.Int())
		case tabular.Float:
			ty, num = tFloat, v.Float()
		case tabular.Bool:
			ty = tBool
		case tabular.JSON:
			ty = tJSON
		default:
			ty, num, _ = inferText(text)
		}
		want[typeNames[ty]]++
		if ty == tInt || ty == tFloat {
			sum += num
			nums++
		}
	}
	prof, err := p.Profile()
	if err != nil {
		t.Fatal(err)
	}
	col := prof.Columns[0]
	if !maps.Equal(col.Types, want) {
		t.Fatalf("types %v, want %v", col.Types, want)
	}
	if col.Numeric == nil || col.Numeric.Count != nums || math.Abs(col.Numeric.Mean-sum/float64(nums)) > 1e-9 {
		t.Fatalf("numeric %+v, want %d values of mean %v", col.Numeric, nums, sum/float64(nums))
	}
}
