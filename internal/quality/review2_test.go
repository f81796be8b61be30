package quality

// Adversarial tests of ce7fc26/25316c6 (fastNumber, fastDate+fastClock and
// the remembered day of inferString, observeString/observeKnown/leaveTop,
// 64 KiB async batches with end-only cellRecs and batch.nums, dedup in
// fixed chunks with spills at half the budget): each compares the new
// paths with an oracle written here (inferText as it was before
// fastNumber, with the digit-by-digit fastTimeOld of review_test.go),
// with a count made here, or async with inline.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/tabular"
)

// rv2Infer is inferText before ce7fc26 with the fastTime before 6f47edd:
// no fastNumber, no fastDate/fastClock.
func rv2Infer(b []byte) (vtype, float64, int64) {
	if len(b) == 0 {
		return tString, 0, 0
	}
	c := b[0]
	if c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' {
		if len(b) >= 10 && b[4] == '-' && b[7] == '-' {
			t, ok := fastTimeOld(b)
			if !ok {
				t, ok = parseTime(b)
			}
			if ok {
				if len(b) == 10 {
					return tDate, 0, t
				}
				return tTimestamp, 0, t
			}
		}
		if i, ok := parseInt(b); ok {
			return tInt, float64(i), 0
		}
		if f, ok := fastFloat(b); ok {
			return tFloat, f, 0
		}
		for _, c := range b {
			if !(c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
				return tString, 0, 0
			}
		}
		if f, err := strconv.ParseFloat(string(b), 64); err == nil {
			return tFloat, f, 0
		}
		return tString, 0, 0
	}
	switch string(b) {
	case "true", "false", "TRUE", "FALSE", "True", "False":
		return tBool, 0, 0
	}
	return tString, 0, 0
}

// rv2Edges are texts at the edges of fastNumber and the day cache.
var rv2Edges = []string{"0", "-0", "+0", "+5", "-5", "007", "-007", "+007", ".5", "5.", "-.5", "+.5", "-5.", "1e5", "1E-5", "-1e+3",
	"5e", "e5", ".e1", "1.e1", "1.5e-3", "999999999999999999", "-999999999999999999", "+999999999999999999",
	"1000000000000000000", "-1000000000000000000", "9223372036854775807", "-9223372036854775808",
	"18446744073709551616", "123456789012345", "1234567890123456", "12345678901234.5", "123456789012345.6",
	"1234567890123456.7", "0.000000000000001", "0.0000000000000001", "00000000000000000001", "000000000000000.1",
	"1.", "..", "-", "+", ".", "+-1", "-+1", "--1", "1-", "1+", "1.2.3", "1..2", "0x1F", "1_000", "1e999", "-1e999", "1e-999",
	"NaN", "Inf", "+Inf", "-inf", "1,5", " 5", "5 ", "5\x00", "\xff", "1\xff", "1.\xff", "-\xff", "5/", "5:", "5:00",
	"2024-01-02", "2024-01-02T03:04:05Z", "2024-01-02T3:04:05Z", "2024-01-02T03:4:05Z", "2024-01-02T03:04:5Z",
	"2024-01-02T03:04:05,5Z", "2024-01-02T03:04:05.Z", "2024-01-02T03:04:05+0530", "2024-01-02T03:04:05+05:30",
	"2024-01-02 03:04:05", "2024-01-02 03:04:05Z", "2024-01-02 03:04:05-01:00", "2024-01-02T24:00:00Z",
	"2024-01-02T23:60:00Z", "2024-01-02T03:04:60Z", "2024-01-02T03:04:05.123456789-11:59", "2024-01-02T03:04:05+24:00",
	"2024-01-02T03:04:05+23:60", "2024-01-02x03:04:05", "2024-01-0203:04:05", "2024-01-02T03:04:05ZZ", "2024-01-02T03:04",
	"2024-01-02T03:04:05.", "2024-01-02T03:04:05.1234567891Z", "2024-01-02T03:04:05.5+01:00", "2024-01-02t03:04:05z",
	"2024-01-02T03:04:05 ", "2024-01-02T03:04:05Z ", "2024-01-02T03:04:05-00:00", "2024-01-02T03:04:05+00:00",
	"2024-02-30", "2024-02-29", "2023-02-29T00:00:00Z", "2024-01-02 ", "2024-01-02T", "2024-01-02T03:04:05\x00",
	"1900-01-01T00:00:00Z", "0000-01-01T00:00:00Z", "9999-12-31T23:59:59-23:59", "2024-1-02T00:00:00Z",
	"-2024-01-02", "+2024-01-02T00:00:00Z", "2024-01-02-03", "2024-01-02.5", "2024-01-02e5", "true", "False", "x"}

