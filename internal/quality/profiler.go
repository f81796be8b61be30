package quality

import (
	"cmp"
	"encoding/binary"
	"math"
	"regexp"
	"slices"
	"time"

	"github.com/coffer-vault/coffer/internal/tabular"
)

// Limits of a profile.
const (
	// DefaultMaxColumns is how many columns a profile describes; the
	// rest are counted in OmittedColumns.
	DefaultMaxColumns = 1024
	// TopCap is the most distinct values a column may have for its top
	// values to be kept: past it the exact counts are dropped.
	TopCap = 64
	// TopShown is how many top values a profile lists.
	TopShown = 10
)

// Options configure a Profiler.
type Options struct {
	// Rules are value-level rules to count in the same pass (from a
	// dataset's checks: Checks.Rules).
	Rules []Rule
	// DedupBudget is the memory for row hashes (0: DefaultDedupBudget);
	// past it sorted runs spill to temporary files in TempDir.
	DedupBudget int
	TempDir     string
	MaxColumns  int // 0: DefaultMaxColumns
	// Async profiles on a goroutine of its own (see async.go).
	Async bool
}

// Rule is a value-level rule counted per value of Column.
type Rule struct {
	ID     string
	Column string
	In     map[string]bool // values in a set
	Regex  *regexp.Regexp  // pattern match
	// Outliers: IQR > 0 counts values beyond IQR times the interquartile
	// range outside the quartiles; Z > 0 values more than Z standard
	// deviations from the mean.
	IQR, Z float64
}

// Profiler builds a Profile from a stream of rows in bounded memory:
// per column a HyperLogLog sketch, a KLL sketch of numeric values,
// shifted sums for the mean and variance, exact top values up to TopCap, and a
// 128-bit hash of every row for duplicates.
type Profiler struct {
	o      Options
	cols   []*colState
	rows   int64
	dd     *dedup
	row    rowFold // the current row's hash, folded from its cells' hashes
	rules  map[string][]*ruleState
	byName map[string]*colState
	async  *async
}

type colState struct {
	name          string
	values, nulls int64
	types         [nTypes]int64
	hll           *hll // nil while top counts every distinct value (see observe)
	kll           *kll
	numN          int64
	shift         float64 // the first number: sums are of x - shift, which keeps them stable
	s1, s2        float64 // sums of x - shift and of its squares
	min, max      float64
	timeN         int64
	minT, maxT    int64
	minLen        int
	maxLen        int
	top           *topTable // exact counts; nil once past TopCap values
	rules         []*ruleState
	// The day of the last timestamp inferred from text (its first eight
	// and next two bytes) as days since 1970: the cells of a timestamp
	// column mostly fall on the day of the cell before.
	day8, day2 uint64
	dayN       int64
	dayOK      bool
}

type ruleState struct {
	Rule
	checked, matched int64
	col              *colState
	fixed            *fixedMatcher // Regex as a table, when it has that shape
}

// NewProfiler returns a Profiler with options o.
func NewProfiler(o Options) *Profiler {
	if o.MaxColumns <= 0 {
		o.MaxColumns = DefaultMaxColumns
	}
	p := &Profiler{o: o, dd: newDedup(o.DedupBudget, o.TempDir),
		rules: map[string][]*ruleState{}, byName: map[string]*colState{}}
	for _, r := range o.Rules {
		p.rules[r.Column] = append(p.rules[r.Column], &ruleState{Rule: r, fixed: newFixedMatcher(r.Regex)})
	}
	if o.Async {
		p.startAsync()
	}
	return p
}

// A nil *Profiler ignores AddColumn, Observe and EndRow. Cells belong to
// the row the next EndRow ends: every row, the last too, ends with EndRow,
// and a column is added before the first cell of it.

// AddColumn names column i; columns are added in order, before the
// first row that has them. A column that appears after some rows (a
// JSON Lines key seen late) counts those rows as missing.
func (p *Profiler) AddColumn(i int, name string) {
	switch {
	case p == nil:
	case p.async != nil:
		p.async.addColumn(i, name)
	default:
		p.addColumn(i, name)
	}
}

