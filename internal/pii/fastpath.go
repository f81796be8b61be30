package pii

// The one-token fast path. Most cells of a table are one token (an
// e-mail, a phone number written without spaces, an IP address, a UUID,
// a timestamp, a number, an IBAN, an SKU): for such a cell scanOne
// computes the token's byte classes and its numeric shape in one pass
// and runs the recognizers that can start at a lone token, without the
// tokenizer and the per-token loop. Whatever it does, it must give the
// candidates scan gives: the differential tests in fastpath_test.go run
// both paths over the accuracy corpus, the benchmark pools and fuzzed
// cells. A cell with white space in it, or whose core is not the whole
// cell (wrapping quotes or brackets, a trailing '.' or ':', a non-ASCII
// first or last byte), or of more than 255 bytes (cellBytes' lanes), is not
// handled here: scanOne reports false and the caller takes scan.

// scanOne scans a cell v (trimmed, not empty) that is one token. It
// reports false, having done nothing, for a cell it does not handle.
func (sc *scanner) scanOne(v []byte) ([]cand, bool) {
	n := len(v)
	if n > 255 || !plainEdges(v, 0, n) {
		return nil, false
	}
	// Classes of any and all bytes, and numberShape's counts, in one pass
	// of one table lookup per byte (cellBytes); eight bytes a step (the
	// lookups are independent and overlap).
	var or, and, sum uint64
	and = ^uint64(0)
	i := 0
	for ; i+8 <= n; i += 8 {
		b := v[i : i+8 : i+8]
		x0, x1, x2, x3 := cellBytes[b[0]], cellBytes[b[1]], cellBytes[b[2]], cellBytes[b[3]]
		x4, x5, x6, x7 := cellBytes[b[4]], cellBytes[b[5]], cellBytes[b[6]], cellBytes[b[7]]
		o := (x0 | x1 | x2 | x3) | (x4 | x5 | x6 | x7)
		if o&(uint64(cSpace)<<48) != 0 {
			return nil, false // several tokens: stop before reading the rest
		}
		or |= o
		and &= (x0 & x1 & x2 & x3) & (x4 & x5 & x6 & x7)
		sum += (x0 + x1 + x2 + x3) + (x4 + x5 + x6 + x7)
	}
	// The last zero to seven bytes as at most one block of four, one of
	// two and one byte (no loop: a loop's test and branch per byte cost
	// more than the lookups).
	if n-i >= 4 {
		b := v[i : i+4 : i+4]
		x0, x1, x2, x3 := cellBytes[b[0]], cellBytes[b[1]], cellBytes[b[2]], cellBytes[b[3]]
		or |= (x0 | x1) | (x2 | x3)
		and &= (x0 & x1) & (x2 & x3)
		sum += (x0 + x1) + (x2 + x3)
		i += 4
	}
	if n-i >= 2 {
		b := v[i : i+2 : i+2]
		x0, x1 := cellBytes[b[0]], cellBytes[b[1]]
		or |= x0 | x1
		and &= x0 & x1
		sum += x0 + x1
		i += 2
	}
	if i < n {
		x := cellBytes[v[i]]
		or |= x
		and &= x
		sum += x
	}
	m, all := uint16(or>>48), uint16(and>>48)
	if m&cSpace != 0 {
		return nil, false
	}
	sc.text, sc.cands = v, sc.cands[:0]
	// The token is set up only for the recognizers that read it: the
	// numeric ones read the text.
	sc.toks = sc.toks[:0]
	one := func() { sc.toks = append(sc.toks, token{end: int32(n), ce: int32(n), mask: m, all: all}) }
	// The cases of at, in its order, for a lone token.
	switch {
	case m&cAt != 0:
		one()
		sc.emailOrURL(0, v, m&cColon != 0)
	case m&cColon != 0 && m&cSlash != 0 && schemeEnd(v) >= 0:
		sc.add(kURL, 0, int32(n), urlStrength(v))
	case v[0]|0x20 == 'w' && hasPrefixFold(v, "www."):
		sc.add(kURL, 0, int32(n), urlStrength(v))
	case v[0] == '-' && hasPrefixFold(v, "-----begin"):
		one()
		sc.pem(0)
	case m&^(cDigit|cDash|cDot|cSlash|cParen|cPlus|cColon|cHex) == 0 && m&cDigit != 0 && isNumericStart(v):
		// numeric for one token: a short number alone is nothing; an
		// address or "12 March 1985" needs more tokens; the run is the
		// token, without trailing bytes that cannot end a number.
		if all&cDigit != 0 && n < 7 {
			break
		}
		stop := n
		for stop > 0 && !isDigit(v[stop-1]) {
			stop--
		}
		if stop == n {
			sc.numberAtShape(0, int32(n), cellShape(sum))
		} else if stop > 0 {
			sc.numberAt(0, int32(stop))
		}
	case m&cDigit != 0 && m&cAlpha != 0:
		one()
		sc.alnum(0)
	case isCapital(v):
		if n < 16 { // no digit either: the case before takes those
			sc.oneWord(v, m)
			break
		}
		one()
		sc.word(0)
	}
	return sc.cands, true
}