// TestReview2InferEdges: inferText, and a column's inferString right after
// a timestamp on the day of the cell's first ten bytes (and after one on
// another day, and after a date), agree with rv2Infer on the edge texts
// and on random number and timestamp shapes with a byte changed.
func TestReview2InferEdges(t *testing.T) {
	r := rand.New(rand.NewPCG(201, 202))
	texts := append([]string(nil), rv2Edges...)
	const bytesOf = "0123456789+-.eE:TZ z\xff/"
	for range 20000 {
		var s string
		switch r.IntN(4) {
		case 0:
			s = []string{"", "-", "+"}[r.IntN(3)] + strconv.FormatUint(r.Uint64()>>r.IntN(64), 10)
			s = s[:max(1, min(len(s), 1+r.IntN(21)))]
		case 1:
			s = strconv.FormatFloat(r.NormFloat64()*math.Pow(10, float64(r.IntN(30)-15)), "fgeE"[r.IntN(4)], -1, 64)
		case 2:
			s = fmt.Sprintf("%s%0*d.%0*d", []string{"", "-", "+"}[r.IntN(3)], r.IntN(10), r.IntN(1000), r.IntN(12), r.IntN(1000))
		default:
			tm := time.Unix(r.Int64N(1<<35)-1<<34, int64(r.IntN(1e9))).In(time.FixedZone("", 60*(r.IntN(1440)-720)))
			s = tm.Format([]string{time.RFC3339Nano, time.RFC3339, time.DateTime, "2006-01-02T15:04:05", "2006-01-02 15:04:05Z07:00", time.DateOnly}[r.IntN(6)])
		}
		if r.IntN(3) == 0 && len(s) > 0 {
			b := []byte(s)
			b[r.IntN(len(b))] = bytesOf[r.IntN(len(bytesOf))]
			s = string(b)
		}
		if r.IntN(6) == 0 {
			s = "0" + s
		}
		texts = append(texts, s)
	}
	for _, s := range texts {
		b := []byte(s)
		wt, wn, wu := rv2Infer(b)
		if gt, gn, gu := inferText(b); gt != wt || math.Float64bits(gn) != math.Float64bits(wn) || gu != wu {
			t.Errorf("inferText(%q) = %v %v %v, before %v %v %v", s, gt, gn, gu, wt, wn, wu)
		}
		var primes []string
		if len(b) >= 10 {
			// the same day; a day sharing the first eight bytes (01 or 02);
			// a date alone; another day
			other := "01"
			if s[8:10] == other {
				other = "02"
			}
			primes = append(primes, s[:10]+"T12:00:00Z", s[:10]+" 00:00:00.5+01:00", s[:8]+other+"T00:00:00Z", s[:10], "2000-01-01T00:00:00Z")
		}
		for _, p := range primes {
			c := &colState{}
			c.inferString([]byte("1999-12-31T23:59:59Z"))
			c.inferString([]byte(p))
			gt, gn, gu := c.inferString(b)
			if gt != wt || math.Float64bits(gn) != math.Float64bits(wn) || gu != wu {
				t.Errorf("inferString(%q) after %q = %v %v %v, before %v %v %v", s, p, gt, gn, gu, wt, wn, wu)
			}
		}
	}
}

// rv2Col is what a column of String (and other) cells must profile to,
// counted here with rv2Infer.
type rv2Col struct {
	types        map[string]int64
	values, miss int64
	numN         int64
	min, max     float64
	minT, maxT   int64
	minL, maxL   int
	counts       map[string]int64
}

