package pii

import (
	"encoding/binary"
	"math/bits"
	"slices"
	"time"
)

// cand is one recognizer match: a kind, a span of the scanned text and a
// strength in (0, 1]. Matches of different kinds may share or overlap a
// span; Scan resolves them, a ColumnScanner counts them all.
type cand struct {
	k          kind
	birth      bool // kDate: plausible as a date of birth
	start, end int32
	s          float32
}

// token is a run of non-space bytes; [cs, ce) is its core without
// wrapping punctuation such as quotes, brackets and a trailing comma.
type token struct {
	start, end int32
	cs, ce     int32
	mask       uint16 // classes of any of the core's bytes
	all        uint16 // classes of all of the core's bytes
	lex        uint16 // lexicon roles of the core, once looked
	looked     bool
}

// scanner finds candidates in text. It keeps its buffers between calls,
// so a ColumnScanner's scan of a cell allocates nothing; it is not safe
// for concurrent use.
type scanner struct {
	phone    *phoneParser
	thisYear int
	text     []byte
	toks     []token
	cands    []cand
	// weakPhone asks for bare digit strings to be checked as phone
	// numbers even without a phone keyword nearby (a column named
	// "phone"); otherwise they are skipped, since alone they can never
	// reach the report threshold.
	weakPhone bool
}

func newScanner(regions []string) *scanner {
	return &scanner{phone: newPhoneParser(regions), thisYear: time.Now().Year()}
}

// scan fills sc.cands with every candidate in text.
func (sc *scanner) scan(text []byte) []cand {
	sc.text, sc.cands = text, sc.cands[:0]
	sc.tokenize()
	for i := 0; i < len(sc.toks); {
		i += sc.at(i)
	}
	return sc.cands
}

func (sc *scanner) add(k kind, start, end int32, s float32) {
	if s > 0 && end > start {
		sc.cands = append(sc.cands, cand{k: k, start: start, end: end, s: min(s, 0.99)})
	}
}

// tokenize splits text at white space and finds each token's core, with
// the classes of its bytes, in one pass over the text. Most cells of a
// table have no white space and are one token.
func (sc *scanner) tokenize() {
	t := sc.text
	sc.toks = sc.toks[:0]
	toks := sc.toks
	for i := 0; i < len(t); {
		for i < len(t) && isSpace(t[i]) {
			i++
		}
		if i == len(t) {
			break
		}
		j, m, all := i, uint16(0), ^uint16(0)
		// Eight bytes at a time while none is white space (the lookups
		// are independent, so they overlap), then byte by byte. Whether
		// a block holds white space is decided on the eight bytes as one
		// word first (lowBytes): most tokens of a multi-token cell are
		// shorter than eight bytes, and their bytes up to the space
		// are then read once, without a test for white space.
		for ; j+8 <= len(t); j += 8 {
			// The bytes are taken from the word, not the slice, so that
			// the compiler loads them once, as one word.
			x := binary.LittleEndian.Uint64(t[j : j+8 : j+8])
			if k := lowBytes(x); k < 8 {
				if isSpace(byte(x >> (8 * k))) {
					// The token ends at byte k: the bytes before it are
					// not below 0x21, so not white space.
					for range k {
						c := classes[byte(x)]
						m |= c
						all &= c
						x >>= 8
					}
					j += k
					goto end
				}
				break // a control byte: byte by byte from here
			}
			c0, c1, c2, c3 := classes[byte(x)], classes[byte(x>>8)], classes[byte(x>>16)], classes[byte(x>>24)]
			c4, c5, c6, c7 := classes[byte(x>>32)], classes[byte(x>>40)], classes[byte(x>>48)], classes[byte(x>>56)]
			m |= (c0 | c1 | c2 | c3) | (c4 | c5 | c6 | c7)
			all &= (c0 & c1 & c2 & c3) & (c4 & c5 & c6 & c7)
		}
		for ; j < len(t); j++ {
			c := classes[t[j]]
			if c&cSpace != 0 {
				break
			}
			m |= c
			all &= c
		}
	end:
		cs, ce := i, j
		if !plainEdges(t, i, j) {
			cs, ce = unwrap(t, i, j)
			if cs != i || ce != j { // classes of the core only
				m, all = maskOf(t[cs:ce])
			}
		}
		toks = append(toks, token{start: int32(i), end: int32(j), cs: int32(cs), ce: int32(ce), mask: m, all: all})
		i = j
	}
	sc.toks = toks
}