// oneWord is word for a cell of one capitalized word (ASCII capital
// first) of fewer than 16 bytes and no digit, m the classes of its
// bytes: what scanOne sends there. The readers that need a second
// token (dates, spaced NINOs, addresses) find nothing in one, so what is
// left is person's rating of a run of one word: none for a title, an
// entity word or a lone capital, none for a word not shaped like a name,
// a word that prevents a name; else by the dictionaries (a word they do
// not know, acronyms included, gets nothing). The lexicon lookup is
// lookupWord's: the cell does not end with '.'.
func (sc *scanner) oneWord(v []byte, m uint16) {
	lx := lexiconTable.get(v)
	if lx&(lexTitle|lexEntity|lexNotName) != 0 || len(v) < 2 {
		return
	}
	if m&^(cAlpha|cHex|cHigh|cDash|cOther) != 0 {
		return // nameShaped's bytes
	}
	if m&cOther != 0 {
		for _, c := range v {
			if classes[c]&cOther != 0 && c != '\'' {
				return
			}
		}
	}
	switch {
	case lx&(lexFirst|lexLast) != 0 && lx&lexCommon == 0:
		sc.add(kPerson, 0, int32(len(v)), 0.35)
	case lx&(lexFirst|lexLast) != 0:
		sc.add(kPerson, 0, int32(len(v)), 0.1)
	}
}

// cellBytes holds, for each byte, its classes in the top 16 bits and
// below them what it adds to numberShape's counts, in six 8-bit lanes:
// digits, dots, dashes, slashes, colons, and separators (bytes other
// than digits and ':'). In a sum over fewer than 256 bytes no lane
// overflows into the next; the top 16 bits of the sum are not read.
var cellBytes = func() (t [256]uint64) {
	for c := range t {
		var lanes uint64
		switch {
		case isDigit(byte(c)):
			lanes = 1
		case c == '.':
			lanes = 1<<8 | 1<<40
		case c == '-':
			lanes = 1<<16 | 1<<40
		case c == '/':
			lanes = 1<<24 | 1<<40
		case c == ':':
			lanes = 1 << 32
		default:
			lanes = 1 << 40
		}
		t[c] = uint64(classes[c])<<48 | lanes
	}
	return t
}()

// cellShape unpacks the lanes of a sum of cellBytes.
func cellShape(sum uint64) numShape {
	const m = 1<<8 - 1
	return numShape{digits: int(sum & m), dots: int(sum >> 8 & m), dashes: int(sum >> 16 & m),
		slashes: int(sum >> 24 & m), colons: int(sum >> 32 & m), seps: int(sum >> 40 & m)}
}