func (e *rv2Col) add(v tabular.Value, text []byte) {
	if v.IsNull() || v.Kind() == tabular.String && len(text) == 0 {
		e.miss++
		return
	}
	e.values++
	e.counts[string(text)]++
	e.minL, e.maxL = min(e.minL, len(text)), max(e.maxL, len(text))
	var t vtype
	var num float64
	var unix int64
	switch v.Kind() {
	case tabular.Int:
		t, num = tInt, float64(v.Int())
	case tabular.Float:
		t, num = tFloat, v.Float()
	case tabular.Bool:
		t = tBool
	case tabular.JSON:
		t = tJSON
	default:
		t, num, unix = rv2Infer(text)
	}
	e.types[typeNames[t]]++
	switch t {
	case tInt, tFloat:
		e.numN++
		e.min, e.max = min(e.min, num), max(e.max, num)
	case tDate, tTimestamp:
		e.minT, e.maxT = min(e.minT, unix), max(e.maxT, unix)
	}
}

func rv2Time(u int64) string {
	if u == math.MaxInt64 || u == math.MinInt64 { // no time seen
		return ""
	}
	return time.Unix(u, 0).UTC().Format(time.RFC3339)
}

// rv2Cell returns a cell for a column that mixes numbers, dates and
// timestamps (most on one day, some with a malformed clock), the edge
// texts, and cells of other kinds; card bounds the distinct values of
// most cells, so that a column may leave the top table part-way.
func rv2Cell(r *rand.Rand, card int) tabular.Value {
	var s string
	switch r.IntN(8) {
	case 0:
		s = rv2Edges[r.IntN(len(rv2Edges))]
	case 1, 2:
		s = fmt.Sprintf("2024-01-%02d%c%02d:%02d:%02d%s", 1+r.IntN(2), "T "[r.IntN(2)], r.IntN(25), r.IntN(61), r.IntN(61)%card,
			[]string{"", "Z", "+01:00", ".5", ".", "+0100", ",5", "z", "-24:00"}[r.IntN(9)])
	case 3:
		s = strconv.Itoa(r.IntN(card) - card/2)
	case 4:
		s = strconv.FormatFloat(float64(r.IntN(card))/8, 'f', -1, 64)
	case 5:
		s = fmt.Sprintf("2024-01-%02d", 1+r.IntN(min(card, 31)))
	case 6:
		switch r.IntN(6) {
		case 0:
			return tabular.Value{}
		case 1:
			return tabular.IntValue(int64(r.IntN(card)))
		case 2:
			return tabular.FloatValue(float64(r.IntN(card)) / 4)
		case 3:
			return tabular.BoolValue(r.IntN(2) == 0)
		case 4:
			return tabular.JSONValue([]byte(fmt.Sprintf(`{"a":%d}`, r.IntN(3))))
		default:
			return tabular.StringValue(nil)
		}
	default:
		s = strconv.Itoa(r.IntN(card))
	}
	return tabular.StringValue([]byte(s))
}

// rv2Feed profiles rows as internal/vault/scan.go does (String cells by
// ObserveString when viaString, their text a scratch buffer overwritten
// after each cell, as a reader's would be) and returns the profile.
func rv2Feed(t *testing.T, o Options, names []string, addAt []int, rows [][]tabular.Value, viaString bool) *Profile {
	t.Helper()
	p := NewProfiler(o)
	named := 0
	var buf []byte
	for r, row := range rows {
		for ; named < len(names) && addAt[named] <= r; named++ {
			p.AddColumn(named, names[named])
		}
		for i, v := range row {
			if v.IsNull() {
				p.Observe(i, v, nil)
				continue
			}
			buf = v.AppendText(buf[:0])
			if viaString && v.Kind() == tabular.String {
				p.ObserveString(i, buf)
			} else {
				p.Observe(i, v, buf)
			}
			for j := range buf { // the reader reuses its buffer
				buf[j] = '#'
			}
		}
		p.EndRow()
	}
	for ; named < len(names); named++ {
		p.AddColumn(named, names[named])
	}
	prof, err := p.Profile()
	if err != nil {
		t.Fatal(err)
	}
	return prof
}