// lowBytes returns the index of the first of the eight bytes of x (in
// memory order: x read little-endian) below 0x21, which white space is,
// or 8 if none is. The test on all eight at once marks every byte below
// 0x21 and may mark a byte above a marked one by the subtraction's
// borrow, never one below: the lowest mark is exact.
func lowBytes(x uint64) int {
	const ones, highs = 0x0101010101010101, 0x8080808080808080
	return bits.TrailingZeros64((x-0x21*ones)&^x&highs) >> 3
}

// maskOf returns the classes of any and of all bytes of b.
func maskOf(b []byte) (m, all uint16) {
	all = ^uint16(0)
	for _, c := range b {
		m |= classes[c]
		all &= classes[c]
	}
	return m, all
}

// Bytes that wrap a token's core: quotes and brackets before it; those
// and sentence punctuation after it.
const (
	wrapOpen  = 1
	wrapClose = 2
)

var wraps = func() (t [256]uint8) {
	for _, c := range []byte(`"'([{<`) {
		t[c] |= wrapOpen
	}
	for _, c := range []byte(`"')]}>,;!?`) {
		t[c] |= wrapClose
	}
	return t
}()

// edges says which bytes may start (edgeFirst) and end (edgeLast) a
// token whose core is the whole token: not a wrapping byte, not
// non-ASCII (a typographic quote starts so), and at the end not '.' or
// ':' either. One lookup per end instead of six comparisons.
const (
	edgeFirst = 1
	edgeLast  = 2
)

var edges = func() (t [256]uint8) {
	for c := range t {
		if wraps[c] == 0 && c < 0x80 {
			t[c] = edgeFirst
			if c != '.' && c != ':' {
				t[c] |= edgeLast
			}
		}
	}
	return t
}()

// plainEdges reports whether the token t[i:j] (not empty) is its own
// core as far as its first and last bytes tell: the common case.
func plainEdges(t []byte, i, j int) bool {
	return edges[t[i]]&edgeFirst&(edges[t[j-1]]&edgeLast>>1) != 0
}

// unwrap returns the core [cs, ce) of the token t[i:j]: without wrapping
// quotes and brackets (ASCII, and the typographic « » “ ” ‘ ’) and without
// a trailing '.' or ':' unless the token is an initial ("J.").
func unwrap(t []byte, i, j int) (cs, ce int) {
	cs, ce = i, j
	if plainEdges(t, i, j) {
		return cs, ce // the common case: nothing to strip
	}
	for cs < ce {
		if wraps[t[cs]]&wrapOpen != 0 {
			cs++
		} else if n := typographicQuote(t[cs:ce]); n > 0 {
			cs += n
		} else {
			break
		}
	}
	for ce > cs {
		if wraps[t[ce-1]]&wrapClose != 0 {
			ce--
		} else if t[ce-1] < 0x80 {
			break
		} else if n := trailingQuote(t[cs:ce]); n > 0 {
			ce -= n
		} else {
			break
		}
	}
	for ce > cs && (t[ce-1] == '.' || t[ce-1] == ':') && !initial(t[cs:ce]) {
		ce--
	}
	return cs, ce
}

// typographicQuote returns the length of the quote mark « » “ ” ‘ ’ that
// b starts with, or 0.
func typographicQuote(b []byte) int {
	switch {
	case len(b) >= 2 && b[0] == 0xc2 && (b[1] == 0xab || b[1] == 0xbb):
		return 2
	case len(b) >= 3 && b[0] == 0xe2 && b[1] == 0x80 && b[2] >= 0x98 && b[2] <= 0x9d:
		return 3
	}
	return 0
}

// trailingQuote returns the length of the quote mark b ends with, or 0.
func trailingQuote(b []byte) int {
	if len(b) >= 3 && typographicQuote(b[len(b)-3:]) == 3 {
		return 3
	}
	if len(b) >= 2 && typographicQuote(b[len(b)-2:]) == 2 {
		return 2
	}
	return 0
}

// initial reports whether w is one capital letter and a dot ("J.").
func initial(w []byte) bool { return len(w) == 2 && isUpper(w[0]) && w[1] == '.' }

func (sc *scanner) core(i int) []byte { t := &sc.toks[i]; return sc.text[t.cs:t.ce] }

