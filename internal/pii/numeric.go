package pii

// Numbers: cards, US SSNs, national ids, dates, IPv4 addresses and phone
// numbers, which may span several tokens ("+44 20 7946 0958").

const maxRunTokens = 7

// numeric handles a token that starts with a digit, '+' or '('.
func (sc *scanner) numeric(i int) int {
	if t := sc.toks[i]; len(sc.toks) == 1 && t.all&cDigit != 0 && t.ce-t.cs < 7 {
		return 1 // a short number alone: a count, a code, a year
	}
	if n := sc.addressFromNumber(i); n > 0 {
		return n
	}
	if n := sc.dayMonthYear(i); n > 0 {
		return n
	}
	end := i + 1
	for end < len(sc.toks) && end-i < maxRunTokens && sc.numericToken(end) &&
		sc.toks[end].start-sc.toks[end-1].end <= 2 && sc.toks[end].end-sc.toks[i].start <= 48 {
		end++
	}
	for e := end; e > i; e-- {
		start, stop := sc.numericSpan(i, e)
		if stop > start && sc.numberAt(start, stop) {
			return e - i
		}
	}
	return 1
}

// numericToken reports whether token j can continue a numeric run.
func (sc *scanner) numericToken(j int) bool {
	t := sc.toks[j]
	w := sc.text[t.start:t.end]
	return t.mask&^(cDigit|cDash|cDot|cSlash|cParen|cPlus|cColon|cHex) == 0 && t.mask&cDigit != 0 &&
		(isDigit(w[0]) || w[0] == '(' || w[0] == '-')
}

// numericSpan is the raw text of tokens [i, e) without leading bytes that
// cannot start a number and trailing bytes that cannot end one.
func (sc *scanner) numericSpan(i, e int) (int32, int32) {
	s, t := sc.toks[i].start, sc.toks[e-1].end
	for s < t && !isDigit(sc.text[s]) && sc.text[s] != '+' && sc.text[s] != '(' {
		s++
	}
	for t > s && !isDigit(sc.text[t-1]) {
		t--
	}
	return s, t
}

// numberAt tries every numeric recognizer on text[start:stop] and reports
// whether any claimed it (a timestamp or a time of day claims its span
// without a finding, so that its parts are not read as something else).
func (sc *scanner) numberAt(start, stop int32) bool {
	return sc.numberAtShape(start, stop, numberShape(sc.text[start:stop]))
}

// numberAtShape is numberAt with the shape of text[start:stop] known.
func (sc *scanner) numberAtShape(start, stop int32, sh numShape) bool {
	w := sc.text[start:stop]
	nd, dots, colons, seps := sh.digits, sh.dots, sh.colons, sh.seps
	n := len(sc.cands)
	if len(w) == 17 || len(w) == 14 {
		if s := macStrength(w); s > 0 {
			sc.add(kMAC, start, stop, s)
			return true
		}
	}
	if sh.dateShaped() {
		if di, ok := numericDate(w); ok {
			s := float32(0.9)
			if di.compact {
				s = 0.3
			}
			if !di.hasTime {
				sc.cands = append(sc.cands, cand{k: kDate, birth: di.birthYear(sc.thisYear), start: start, end: stop, s: s})
			}
			return true
		}
	}
	if colons > 0 {
		sc.add(kIP, start, stop, ipv6Strength(w))
		return len(sc.cands) > n || (colons <= 2 && nd <= 6) // a time of day
	}
	if dots == 3 && seps == 3 {
		if s := ipv4Strength(w); s > 0 {
			sc.add(kIP, start, stop, s)
			return true
		}
	}
	switch nd {
	case 9:
		sc.add(kSSN, start, stop, ssnStrength(w))
		sc.add(kNationalID, start, stop, bsnStrength(w))
		sc.add(kPassport, start, stop, passportStrength(w))
	case 11:
		sc.add(kNationalID, start, stop, steuerIDStrength(w))
	case 15:
		sc.add(kNationalID, start, stop, nirStrength(w))
	}
	if nd >= 12 && nd <= 19 {
		sc.add(kCard, start, stop, cardStrength(w))
	}
	if nd >= 7 && nd <= 17 && (seps > 0 || w[0] == '+' || w[0] == '0' || sc.weakPhone || nearby(sc.text, int(start), kPhone)) {
		sc.add(kPhone, start, stop, sc.phone.strength(w))
	}
	return len(sc.cands) > n
}