// TestReview2ColumnOracle: for columns mixing numbers (signs, leading
// zeros, 18/19 digits, .5, 5., exponents), dates, timestamps on the
// remembered day with good and malformed clocks, and cells of other kinds,
// some low-cardinality, some leaving the top table part-way, the profile
// (inline and async, ObserveString and Observe) has exactly the types,
// counts, lengths, numeric count/min/max, time span and top counts
// worked out here with rv2Infer.
func TestReview2ColumnOracle(t *testing.T) {
	for seed, n := range []int{50, 400, 3000, 9000} {
		r := rand.New(rand.NewPCG(uint64(seed), 303))
		cards := []int{3, 40, 64, 70, 100000}
		names := []string{"c3", "c40", "c64", "c70", "cbig"}
		var rows [][]tabular.Value
		for range n {
			row := make([]tabular.Value, len(cards))
			for i, c := range cards {
				row[i] = rv2Cell(r, c)
			}
			rows = append(rows, row)
		}
		want := make([]*rv2Col, len(cards))
		for i := range cards {
			e := &rv2Col{types: map[string]int64{}, counts: map[string]int64{}, min: math.Inf(1), max: math.Inf(-1),
				minT: math.MaxInt64, maxT: math.MinInt64, minL: math.MaxInt}
			var buf []byte
			for _, row := range rows {
				buf = row[i].AppendText(buf[:0])
				e.add(row[i], buf)
			}
			want[i] = e
		}
		var first []byte
		for _, async := range []bool{false, true} {
			for _, viaString := range []bool{false, true} {
				prof := rv2Feed(t, Options{Async: async}, names, make([]int, len(names)), rows, viaString)
				js, _ := json.Marshal(prof)
				if first == nil {
					first = js
				} else if !bytes.Equal(first, js) {
					t.Errorf("n %d async %v ObserveString %v: the profile differs:\n%s\n%s", n, async, viaString, first, js)
				}
				for i, c := range prof.Columns {
					e := want[i]
					tag := fmt.Sprintf("n %d async %v column %s", n, async, c.Name)
					if fmt.Sprint(c.Types) != fmt.Sprint(e.types) || c.Values != e.values || c.Missing != e.miss {
						t.Errorf("%s: types %v values %d missing %d, want %v %d %d", tag, c.Types, c.Values, c.Missing, e.types, e.values, e.miss)
					}
					if e.values > 0 && (c.MinLength != e.minL || c.MaxLength != e.maxL) {
						t.Errorf("%s: lengths %d..%d, want %d..%d", tag, c.MinLength, c.MaxLength, e.minL, e.maxL)
					}
					if c.MinTime != rv2Time(e.minT) || c.MaxTime != rv2Time(e.maxT) {
						t.Errorf("%s: time %s..%s, want %s..%s", tag, c.MinTime, c.MaxTime, rv2Time(e.minT), rv2Time(e.maxT))
					}
					switch {
					case e.numN == 0 && c.Numeric != nil:
						t.Errorf("%s: numeric %+v, want none", tag, c.Numeric)
					case e.numN > 0 && (c.Numeric == nil || c.Numeric.Count != e.numN || c.Numeric.Min != e.min || c.Numeric.Max != e.max):
						t.Errorf("%s: numeric %+v, want count %d min %v max %v", tag, c.Numeric, e.numN, e.min, e.max)
					}
					if len(e.counts) <= TopCap {
						if len(c.Top) != min(len(e.counts), TopShown) {
							t.Errorf("%s: %d top values, want %d", tag, len(c.Top), min(len(e.counts), TopShown))
						}
						for j, vc := range c.Top {
							if e.counts[vc.Value] != vc.Count || j > 0 && vc.Count > c.Top[j-1].Count {
								t.Errorf("%s: top %q %d, counted %d", tag, vc.Value, vc.Count, e.counts[vc.Value])
							}
						}
					} else if len(c.Top) != 0 {
						t.Errorf("%s: %d distinct values but a top", tag, len(e.counts))
					}
				}
			}
		}
	}
}