func (p *Profiler) addColumn(i int, name string) {
	if i != len(p.cols) {
		return
	}
	var c *colState
	if i < p.o.MaxColumns {
		c = &colState{name: name, nulls: p.rows, min: math.Inf(1), max: math.Inf(-1),
			minT: math.MaxInt64, maxT: math.MinInt64, minLen: math.MaxInt, top: &topTable{}}
		for _, r := range p.rules[name] {
			r.col = c
			c.rules = append(c.rules, r)
		}
	}
	p.cols = append(p.cols, c)
}

// Observe adds the value of column i in the current row: v and its text
// (v.AppendText; nil for a null).
func (p *Profiler) Observe(i int, v tabular.Value, text []byte) {
	if p == nil {
		return
	}
	kind, num := v.Kind(), 0.0
	switch kind {
	case tabular.Int:
		num = float64(v.Int())
	case tabular.Float:
		num = v.Float()
	}
	if p.async != nil {
		p.async.observe(i, kind, num, text)
		return
	}
	p.observe(i, kind, num, text)
}

// observe adds a cell of the given kind: num is its number if it is an
// Int or Float cell.
func (p *Profiler) observe(i int, kind tabular.Kind, num float64, text []byte) {
	if kind == tabular.Null {
		p.row.add(nullHash)
		if i < len(p.cols) && p.cols[i] != nil {
			p.cols[i].nulls++
		}
		return
	}
	if kind == tabular.String {
		p.observeString(i, text)
		return
	}
	h := cellHash(text)
	p.row.add(h)
	if i >= len(p.cols) || p.cols[i] == nil {
		return
	}
	p.cols[i].observe(kind, num, text, h.Lo)
}

// ObserveString adds a String cell of column i with the given text:
// Observe(i, tabular.StringValue(text), text), without passing the Value.
func (p *Profiler) ObserveString(i int, text []byte) {
	if p == nil {
		return
	}
	if p.async != nil {
		p.async.observe(i, tabular.String, 0, text)
		return
	}
	p.observeString(i, text)
}

// observeString adds a String cell: observe, in one function for the
// commonest kind of cell (every cell of a CSV file).
func (p *Profiler) observeString(i int, text []byte) {
	var c *colState
	if uint(i) < uint(len(p.cols)) {
		c = p.cols[i]
	}
	if c != nil && c.top != nil && uint(len(text)-1) < shortLen {
		// A short value of a low-cardinality column seen before: its hash
		// and its place in the top table are remembered, not worked out.
		if k, h, ok := c.top.recall(text); ok {
			p.row.add(h)
			c.values++
			c.minLen = min(c.minLen, len(text))
			c.maxLen = max(c.maxLen, len(text))
			c.top.n[k]++
			c.observeKnown(k, text)
			return
		}
	}
	h := cellHash(text)
	p.row.add(h)
	if c == nil {
		return
	}
	if len(text) == 0 {
		c.nulls++
		return
	}
	c.values++
	c.minLen = min(c.minLen, len(text))
	c.maxLen = max(c.maxLen, len(text))
	if c.top != nil {
		if k := c.top.add(h.Lo, text); k >= 0 {
			if len(text) <= shortLen {
				c.top.remember(text, h, k)
			}
			c.observeKnown(k, text)
			return
		}
		c.leaveTop()
	}
	c.hll.add(h.Lo)
	t, num, unix := c.inferString(text)
	c.types[t]++
	switch t {
	case tInt, tFloat:
		if !math.IsNaN(num) && !math.IsInf(num, 0) { // as in observe; inferText gives neither
			c.addNumber(num)
		}
	case tDate, tTimestamp:
		c.timeN++
		c.minT, c.maxT = min(c.minT, unix), max(c.maxT, unix)
	}
	if len(c.rules) > 0 {
		for _, r := range c.rules {
			r.count1(t, r.matches(text))
		}
	}
}

