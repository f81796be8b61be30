package pii

// Options configure a ColumnScanner. The zero value is ready to use.
type Options struct {
	// PhoneRegions are the regions whose national number formats are
	// recognized (numbers written without a country code); default
	// DefaultPhoneRegions.
	PhoneRegions []string
	// MaxExamples is how many masked examples a result keeps per type;
	// default 3, negative for none.
	MaxExamples int
	// MinConfidence is the confidence at which a type is reported;
	// default ReportThreshold.
	MinConfidence float64
}

// ColumnScanner finds the personal data in a table one cell at a time.
// Name the columns with AddColumn (optional), push every cell with
// Observe, then read Results. Results are correct for whatever rows were
// observed: all of them, or a sample the caller chose.
//
// Observe allocates nothing in the steady state: it reuses its buffers,
// and only the first few matches of a type in a column are masked and
// kept as examples. A ColumnScanner is not safe for concurrent use; scan
// parts of a table with one each and Merge them.
type ColumnScanner struct {
	opts  Options
	sc    *scanner
	cols  []*column
	found []cand // resolve's buffer
	// general has every cell take the general path (scan), not scanOne:
	// the differential tests compare the two.
	general bool
}

// column is what a ColumnScanner knows of one column.
type column struct {
	index    int
	name     string
	ctx      colContext
	rows     int
	nonEmpty int
	texty    int                // values that read as free text
	count    [numKinds]int      // values with at least one match of the kind
	sum      [numKinds]float64  // sum of each such value's best strength
	spans    [numKinds]int      // matches (several per value in free text)
	birth    int                // values holding a date plausible as a birth date
	ssn      ssnStats           // bare nine-digit values
	examples [numKinds][]string // masked
}

// NewColumnScanner returns a scanner configured by opts.
func NewColumnScanner(opts Options) *ColumnScanner {
	if opts.MaxExamples == 0 {
		opts.MaxExamples = 3
	}
	if opts.MinConfidence == 0 {
		opts.MinConfidence = ReportThreshold
	}
	return &ColumnScanner{opts: opts, sc: newScanner(opts.PhoneRegions)}
}

// AddColumn names column index; the name is context for its values
// ("email", "dob", "col7"). Naming a column again renames it.
func (s *ColumnScanner) AddColumn(index int, name string) {
	c := s.column(index)
	c.name, c.ctx = name, newColContext(name)
}

func (s *ColumnScanner) column(index int) *column {
	if index < 0 {
		index = 0
	}
	for len(s.cols) <= index {
		s.cols = append(s.cols, &column{index: len(s.cols)})
	}
	return s.cols[index]
}

// Observe scans one cell of column col (numbered from 0; the scanner keeps
// a little state for every index up to the highest it sees). It does not
// keep value.
func (s *ColumnScanner) Observe(col int, value []byte) {
	c := s.column(col)
	c.rows++
	v := trimSpace(value)
	if len(v) == 0 {
		return
	}
	c.nonEmpty++
	if len(v) == 9 {
		c.ssn.observe(v)
	}
	s.sc.weakPhone = c.ctx.boost[kPhone] > 0
	var cands []cand
	words := 0 // tokens, once a path has read the cell
	if !s.general {
		var one bool
		if cands, one = s.sc.scanOne(v); one { // a cell of one token: the fast path
			words = 1
		} else {
			cands, words = s.sc.scanGroups(v) // "+44 20 7946 0958", an IBAN in groups
		}
	}
	if words == 0 {
		cands = s.sc.scan(v)
		words = len(s.sc.toks)
	}
	if freeText(v, words) {
		// In free text only what would be a finding counts; weak matches
		// among many words are noise, not evidence.
		c.texty++
		s.found = resolve(s.found[:0], v, cands, &c.ctx, float32(s.opts.MinConfidence))
		cands = s.found
	}
	if len(cands) == 0 {
		return
	}
	birth := false
	for i, cd := range cands {
		birth = birth || (cd.k == kDate && cd.birth)
		c.spans[cd.k]++
		if bestOfKind(cands, i) {
			c.count[cd.k]++
			c.sum[cd.k] += float64(cd.s)
			if len(c.examples[cd.k]) < s.opts.MaxExamples {
				c.examples[cd.k] = append(c.examples[cd.k], Mask(cd.k.String(), v[cd.start:cd.end]))
			}
		}
	}
	if birth {
		c.birth++
	}
}

// bestOfKind reports whether cands[i] is the strongest of its kind in
// cands (the first, among equals): a value counts once per kind.
func bestOfKind(cands []cand, i int) bool {
	for j, o := range cands {
		if j != i && o.k == cands[i].k && (o.s > cands[i].s || (o.s == cands[i].s && j < i)) {
			return false
		}
	}
	return true
}

// freeText reports whether a value of the given number of words reads as
// prose rather than a field: six words or more, or a long value of three.
func freeText(v []byte, words int) bool {
	return words >= 6 || (len(v) > 80 && words >= 3)
}

// Merge adds what o observed to s, column by column, as if s had
// observed it too. Both must have been made with the same Options.
func (s *ColumnScanner) Merge(o *ColumnScanner) {
	for _, oc := range o.cols {
		c := s.column(oc.index)
		if c.name == "" && oc.name != "" {
			c.name, c.ctx = oc.name, oc.ctx
		}
		c.rows += oc.rows
		c.nonEmpty += oc.nonEmpty
		c.texty += oc.texty
		c.birth += oc.birth
		c.ssn.merge(&oc.ssn)
		for k := range c.count {
			c.count[k] += oc.count[k]
			c.sum[k] += oc.sum[k]
			c.spans[k] += oc.spans[k]
			for _, e := range oc.examples[k] {
				if len(c.examples[k]) < s.opts.MaxExamples {
					c.examples[k] = append(c.examples[k], e)
				}
			}
		}
	}
}