// TestReview2LeaveTopMidRow: the 65th value of a column comes as a String
// cell, then as an Int, Float, Bool or JSON cell, in the middle of rows
// whose other cells are of every kind, with numbers deferred in the top
// table (String "7" and Int 7 alike; "7.0" a Float of the same number);
// async equals inline, and the numbers are all counted once.
func TestReview2LeaveTopMidRow(t *testing.T) {
	for _, kind := range []tabular.Kind{tabular.String, tabular.Int, tabular.Float, tabular.Bool, tabular.JSON} {
		var rows [][]tabular.Value
		numN := int64(0)
		for i := range 300 {
			v := i % 64
			if i >= 200 {
				v = i // new values: the top table overflows at row 200
			}
			var c tabular.Value
			k := kind
			if i != 200 {
				k = []tabular.Kind{tabular.String, tabular.Int, tabular.Float}[i%3]
			}
			switch k {
			case tabular.String:
				c = tabular.StringValue([]byte(strconv.Itoa(v)))
			case tabular.Int:
				c = tabular.IntValue(int64(v))
			case tabular.Float:
				c = tabular.FloatValue(float64(v))
			case tabular.Bool:
				c = tabular.BoolValue(true)
			case tabular.JSON:
				c = tabular.JSONValue([]byte(`{"v":` + strconv.Itoa(v) + `}`))
			}
			if k != tabular.Bool && k != tabular.JSON {
				numN++
			}
			rows = append(rows, []tabular.Value{tabular.StringValue([]byte("2024-01-02T00:00:0" + strconv.Itoa(i%10))), c,
				tabular.StringValue([]byte(strconv.Itoa(i % 5)))})
		}
		names := []string{"ts", "x", "y"}
		rules := []Rule{{ID: "z", Column: "x", Z: 1}, {ID: "iqr", Column: "x", IQR: 1}, {ID: "re", Column: "x", Regex: regexp.MustCompile(`^1`)}}
		inline := rv2Feed(t, Options{Rules: rules}, names, []int{0, 0, 0}, rows, true)
		async := rv2Feed(t, Options{Rules: rules, Async: true}, names, []int{0, 0, 0}, rows, true)
		a, b := mustJSON(t, inline), mustJSON(t, async)
		if !bytes.Equal(a, b) {
			t.Errorf("kind %v: async differs:\n%s\n%s", kind, a, b)
		}
		x := inline.Columns[1]
		if x.Numeric == nil || x.Numeric.Count != numN || len(x.Top) != 0 {
			t.Errorf("kind %v: numeric %+v top %d, want %d numbers and no top", kind, x.Numeric, len(x.Top), numN)
		}
	}
}

// TestReview2AsyncBatchEdges: async equals inline byte for byte across
// batch ends at 512 rows and at 64 KiB of text (cells of 0 to 20 KiB, a
// row bigger than a batch), columns announced in later batches, Null
// cells with text, Int/Float numbers whose text is not theirs (a caller's
// "007" for Int 7), and every kind in one column.
func TestReview2AsyncBatchEdges(t *testing.T) {
	r := rand.New(rand.NewPCG(404, 405))
	names := []string{"a", "b", "c", "d", "e"}
	addAt := []int{0, 0, 700, 1500, 2600}
	type cell struct {
		v    tabular.Value
		text []byte
	}
	var rows [][]cell
	for i := range 3000 {
		var row []cell
		for j := range 5 {
			if addAt[j] > i && r.IntN(2) == 0 {
				break
			}
			var c cell
			switch r.IntN(9) {
			case 0:
				c = cell{tabular.Value{}, []byte("null")}
			case 1:
				n := r.IntN(100)
				c = cell{tabular.IntValue(int64(n)), []byte(fmt.Sprintf("%03d", n))}
			case 2:
				f := float64(r.IntN(100)) / 8
				c = cell{tabular.FloatValue(f), strconv.AppendFloat(nil, f, 'g', -1, 64)}
			case 3:
				c = cell{tabular.BoolValue(r.IntN(2) == 0), []byte("true")}
			case 4:
				c = cell{tabular.JSONValue([]byte(`[1]`)), []byte(`[1]`)}
			case 5:
				c.text = bytes.Repeat([]byte{'a' + byte(r.IntN(3))}, r.IntN(20<<10)*(r.IntN(40)/39))
				c.v = tabular.StringValue(c.text)
			case 6:
				c.text = []byte(rv2Edges[r.IntN(len(rv2Edges))])
				c.v = tabular.StringValue(c.text)
			default:
				c.text = []byte(strconv.Itoa(r.IntN(90)))
				c.v = tabular.StringValue(c.text)
			}
			row = append(row, c)
		}
		if i == 2000 { // a row bigger than a batch
			big := bytes.Repeat([]byte("z"), 100<<10)
			row = append(row[:0], cell{tabular.StringValue(big), big})
		}
		rows = append(rows, row)
	}
	rules := []Rule{{ID: "iqr", Column: "b", IQR: 1.5}, {ID: "in", Column: "a", In: map[string]bool{"007": true, "1": true}}}
	var out [][]byte
	for _, async := range []bool{false, true} {
		p := NewProfiler(Options{Async: async, Rules: rules})
		named := 0
		for ri, row := range rows {
			for ; named < len(names) && addAt[named] <= ri; named++ {
				p.AddColumn(named, names[named])
			}
			for i, c := range row {
				if c.v.Kind() == tabular.String && ri%2 == 0 {
					p.ObserveString(i, c.text)
				} else {
					p.Observe(i, c.v, c.text)
				}
			}
			p.EndRow()
		}
		prof, err := p.Profile()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, mustJSON(t, prof))
	}
	if !bytes.Equal(out[0], out[1]) {
		t.Errorf("async differs:\n%s\n%s", out[0], out[1])
	}
}