// observeKnown adds a String cell whose text is value k of the column's
// top table: its type, number and rule outcomes are the value's, worked
// out once.
func (c *colState) observeKnown(k int, text []byte) {
	tt := c.top
	if !tt.typed[k] {
		tt.typed[k] = true
		tt.typ[k], tt.num[k], tt.unix[k] = c.inferString(text)
	}
	t := tt.typ[k]
	c.types[t]++
	switch t {
	case tInt, tFloat:
		// Counted in the top table, added to the statistics once with its
		// count (colState.observe, for a cell of another kind of the same
		// text, keeps to the same rule).
		if x := tt.num[k]; tt.deferred[k] == 0 || tt.dnum[k] == x {
			tt.dnum[k] = x
			tt.deferred[k]++
		} else {
			c.addNumber(x)
		}
	case tDate, tTimestamp:
		c.timeN++
		c.minT, c.maxT = min(c.minT, tt.unix[k]), max(c.maxT, tt.unix[k])
	}
	if len(c.rules) == 0 {
		return
	}
	if len(c.rules) > 64 {
		for _, r := range c.rules {
			r.count1(t, r.matches(text))
		}
		return
	}
	if !tt.ruled[k] {
		var m uint64
		for j, r := range c.rules {
			if r.matches(text) {
				m |= 1 << j
			}
		}
		tt.ruled[k], tt.matched[k] = true, m
	}
	for j, r := range c.rules {
		r.count1(t, tt.matched[k]>>j&1 == 1)
	}
}

// leaveTop turns a column whose values have gone past TopCap into one
// counted by its HyperLogLog.
func (c *colState) leaveTop() {
	c.flushNumbers()
	c.hll = newHLL()
	for _, th := range c.top.hash[:len(c.top.vals)] {
		c.hll.add(th)
	}
	c.top = nil // not a low-cardinality column
}

// inferString is inferText for a cell of this column, remembering the day
// of the last timestamp: a cell on the same day reads only its clock.
func (c *colState) inferString(b []byte) (vtype, float64, int64) {
	if len(b) > 10 && c.dayOK && binary.LittleEndian.Uint64(b) == c.day8 &&
		uint64(binary.LittleEndian.Uint16(b[8:])) == c.day2 {
		if secs, ok := fastClock(b[10:]); ok {
			return tTimestamp, 0, c.dayN*86400 + secs
		}
	}
	t, num, unix := inferText(b)
	if t == tTimestamp && len(b) > 10 {
		if days, ok := fastDate(b); ok {
			c.day8, c.day2 = binary.LittleEndian.Uint64(b), uint64(binary.LittleEndian.Uint16(b[8:]))
			c.dayN, c.dayOK = days, true
		}
	}
	return t, num, unix
}

// EndRow ends the current row.
func (p *Profiler) EndRow() {
	switch {
	case p == nil:
	case p.async != nil:
		p.async.endRow()
	default:
		p.endRow()
	}
}

func (p *Profiler) endRow() {
	p.rows++
	p.dd.add(p.row.sum())
	p.row = rowFold{}
}

func (c *colState) observe(kind tabular.Kind, x float64, text []byte, h uint64) {
	c.values++
	// While the column has at most TopCap distinct values, top holds each
	// one's hash: the HyperLogLog, whose registers depend only on the set
	// of distinct hashes, is built from them when a value past TopCap
	// comes, with the same registers as if it had seen every value.
	k := -1
	if c.top != nil {
		if k = c.top.add(h, text); k < 0 {
			c.leaveTop()
		}
	}
	if c.top == nil {
		c.hll.add(h)
	}
	c.minLen = min(c.minLen, len(text))
	c.maxLen = max(c.maxLen, len(text))
	var t vtype
	var num float64
	var unix int64
	switch kind {
	case tabular.Int:
		t, num = tInt, x
	case tabular.Float:
		t, num = tFloat, x
	case tabular.Bool:
		t = tBool
	case tabular.JSON:
		t = tJSON
	default: // String cells go to observeString
		t, num, unix = inferText(text)
	}
	c.types[t]++
	switch t {
	case tInt, tFloat:
		switch {
		case math.IsNaN(num) || math.IsInf(num, 0): // NaN and infinities (Parquet) have no place in a mean
		case k >= 0 && (c.top.deferred[k] == 0 || c.top.dnum[k] == num):
			// A value of a low-cardinality column: counted in the top
			// table, added to the statistics once with its count. Cells of
			// one text have one number, whatever their kind; one that
			// does not (a caller's text that is not the value's) is added
			// on its own.
			c.top.dnum[k] = num
			c.top.deferred[k]++
		default:
			c.addNumber(num)
		}
	case tDate, tTimestamp:
		c.timeN++
		c.minT, c.maxT = min(c.minT, unix), max(c.maxT, unix)
	}
	if len(c.rules) == 0 {
		return
	}
	if k >= 0 && len(c.rules) <= 64 { // a value seen before: its rules' outcomes too
		if !c.top.ruled[k] {
			var m uint64
			for j, r := range c.rules {
				if r.matches(text) {
					m |= 1 << j
				}
			}
			c.top.ruled[k], c.top.matched[k] = true, m
		}
		for j, r := range c.rules {
			r.count1(t, c.top.matched[k]>>j&1 == 1)
		}
		return
	}
	for _, r := range c.rules {
		r.count1(t, r.matches(text))
	}
}