// The grouped fast path. A phone number, card number or IBAN written in
// groups ("+44 7700 900123", "DE89 3704 0044 0532 0130 00") is several
// tokens, so scanOne leaves it to scan. scanGroups takes the cells of
// those shapes whose whole text one recognizer claims, which is all scan
// finds in them, and returns the candidates and the number of tokens
// (words) scan would have made, for the caller's free-text test. Every
// other cell it declines (0 words) having added no candidate, and the
// caller takes scan.
//
// Numbers: the first token starts a number (a digit, or '+' and a
// digit); every token holds a digit and starts with a digit, '(' or '-'
// (so it continues numeric's run, and neither the address nor the "12
// March 1985" reader, which need a word, claims the first); tokens are
// one space apart, at most seven of them (numeric's longest run), and
// the cell is at most 48 bytes, ending in a digit; bytes are digits,
// ' ', '+', '-', '.', '/', '(' and ')'. numeric then tries the whole run
// first, and if a recognizer claims it, that is all scan finds. If none
// does, scan would try shorter runs: scanGroups declines (numberAt added
// nothing).
//
// IBANs: two capital letters and two digits, then only capital letters,
// digits and single spaces, every token after the first at most four
// bytes and at most nine tokens (iban's longest run). at sends the first
// token to alnum (letters and digits, no '-' so not a UUID), which tries
// iban with the whole run first; if ibanStrength does not take it,
// scanGroups declines.

// groupBytes are the bytes of a grouped number: 1 a digit, 2 a space, 3
// a token start other than a digit ('(' and '-'), 4 other punctuation.
var groupBytes = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] = 1
	}
	t[' '] = 2
	t['('], t['-'] = 3, 3
	t['+'], t['.'], t['/'], t[')'] = 4, 4, 4, 4
	return t
}()

// scanGroups scans a trimmed, non-empty cell v: see above.
func (sc *scanner) scanGroups(v []byte) ([]cand, int) {
	n := len(v)
	if n < 3 || n > 48 || groupBytes[v[n-1]] == 0 {
		return nil, 0
	}
	if isUpper(v[0]) {
		return sc.scanIBAN(v)
	}
	if groupBytes[v[n-1]] != 1 || (groupBytes[v[0]] != 1 && (v[0] != '+' || groupBytes[v[1]] != 1)) {
		return nil, 0
	}
	// numberShape's counts on the way (cellBytes' lanes: the cell is
	// shorter than 256 bytes), so that numberAt need not read it again.
	toks, digit, prev, sum := 1, false, uint8(0), uint64(0)
	for _, c := range v {
		sum += cellBytes[c]
		k := groupBytes[c]
		switch k {
		case 0:
			return nil, 0
		case 1:
			digit = true
		case 2:
			if prev == 2 || !digit {
				return nil, 0 // two spaces, or a token without a digit
			}
			toks++
			digit = false
		default:
			if prev == 2 && k != 3 {
				return nil, 0 // a token that cannot continue the run
			}
		}
		prev = k
	}
	if toks < 2 || toks > maxRunTokens {
		return nil, 0
	}
	sc.text, sc.cands, sc.toks = v, sc.cands[:0], sc.toks[:0]
	if !sc.numberAtShape(0, int32(n), cellShape(sum)) {
		return nil, 0
	}
	return sc.cands, toks
}

// scanIBAN is scanGroups for a cell that starts with a capital letter.
func (sc *scanner) scanIBAN(v []byte) ([]cand, int) {
	n := len(v)
	if n < 15 || !isUpper(v[1]) || !isDigit(v[2]) || !isDigit(v[3]) || v[n-1] == ' ' {
		return nil, 0
	}
	toks, run, first := 1, 0, true
	for _, c := range v {
		switch {
		case isDigit(c) || isUpper(c):
			run++
			if run > 4 && !first {
				return nil, 0
			}
		case c == ' ' && run > 0:
			toks, run, first = toks+1, 0, false
		default:
			return nil, 0 // two spaces, or another byte
		}
	}
	if toks < 2 || toks > 9 {
		return nil, 0
	}
	s := ibanStrength(v)
	if s == 0 {
		return nil, 0
	}
	sc.text, sc.cands, sc.toks = v, sc.cands[:0], sc.toks[:0]
	sc.add(kIBAN, 0, int32(n), s)
	return sc.cands, toks
}