// at runs the recognizers that can start at token i and returns how many
// tokens they consumed (at least one).
func (sc *scanner) at(i int) int {
	t := &sc.toks[i]
	w := sc.text[t.cs:t.ce]
	if len(w) == 0 {
		return 1
	}
	switch {
	case t.mask&cAt != 0:
		sc.emailOrURL(i, w, t.mask&cColon != 0)
		return 1
	case t.mask&cColon != 0 && t.mask&cSlash != 0 && schemeEnd(w) >= 0:
		sc.add(kURL, t.cs, t.ce, urlStrength(w))
		return 1
	case w[0]|0x20 == 'w' && hasPrefixFold(w, "www."):
		sc.add(kURL, t.cs, t.ce, urlStrength(w))
		return 1
	case w[0] == '-' && hasPrefixFold(w, "-----begin"):
		return sc.pem(i)
	case t.mask&^(cDigit|cDash|cDot|cSlash|cParen|cPlus|cColon|cHex) == 0 && t.mask&cDigit != 0 && isNumericStart(w):
		return sc.numeric(i)
	case t.mask&cDigit != 0 && t.mask&(cAlpha) != 0:
		return sc.alnum(i)
	case isCapital(w):
		return sc.word(i)
	}
	return 1
}

// isNumericStart: a token that starts a number, a date or a phone number.
func isNumericStart(w []byte) bool {
	return isDigit(w[0]) || ((w[0] == '+' || w[0] == '(') && len(w) > 1 && isDigit(w[1]))
}

// isCapital reports whether w starts with a capital letter (ASCII or
// Latin-1 in UTF-8).
func isCapital(w []byte) bool {
	return len(w) > 0 && (isUpper(w[0]) || (len(w) > 1 && w[0] == 0xc3 && w[1] >= 0x80 && w[1] <= 0x9e && w[1] != 0x97))
}

func (sc *scanner) emailOrURL(i int, w []byte, colon bool) {
	t := sc.toks[i]
	if colon && schemeEnd(w) >= 0 {
		sc.add(kURL, t.cs, t.ce, urlStrength(w))
		return
	}
	start := t.cs
	if hasPrefixFold(w, "mailto:") {
		w, start = w[7:], start+7
	}
	sc.add(kEmail, start, start+int32(len(w)), emailStrength(w))
}

// pem consumes a PEM block that holds a private key, from "-----BEGIN" to
// the end of its "-----END ...-----" line (or of the text).
func (sc *scanner) pem(i int) int {
	t := sc.toks[i]
	rest := sc.text[t.start:]
	head := rest[:min(len(rest), 64)]
	if !containsFold(head, "private key") {
		return 1
	}
	end := len(sc.text)
	if k := indexFold(rest[10:], "-----end"); k >= 0 {
		tail := rest[10+k+8:]
		if d := indexFold(tail, "-----"); d >= 0 {
			end = int(t.start) + 10 + k + 8 + d + 5
		}
	}
	sc.add(kSecret, t.start, int32(end), 0.99)
	n := 1
	for i+n < len(sc.toks) && sc.toks[i+n].start < int32(end) {
		n++
	}
	return n
}

// indexFold returns the index of lower-case s in b ignoring ASCII case.
func indexFold(b []byte, s string) int {
	for i := 0; i+len(s) <= len(b); i++ {
		if lower(b[i]) == s[0] && equalFold(b[i:i+len(s)], s) {
			return i
		}
	}
	return -1
}

// resolve keeps the candidates that are findings: context applied, weak
// ones dropped, a date kept only as a date of birth, overlaps settled in
// favour of the higher confidence (then the longer span). It appends them
// to dst, sorted by start, and returns dst.
func resolve(dst []cand, text []byte, cs []cand, hint *colContext, threshold float32) []cand {
	base := len(dst)
	for _, c := range cs {
		var s float32
		if c.k == kDate {
			// A date is a date of birth only with birth context.
			if !c.birth {
				continue
			}
			c.k, s = kDOB, dobBase+hint.boost[kDOB]
			if nearby(text, int(c.start), kDate) {
				s += nearbyBoost
			}
		} else {
			s = amplify(c.s, hint.boost[c.k])
			if s < 0.99 && amplify(s, nearbyBoost) >= threshold && nearby(text, int(c.start), c.k) {
				s = amplify(s, nearbyBoost)
			}
		}
		if s >= threshold {
			c.s = min(s, 0.99)
			dst = append(dst, c)
		}
	}
	found := dst[base:]
	slices.SortStableFunc(found, func(a, b cand) int {
		switch {
		case a.s > b.s:
			return -1
		case a.s < b.s:
			return 1
		}
		return int((b.end - b.start) - (a.end - a.start))
	})
	kept := found[:0]
	for _, c := range found {
		overlaps := false
		for _, f := range kept {
			if c.start < f.end && f.start < c.end {
				overlaps = true
				break
			}
		}
		if !overlaps {
			kept = append(kept, c)
		}
	}
	slices.SortFunc(kept, func(a, b cand) int { return int(a.start - b.start) })
	return dst[:base+len(kept)]
}