// rv2Dups counts rows equal to an earlier row by their cells' texts (a
// null apart from every text), as the row hash does.
func rv2Dups(rows [][]tabular.Value) int64 {
	seen := map[string]bool{}
	var n int64
	for _, row := range rows {
		var k []byte
		for _, v := range row {
			if v.IsNull() {
				k = append(k, 0xff)
				continue
			}
			t := v.AppendText(nil)
			k = strconv.AppendInt(k, int64(len(t)), 10)
			k = append(append(k, ':'), t...)
		}
		if seen[string(k)] {
			n++
		}
		seen[string(k)] = true
	}
	return n
}

// TestReview2DedupBudgets: the duplicate count is exact for budgets whose
// limit (budget/32 hashes) is below a chunk, a multiple of it, one more or
// one less, with spills (and compactions of 16 runs) and duplicates that
// straddle chunks and spills, async or not.
func TestReview2DedupBudgets(t *testing.T) {
	r := rand.New(rand.NewPCG(505, 506))
	mk := func(n, distinct int) [][]tabular.Value {
		var rows [][]tabular.Value
		for range n {
			k := r.IntN(distinct)
			row := []tabular.Value{tabular.StringValue([]byte(strconv.Itoa(k))), tabular.IntValue(int64(k % 7))}
			if k%5 == 0 {
				row[1] = tabular.Value{}
			}
			if k%11 == 0 {
				row[0] = tabular.StringValue(nil)
			}
			rows = append(rows, row)
		}
		return rows
	}
	small := mk(700, 400)
	large := mk(70000, 50000)
	cases := []struct {
		budget int
		rows   [][]tabular.Value
	}{
		{1, small}, {32, small}, {64, small}, {96, small}, {32 * 7, small}, {32 * 64, small}, {32 * 699, small},
		{32 * 700, small}, {32 * 701, small},
		{32 * dedupChunk, large}, {32*dedupChunk - 32, large}, {32*dedupChunk + 32, large}, {32 * 2 * dedupChunk, large},
		{32 * 3 * dedupChunk, large}, {32 * 5000, large}, {0, large},
	}
	for _, c := range cases {
		want := rv2Dups(c.rows)
		for _, async := range []bool{false, true} {
			p := rv2Feed(t, Options{DedupBudget: c.budget, TempDir: t.TempDir(), Async: async}, []string{"a", "b"}, []int{0, 0}, c.rows, true)
			if p.DuplicateRows != want || p.Rows != int64(len(c.rows)) {
				t.Errorf("budget %d async %v: %d rows %d duplicates, want %d %d", c.budget, async, p.Rows, p.DuplicateRows, len(c.rows), want)
			}
		}
	}
}

// TestReview2DedupHeldBound: the hashes held before a spill (the full
// chunks and the one being filled) never pass the limit, half the budget:
// docs/quality.md, "Hashes are held in fixed chunks ... up to half the
// budget", and the sort takes as much again.
func TestReview2DedupHeldBound(t *testing.T) {
	for _, budget := range []int{32 * 100, 32 * dedupChunk, 32 * (dedupChunk + 1), 32 * (dedupChunk + dedupChunk/2), 32 * (3*dedupChunk - 1)} {
		d := newDedup(budget, t.TempDir())
		most := 0
		for i := range 3*budget/32 + 10 {
			d.add(rowHash{uint64(i) * 0x9e3779b97f4a7c15, uint64(i)})
			most = max(most, d.held+len(d.cur))
		}
		if _, err := d.duplicates(); err != nil {
			t.Fatal(err)
		}
		if most > d.limit || cap(d.sorted) > d.limit+dedupChunk {
			t.Errorf("budget %d (limit %d hashes, %d bytes): %d hashes held (%d bytes), sort buffer %d hashes",
				budget, d.limit, d.limit*16, most, most*16, cap(d.sorted))
		}
	}
}