// addNumber updates the shifted sums (no division per value; the shift by
// the first value keeps the variance free of cancellation for data whose
// spread is small against its magnitude), the sketch and the extremes.
func (c *colState) addNumber(x float64) {
	if c.kll == nil {
		c.kll = newKLL()
		c.shift = x
	}
	c.kll.add(x)
	c.numN++
	d := x - c.shift
	c.s1 += d
	c.s2 += d * d
	if x < c.min { // x is not NaN: plain comparisons do
		c.min = x
	}
	if x > c.max {
		c.max = x
	}
}

// flushNumbers adds the numeric values the top table holds deferred, each
// once with its count: for a low-cardinality column this is all its
// numbers, and its quantiles come out exact.
func (c *colState) flushNumbers() {
	t := c.top
	if t == nil {
		return
	}
	for k := range t.vals {
		n := t.deferred[k]
		if n == 0 {
			continue
		}
		t.deferred[k] = 0
		x := t.dnum[k]
		if c.kll == nil {
			c.kll = newKLL()
			c.shift = x
		}
		c.kll.addWeighted(x, n)
		c.numN += n
		d, w := x-c.shift, float64(n)
		c.s1 += w * d
		c.s2 += w * d * d
		c.min, c.max = min(c.min, x), max(c.max, x)
	}
}

// meanSD returns the mean and the population standard deviation.
func (c *colState) meanSD() (float64, float64) {
	n := float64(c.numN)
	v := (c.s2 - c.s1*c.s1/n) / n
	return c.shift + c.s1/n, math.Sqrt(max(v, 0))
}

// matches reports whether text is in the rule's set or matches its
// pattern (false for outlier rules).
func (r *ruleState) matches(text []byte) bool {
	switch {
	case r.In != nil:
		return r.In[string(text)]
	case r.fixed != nil:
		return r.fixed.match(text)
	case r.Regex != nil:
		return r.Regex.Match(text)
	}
	return false
}

// count1 counts one non-null value of type t that matched or not.
func (r *ruleState) count1(t vtype, matched bool) {
	switch {
	case r.In != nil || r.Regex != nil:
		r.checked++
		if matched {
			r.matched++
		}
	case t == tInt || t == tFloat: // outliers: counted from the sketch at the end
		r.checked++
	}
}

// Profile finishes the profile. It releases the Profiler's temporary
// files; call it once.
func (p *Profiler) Profile() (*Profile, error) {
	p.stopAsync()
	dups, err := p.dd.duplicates()
	if err != nil {
		return nil, err
	}
	prof := &Profile{Rows: p.rows, DuplicateRows: dups}
	for _, c := range p.cols { // first: a rule counts from the last column of its name
		if c != nil {
			c.flushNumbers()
		}
	}
	for _, c := range p.cols {
		if c == nil {
			prof.OmittedColumns++
			continue
		}
		prof.Columns = append(prof.Columns, c.profile(p.rows))
		for _, r := range c.rules {
			prof.Rules = append(prof.Rules, r.count())
		}
	}
	for _, r := range p.o.Rules { // rules of columns the data does not have
		if prof.Rule(r.ID) == nil {
			prof.Rules = append(prof.Rules, RuleCount{ID: r.ID, Column: r.Column})
		}
	}
	return prof, nil
}

