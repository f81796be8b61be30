package quality

import (
	"regexp"
	"regexp/syntax"
)

// fixedMatcher matches a pattern anchored at both ends whose every
// position is one ASCII byte out of a set, such as ^[A-Z]{3}-[0-9]{4}$:
// a length test and a table lookup per byte, where a regexp.Regexp match
// of the same pattern costs about 250 ns. Patterns of any other shape
// (alternations, repetitions of unbounded or varying length, non-ASCII
// characters, case folding, unanchored) get no fixedMatcher and are
// matched by the regexp. The fuzz test holds it to the regexp's results.
type fixedMatcher struct {
	pos [][256]bool // pos[i]: the bytes allowed at position i
}

// maxFixedLen bounds the table (256 bytes a position).
const maxFixedLen = 256

// newFixedMatcher returns a fixedMatcher for re, or nil if re has another shape.
func newFixedMatcher(re *regexp.Regexp) *fixedMatcher {
	if re == nil {
		return nil
	}
	t, err := syntax.Parse(re.String(), syntax.Perl) // as regexp.Compile parses
	if err != nil {
		return nil
	}
	t = t.Simplify()
	var items []*syntax.Regexp
	flatten(t, &items)
	if len(items) < 2 || items[0].Op != syntax.OpBeginText || items[len(items)-1].Op != syntax.OpEndText {
		return nil
	}
	m := &fixedMatcher{}
	for _, it := range items[1 : len(items)-1] {
		if !m.add(it) || len(m.pos) > maxFixedLen {
			return nil
		}
	}
	return m
}

// flatten lists the items of nested concatenations and captures.
func flatten(t *syntax.Regexp, out *[]*syntax.Regexp) {
	switch t.Op {
	case syntax.OpConcat:
		for _, s := range t.Sub {
			flatten(s, out)
		}
	case syntax.OpCapture:
		flatten(t.Sub[0], out)
	case syntax.OpEmptyMatch:
	default:
		*out = append(*out, t)
	}
}

// add appends the positions of item t; false if t has another shape.
func (m *fixedMatcher) add(t *syntax.Regexp) bool {
	switch t.Op {
	case syntax.OpLiteral:
		if t.Flags&syntax.FoldCase != 0 {
			return false
		}
		for _, r := range t.Rune {
			if r >= 0x80 {
				return false
			}
			var set [256]bool
			set[r] = true
			m.pos = append(m.pos, set)
		}
		return true
	case syntax.OpCharClass:
		var set [256]bool
		for i := 0; i+1 < len(t.Rune); i += 2 {
			lo, hi := t.Rune[i], t.Rune[i+1]
			if lo >= 0x80 || hi >= 0x80 { // a class with non-ASCII runes (a negated class too)
				return false
			}
			for r := lo; r <= hi; r++ {
				set[r] = true
			}
		}
		m.pos = append(m.pos, set)
		return true
	case syntax.OpRepeat:
		if t.Min != t.Max || t.Min < 0 || t.Min > maxFixedLen {
			return false
		}
		for range t.Min {
			if !m.add(t.Sub[0]) || len(m.pos) > maxFixedLen {
				return false
			}
		}
		return true
	case syntax.OpConcat, syntax.OpCapture, syntax.OpEmptyMatch:
		var items []*syntax.Regexp
		flatten(t, &items)
		for _, it := range items {
			if !m.add(it) {
				return false
			}
		}
		return true
	}
	return false
}

// match reports whether b matches the pattern.
func (m *fixedMatcher) match(b []byte) bool {
	if len(b) != len(m.pos) {
		return false
	}
	for i, c := range b {
		if !m.pos[i][c] {
			return false
		}
	}
	return true
}