// TestReview2DedupSpillError: when a spill cannot be written (TempDir is
// a file, or gone), Profile fails, inline and async; with no spill it
// does not.
func TestReview2DedupSpillError(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	rows := func(n int) [][]tabular.Value {
		var out [][]tabular.Value
		for i := range n {
			out = append(out, []tabular.Value{tabular.IntValue(int64(i % 50))})
		}
		return out
	}
	for _, tmp := range []string{file, filepath.Join(dir, "gone")} {
		for _, async := range []bool{false, true} {
			for _, c := range []struct {
				budget, rows int
				fail         bool
			}{{32 * 100, 99, false}, {32 * 100, 100, false}, {32 * 100, 101, true}, {32 * 100, 5000, true}, {32, 3, true}} {
				p := NewProfiler(Options{DedupBudget: c.budget, TempDir: tmp, Async: async})
				p.AddColumn(0, "a")
				for _, row := range rows(c.rows) {
					p.Observe(0, row[0], []byte(strconv.Itoa(int(row[0].Int()))))
					p.EndRow()
				}
				prof, err := p.Profile()
				if c.fail && err == nil {
					t.Errorf("TempDir %s budget %d rows %d async %v: no error, %d duplicates", tmp, c.budget, c.rows, async, prof.DuplicateRows)
				}
				if !c.fail && (err != nil || prof.DuplicateRows != int64(max(c.rows-50, 0))) {
					t.Errorf("TempDir %s budget %d rows %d async %v: %v %+v", tmp, c.budget, c.rows, async, err, prof)
				}
			}
		}
	}
}

// TestReview2TextNotValue: an Int or Float cell whose caller's text reads
// as another number ("7" for Int 5) shares a top value with String cells
// of that text: each cell's own number is counted (5, 7, 7, 7.5), as
// colState.observe and observeKnown agree to, inline and async, before and
// after the column leaves the top table.
func TestReview2TextNotValue(t *testing.T) {
	for _, overflow := range []bool{false, true} {
		for _, async := range []bool{false, true} {
			p := NewProfiler(Options{Async: async})
			p.AddColumn(0, "x")
			cells := []func(){
				func() { p.Observe(0, tabular.IntValue(5), []byte("7")) },
				func() { p.ObserveString(0, []byte("7")) },
				func() { p.Observe(0, tabular.StringValue([]byte("7")), []byte("7")) },
				func() { p.Observe(0, tabular.FloatValue(7.5), []byte("7")) },
			}
			for _, c := range cells {
				c()
				p.EndRow()
			}
			n, sum := int64(4), 26.5
			if overflow {
				for i := range 100 {
					p.ObserveString(0, []byte(strconv.Itoa(100+i)))
					p.EndRow()
					n, sum = n+1, sum+float64(100+i)
				}
			}
			prof, err := p.Profile()
			if err != nil {
				t.Fatal(err)
			}
			num := prof.Columns[0].Numeric
			if num == nil || num.Count != n || num.Min != 5 || math.Abs(num.Mean-sum/float64(n)) > 1e-9 {
				t.Errorf("overflow %v async %v: %+v, want count %d min 5 mean %v", overflow, async, num, n, sum/float64(n))
			}
		}
	}
}

// TestReview2DedupSpillDirGone: TempDir removed after some spills (and a
// compaction of 16 runs) were written: the later spills fail, and so does
// Profile, inline and async.
func TestReview2DedupSpillDirGone(t *testing.T) {
	for _, async := range []bool{false, true} {
		sub := filepath.Join(t.TempDir(), "sub")
		if err := os.Mkdir(sub, 0o700); err != nil {
			t.Fatal(err)
		}
		p := NewProfiler(Options{DedupBudget: 32 * 8, TempDir: sub, Async: async})
		p.AddColumn(0, "a")
		for i := range 400 {
			if i == 300 {
				if async {
					time.Sleep(50 * time.Millisecond) // let the worker spill the first rows
				}
				if err := os.RemoveAll(sub); err != nil {
					t.Fatal(err)
				}
			}
			p.ObserveString(0, []byte(strconv.Itoa(i%40)))
			p.EndRow()
		}
		if prof, err := p.Profile(); err == nil {
			t.Errorf("async %v: no error, %d duplicates", async, prof.DuplicateRows)
		}
	}
}