// Close releases temporary files if Profile was not called.
func (p *Profiler) Close() {
	if p != nil {
		p.stopAsync()
		p.dd.close()
	}
}

func (p *Profiler) stopAsync() {
	if p.async != nil {
		p.async.wait()
		p.async = nil
	}
}

func (c *colState) profile(rows int64) Column {
	col := Column{Name: c.name, Type: "empty", Values: c.values, Missing: rows - c.values}
	if rows > 0 {
		col.Completeness = float64(c.values) / float64(rows)
	}
	if c.values == 0 {
		return col
	}
	col.Types = map[string]int64{}
	best := vtype(0)
	for t, n := range c.types {
		if n > 0 {
			col.Types[typeNames[t]] = n
		}
		if n > c.types[best] {
			best = vtype(t)
		}
	}
	conforming := c.types[best]
	if best == tInt && c.types[tFloat] > 0 || best == tFloat {
		best, conforming = tFloat, c.types[tInt]+c.types[tFloat]
	}
	col.Type = typeNames[best]
	col.Conformance = float64(conforming) / float64(c.values)
	if c.top != nil { // at most TopCap distinct values: exact
		col.Distinct = int64(len(c.top.vals))
	} else {
		col.Distinct = int64(math.Round(c.hll.estimate()))
		col.Distinct = min(max(col.Distinct, 1), c.values)
	}
	col.Uniqueness = float64(col.Distinct) / float64(c.values)
	col.MinLength, col.MaxLength = c.minLen, c.maxLen
	if c.numN > 0 {
		mean, sd := c.meanSD()
		col.Numeric = &Numeric{Count: c.numN, Min: c.min, Max: c.max, Mean: mean, StdDev: sd}
		if math.IsNaN(mean) || math.IsInf(mean, 0) || math.IsNaN(sd) || math.IsInf(sd, 0) {
			// values near the float64 limits: their sums overflow
			col.Numeric.Mean, col.Numeric.StdDev, col.Numeric.Overflow = 0, 0, true
		}
		for i, v := range c.kll.quantiles(QuantileRanks) {
			col.Numeric.Quantiles = append(col.Numeric.Quantiles, Quantile{QuantileRanks[i], v})
		}
	}
	if c.timeN > 0 {
		col.MinTime = time.Unix(c.minT, 0).UTC().Format(time.RFC3339)
		col.MaxTime = time.Unix(c.maxT, 0).UTC().Format(time.RFC3339)
	}
	if c.top != nil {
		for k, v := range c.top.vals {
			col.Top = append(col.Top, ValueCount{v, c.top.n[k]})
		}
		slices.SortFunc(col.Top, func(a, b ValueCount) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Value, b.Value))
		})
		col.Top = col.Top[:min(len(col.Top), TopShown)]
	}
	return col
}

// count finishes a rule; outliers are counted from the column's sketch.
func (r *ruleState) count() RuleCount {
	rc := RuleCount{ID: r.ID, Column: r.Column, Checked: r.checked, Matched: r.matched}
	c := r.col
	if r.In != nil || r.Regex != nil || c == nil || c.kll == nil || c.numN == 0 {
		return rc
	}
	var lo, hi float64
	if r.IQR > 0 {
		q := c.kll.quantiles([]float64{0.25, 0.75})
		iqr := q[1] - q[0]
		lo, hi = q[0]-r.IQR*iqr, q[1]+r.IQR*iqr
	} else {
		mean, sd := c.meanSD()
		lo, hi = mean-r.Z*sd, mean+r.Z*sd
	}
	below := c.kll.rank(lo)
	atMost := c.kll.rankAtMost(hi)
	rc.Matched = int64(math.Round((below + 1 - atMost) * float64(c.numN)))
	rc.Estimated = c.kll.compacted
	return rc
}