// numShape counts the bytes of a numeric candidate by kind.
type numShape struct {
	digits, dots, dashes, slashes, colons int
	seps                                  int // separators other than ':'
}

func numberShape(w []byte) numShape {
	if len(w) > 1023 {
		return numberShapeSlow(w)
	}
	// One table lookup and one add per byte: each count is a 10-bit lane
	// of a sum (w is shorter than 1024 bytes, so no lane overflows).
	var sum uint64
	for _, c := range w {
		sum += shapeLanes[c]
	}
	const m = 1<<10 - 1
	return numShape{digits: int(sum & m), dots: int(sum >> 10 & m), dashes: int(sum >> 20 & m),
		slashes: int(sum >> 30 & m), colons: int(sum >> 40 & m), seps: int(sum >> 50 & m)}
}

// shapeLanes is what each byte adds to numberShape's lanes.
var shapeLanes = func() (t [256]uint64) {
	for c := range t {
		switch {
		case isDigit(byte(c)):
			t[c] = 1
		case c == '.':
			t[c] = 1<<10 | 1<<50
		case c == '-':
			t[c] = 1<<20 | 1<<50
		case c == '/':
			t[c] = 1<<30 | 1<<50
		case c == ':':
			t[c] = 1 << 40
		default:
			t[c] = 1 << 50
		}
	}
	return t
}()

// numberShapeSlow is numberShape for any length.
func numberShapeSlow(w []byte) numShape {
	var sh numShape
	for _, c := range w {
		if classes[c]&cDigit != 0 {
			sh.digits++
			continue
		}
		switch c {
		case '.':
			sh.dots++
		case '-':
			sh.dashes++
		case '/':
			sh.slashes++
		case ':':
			sh.colons++
			continue
		}
		sh.seps++
	}
	return sh
}

// dateShaped: eight bare digits, or two separators of one kind.
func (sh numShape) dateShaped() bool {
	return (sh.digits == 8 && sh.seps == 0) || sh.dashes == 2 || sh.slashes == 2 || sh.dots == 2
}

// dayMonthYear reads "12 March 1985", "12. März 1985" and
// "12 de marzo de 1985" starting at token i.
func (sc *scanner) dayMonthYear(i int) int {
	d := sc.core(i)
	if len(d) > 0 && d[len(d)-1] == '.' {
		d = d[:len(d)-1]
	}
	if len(d) < 1 || len(d) > 2 || !allDigits(d) || i+2 >= len(sc.toks) {
		return 0
	}
	j := i + 1
	if equalFold(sc.core(j), "de") {
		j++
	}
	if j >= len(sc.toks) {
		return 0
	}
	m := monthOfLex(sc.lex(j))
	if m == 0 {
		return 0
	}
	j++
	if j < len(sc.toks) && equalFold(sc.core(j), "de") {
		j++
	}
	return sc.finishDate(i, j, digitVal(d), m)
}

// monthDayYear reads "March 12, 1985" starting at token i (a month).
func (sc *scanner) monthDayYear(i int, m int) int {
	if i+2 >= len(sc.toks) {
		return 0
	}
	d := sc.core(i + 1)
	if len(d) < 1 || len(d) > 2 || !allDigits(d) {
		return 0
	}
	return sc.finishDate(i, i+2, digitVal(d), m)
}

// finishDate expects a four-digit year at token j and adds the date.
func (sc *scanner) finishDate(i, j, day, month int) int {
	if j >= len(sc.toks) {
		return 0
	}
	y := sc.core(j)
	if len(y) != 4 || !allDigits(y) {
		return 0
	}
	year := digitVal(y)
	if year < 1800 || year >= 2200 || !validDay(year, month, day) {
		return 0
	}
	di := dateInfo{year: year}
	sc.cands = append(sc.cands, cand{k: kDate, birth: di.birthYear(sc.thisYear),
		start: sc.toks[i].cs, end: sc.toks[j].ce, s: 0.9})
	return j - i + 1
}
