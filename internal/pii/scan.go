package pii

import "sync"

// ReportThreshold is the confidence at or above which Scan returns a
// finding and a ColumnScanner reports a type, unless Options say
// otherwise.
const ReportThreshold = 0.5

var scanners = sync.Pool{New: func() any { return newScanner(nil) }}

// Scan finds personal data and secrets in free text and returns them as
// non-overlapping findings sorted by Start. contextHint is what the caller
// knows of the text, such as a column or field name ("notes",
// "patient_email"); like words near a value in the text, it raises or
// lowers confidence but never makes a finding on its own. Scan is safe for
// concurrent use.
func Scan(text []byte, contextHint string) []Finding {
	sc := scanners.Get().(*scanner)
	defer scanners.Put(sc)
	hint := newColContext(contextHint)
	sc.weakPhone = hint.boost[kPhone] > 0
	cands := resolve(nil, text, sc.scan(text), &hint, ReportThreshold)
	if len(cands) == 0 {
		return nil
	}
	out := make([]Finding, len(cands))
	for i, c := range cands {
		out[i] = Finding{Type: c.k.String(), Start: int(c.start), End: int(c.end), Confidence: round3(c.s)}
	}
	return out
}

// round3 rounds a confidence to three decimals, so that reports and
// golden files do not carry float32 noise.
func round3(f float32) float64 {
	return float64(int(float64(f)*1000+0.5)) / 1000
}
