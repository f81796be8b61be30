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
// first or last byte), or longer than numberShape's lanes hold, is not
// handled here: scanOne reports false and the caller takes scan.

// scanOne scans a cell v (trimmed, not empty) that is one token. It
// reports false, having done nothing, for a cell it does not handle.
func (sc *scanner) scanOne(v []byte) ([]cand, bool) {
	n := len(v)
	if n > 1023 || wraps[v[0]] != 0 || wraps[v[n-1]] != 0 || v[n-1] == '.' || v[n-1] == ':' || v[0] >= 0x80 || v[n-1] >= 0x80 {
		return nil, false
	}
	// Classes of any and all bytes, and numberShape's lanes, in one pass;
	// eight bytes a step (the lookups are independent and overlap).
	m, all := uint16(0), ^uint16(0)
	var sum uint64
	i := 0
	for ; i+8 <= n; i += 8 {
		b := v[i : i+8 : i+8]
		c0, c1, c2, c3 := classes[b[0]], classes[b[1]], classes[b[2]], classes[b[3]]
		c4, c5, c6, c7 := classes[b[4]], classes[b[5]], classes[b[6]], classes[b[7]]
		or := (c0 | c1 | c2 | c3) | (c4 | c5 | c6 | c7)
		if or&cSpace != 0 {
			return nil, false // several tokens: stop before reading the rest
		}
		m |= or
		all &= (c0 & c1 & c2 & c3) & (c4 & c5 & c6 & c7)
		sum += (shapeLanes[b[0]] + shapeLanes[b[1]] + shapeLanes[b[2]] + shapeLanes[b[3]]) +
			(shapeLanes[b[4]] + shapeLanes[b[5]] + shapeLanes[b[6]] + shapeLanes[b[7]])
	}
	for ; i < n; i++ {
		c := classes[v[i]]
		m |= c
		all &= c
		sum += shapeLanes[v[i]]
	}
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
			sc.numberAtShape(0, int32(n), lanesShape(sum))
		} else if stop > 0 {
			sc.numberAt(0, int32(stop))
		}
	case m&cDigit != 0 && m&cAlpha != 0:
		one()
		sc.alnum(0)
	case isCapital(v):
		one()
		sc.word(0)
	}
	return sc.cands, true
}

// lanesShape unpacks numberShape's lanes.
func lanesShape(sum uint64) numShape {
	const m = 1<<10 - 1
	return numShape{digits: int(sum & m), dots: int(sum >> 10 & m), dashes: int(sum >> 20 & m),
		slashes: int(sum >> 30 & m), colons: int(sum >> 40 & m), seps: int(sum >> 50 & m)}
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
	toks, digit, prev := 1, false, uint8(0)
	for _, c := range v {
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
	if !sc.numberAt(0, int32(n)) {
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
