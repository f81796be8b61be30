package quality

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// numberTexts returns texts shaped like numbers and near misses: signs,
// 1 to 20 digits, fractions of 0 to 8 digits, exponents, lone signs and
// dots, and each of a share of them with one byte changed.
func numberTexts(r *rand.Rand) []string {
	out := []string{"0", "-0", "+0", "-", "+", ".", "-.", "5.", ".5", "-.5", "+5.", "1.2.3", "1e5", "1E-5", "--1",
		"999999999999999999", "-999999999999999999", "1000000000000000000", "123456789012345.6",
		"12345678901234.5", "0.000000000000001", "00000000000000000001", "1.", "1..", "0x1F", "1_000"}
	for range 30000 {
		var sb strings.Builder
		switch r.IntN(4) {
		case 0:
			sb.WriteByte('-')
		case 1:
			sb.WriteByte('+')
		}
		for range r.IntN(21) {
			sb.WriteByte(byte('0' + r.IntN(10)))
		}
		if r.IntN(2) == 0 {
			sb.WriteByte('.')
			for range r.IntN(9) {
				sb.WriteByte(byte('0' + r.IntN(10)))
			}
		}
		if r.IntN(10) == 0 {
			sb.WriteString("e" + strconv.Itoa(r.IntN(40)-20))
		}
		out = append(out, sb.String())
	}
	const swaps = "0.9-+eE x\xff"
	for i, s := range out[:5000] {
		if s == "" {
			continue
		}
		b := []byte(s)
		b[r.IntN(len(b))] = swaps[i%len(swaps)]
		out = append(out, string(b))
	}
	return out
}

// TestFastNumberAgrees: inferText with fastNumber gives the type and the
// number (to the bit) that parseInt, fastFloat and strconv gave.
func TestFastNumberAgrees(t *testing.T) {
	r := rand.New(rand.NewPCG(21, 22))
	for _, s := range numberTexts(r) {
		if s == "" {
			continue
		}
		gt, gn, gu := inferText([]byte(s))
		wt, wn, wu := rv2Infer([]byte(s)) // inferText as it was (review2_test.go)
		if gt != wt || math.Float64bits(gn) != math.Float64bits(wn) || gu != wu {
			t.Fatalf("inferText(%q) = %v %v %v, before fastNumber %v %v %v", s, gt, gn, gu, wt, wn, wu)
		}
	}
}

// TestInferStringDayCache: a column's inferString, which reads only the
// clock of a cell on the day of the last timestamp, agrees with inferText
// on every cell of runs of timestamps: same days and new days, every
// layout inferText reads, dates alone, and cells with one byte changed
// (in the day, after it, or a day that shares its first eight bytes).
func TestInferStringDayCache(t *testing.T) {
	r := rand.New(rand.NewPCG(23, 24))
	layouts := []string{time.RFC3339, time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05",
		"2006-01-02T15:04:05-07:00", "2006-01-02 15:04:05Z07:00", time.DateOnly, "2006-01-02T15:04:05.000Z"}
	zones := []*time.Location{time.UTC, time.FixedZone("", 2*3600), time.FixedZone("", -(5*3600 + 1800))}
	const swaps = "09/:-T Z.+x\xff"
	c := &colState{}
	tm := time.Date(2024, 2, 28, 22, 0, 0, 0, time.UTC)
	checked := 0
	for i := range 60000 {
		switch r.IntN(20) {
		case 0: // another day, month or century
			tm = tm.Add(time.Duration(r.Int64N(int64(3000 * 24 * time.Hour))))
		case 1:
			tm = time.Date(1900+r.IntN(300), time.Month(1+r.IntN(12)), 1+r.IntN(31), r.IntN(24), r.IntN(60), r.IntN(60), r.IntN(1e9), time.UTC)
		default: // the same day, mostly
			tm = tm.Add(time.Duration(r.IntN(600)) * time.Second)
		}
		s := tm.In(zones[r.IntN(len(zones))]).Format(layouts[r.IntN(len(layouts))])
		b := []byte(s)
		switch r.IntN(8) {
		case 0:
			b[r.IntN(len(b))] = swaps[i%len(swaps)]
		case 1: // the day's last two bytes
			b[8+r.IntN(2)] = swaps[i%len(swaps)]
		}
		gt, gn, gu := c.inferString(b)
		wt, wn, wu := inferText(b)
		if gt != wt || gn != wn || gu != wu {
			t.Fatalf("cell %d %q: inferString = %v %v %v, inferText %v %v %v", i, b, gt, gn, gu, wt, wn, wu)
		}
		if c.dayOK {
			checked++
		}
	}
	if checked < 50000 {
		t.Fatalf("the day was remembered for %d cells of 60000: the test does not reach the cache", checked)
	}
}

