package pii

import (
	"math"
	"slices"
)

// ColumnResult is what a ColumnScanner found in one column.
type ColumnResult struct {
	Index    int          `json:"index"`
	Name     string       `json:"name"`
	Rows     int          `json:"rows"`      // values observed, empty ones included
	NonEmpty int          `json:"non_empty"` // values that were not blank
	FreeText bool         `json:"free_text"` // most values read as prose; Types count values containing a match
	Types    []TypeResult `json:"types,omitempty"`
}

// TypeResult is one type of personal data found in a column.
type TypeResult struct {
	Type string `json:"type"`
	// Matches is the number of non-empty values that are (or, in free
	// text, contain) this type, and Share that number over NonEmpty.
	Matches int     `json:"matches"`
	Share   float64 `json:"share"`
	// Spans counts every match, several per value in free text.
	Spans int `json:"spans"`
	// Confidence in [0, 1] that the column holds this type, from how
	// strongly its values matched, their share, and the column's name.
	Confidence float64 `json:"confidence"`
	// Examples are masked matches (Mask); never raw values.
	Examples []string `json:"examples,omitempty"`
}

// Results returns every column observed or named, in index order, each
// with the types whose confidence reaches Options.MinConfidence, most
// confident first.
func (s *ColumnScanner) Results() []ColumnResult {
	out := make([]ColumnResult, 0, len(s.cols))
	for _, c := range s.cols {
		r := ColumnResult{Index: c.index, Name: c.name, Rows: c.rows, NonEmpty: c.nonEmpty,
			FreeText: c.nonEmpty > 0 && c.texty*2 >= c.nonEmpty}
		for k := kind(1); k < numKinds; k++ {
			if !k.reported() {
				continue
			}
			conf := c.confidence(k, r.FreeText)
			if conf < s.opts.MinConfidence {
				continue
			}
			n := c.count[k]
			if k == kDOB {
				n = max(n, c.birth)
			}
			r.Types = append(r.Types, TypeResult{
				Type: k.String(), Matches: n, Share: round3(float32(n) / float32(c.nonEmpty)),
				Spans: max(c.spans[k], n), Confidence: conf, Examples: slices.Clone(c.examples[k]),
			})
		}
		slices.SortStableFunc(r.Types, func(a, b TypeResult) int {
			return -cmpFloat(a.Confidence, b.Confidence)
		})
		out = append(out, r)
	}
	return out
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// Column-level evidence: when nearly every value of a column passes a
// check that random values rarely pass, the column says more than any one
// value. A nine-digit number passes the BSN 11-proof one time in eleven;
// a whole column of them is a column of BSNs.
var columnEvidence = [numKinds]struct {
	share float64
	bonus float64
}{
	kNationalID: {0.9, 0.3}, // check digits: BSN 11-proof, Steuer-ID
	kPerson:     {0.6, 0.2}, // dictionary names in most values
}

// confidence that column c holds kind k.
func (c *column) confidence(k kind, freeText bool) float64 {
	if c.nonEmpty == 0 {
		return 0
	}
	if k == kDOB {
		return c.dobConfidence(freeText)
	}
	n := c.count[k]
	if n == 0 {
		return 0
	}
	mean := c.sum[k] / float64(n)
	share := float64(n) / float64(c.nonEmpty)
	var conf float64
	if freeText {
		// Values already passed the report threshold one by one; a lone
		// weak match in a long column is more likely noise.
		conf = mean
		if n == 1 && c.nonEmpty >= 20 && mean < 0.8 {
			conf -= 0.1
		}
	} else {
		conf = float64(amplify(float32(mean*math.Min(1, share/0.5)), c.ctx.boost[k]))
		if e := columnEvidence[k]; e.bonus > 0 && share >= e.share && n >= 10 {
			conf += e.bonus
		}
		if k == kSSN {
			conf += c.ssn.evidence(c.nonEmpty)
		}
	}
	return round3(float32(math.Max(0, math.Min(conf, 0.99))))
}

// dobConfidence: dates of plausible birth years are a date of birth only
// with birth context, from the column name or (in free text) nearby words.
func (c *column) dobConfidence(freeText bool) float64 {
	conf := 0.0
	if c.count[kDOB] > 0 {
		conf = c.sum[kDOB] / float64(c.count[kDOB])
	}
	if !freeText && c.birth > 0 {
		share := float64(c.birth) / float64(c.nonEmpty)
		conf = math.Max(conf, dobBase*math.Min(1, share/0.5)+float64(c.ctx.boost[kDOB]))
	}
	return round3(float32(math.Max(0, math.Min(conf, 0.99))))
}