// TestAsyncBatchesBounded: a batch grown by one long row (a 1 MiB cell)
// or wide rows (20 000 cells) is not kept for reuse, so the worker's
// batches return to their usual size; the profile still counts every row.
func TestAsyncBatchesBounded(t *testing.T) {
	p := NewProfiler(Options{Async: true})
	a := p.async
	p.AddColumn(0, "a")
	long := []byte(strings.Repeat("x", 1<<20))
	rows := 0
	for r := range 4000 {
		switch {
		case r == 10:
			p.ObserveString(0, long)
		case r >= 20 && r < 25:
			for i := range 20000 {
				p.ObserveString(i, []byte("1"))
			}
		default:
			p.ObserveString(0, []byte(strconv.Itoa(r%7)))
		}
		p.EndRow()
		rows++
	}
	a.wait()
	p.async = nil
	bs := []*batch{a.cur}
	for len(a.free) > 0 {
		bs = append(bs, <-a.free)
	}
	for _, b := range bs {
		if cap(b.text) > 4*asyncBatchBytes || cap(b.cells) > 4*asyncBatchCells {
			t.Errorf("a batch kept %d bytes of text and %d cells after the long rows", cap(b.text), cap(b.cells))
		}
	}
	prof, err := p.Profile()
	if err != nil {
		t.Fatal(err)
	}
	if prof.Rows != int64(rows) || prof.Columns[0].MaxLength != len(long) {
		t.Fatalf("rows %d, max length %d; want %d, %d", prof.Rows, prof.Columns[0].MaxLength, rows, len(long))
	}
}

// TestTopMemo: short values of low-cardinality columns, recalled from the
// top table's memo instead of hashed, are counted exactly: values that
// differ in one byte at every position and length (1 to 9 bytes), up to
// TopCap of them (so memo slots are shared), with exact top counts,
// distinct counts, rule counts and duplicate rows.
func TestTopMemo(t *testing.T) {
	r := rand.New(rand.NewPCG(31, 32))
	for _, distinct := range []int{10, TopCap} {
		var vals []string
		for len(vals) < distinct {
			n := 1 + r.IntN(9)
			b := []byte(strings.Repeat("q", n))
			b[r.IntN(n)] = "XYZ0"[r.IntN(4)]
			if !slices.Contains(vals, string(b)) {
				vals = append(vals, string(b))
			}
		}
		in := map[string]bool{vals[0]: true, vals[1]: true}
		p := NewProfiler(Options{Rules: []Rule{{ID: "in", Column: "a", In: in}}})
		p.AddColumn(0, "a")
		p.AddColumn(1, "b")
		count := map[string]int64{}
		rows := map[string]bool{}
		var dups, matched int64
		for range 20000 {
			a, b := vals[r.IntN(len(vals))], vals[r.IntN(3)]
			p.ObserveString(0, []byte(a))
			p.ObserveString(1, []byte(b))
			p.EndRow()
			count[a]++
			if in[a] {
				matched++
			}
			if rows[a+"\x00"+b] {
				dups++
			}
			rows[a+"\x00"+b] = true
		}
		prof, err := p.Profile()
		if err != nil {
			t.Fatal(err)
		}
		col := prof.Columns[0]
		if col.Distinct != int64(len(count)) || prof.DuplicateRows != dups {
			t.Fatalf("distinct %d: got distinct %d, duplicates %d; want %d, %d", distinct, col.Distinct, prof.DuplicateRows, len(count), dups)
		}
		for _, tv := range col.Top {
			if tv.Count != count[tv.Value] {
				t.Fatalf("distinct %d: %q counted %d times, want %d", distinct, tv.Value, tv.Count, count[tv.Value])
			}
		}
		if rc := prof.Rule("in"); rc == nil || rc.Matched != matched || rc.Checked != 20000 {
			t.Fatalf("distinct %d: rule counts %+v, want %d of 20000", distinct, rc, matched)
		}
	}
}
