package pii

// Byte classes: one table lookup per byte gives every property the
// prefilters need, so a cell is classified in a single pass before any
// validator (or regular expression) runs.
const (
	cDigit uint16 = 1 << iota
	cUpper
	cLower
	cSpace
	cHigh // a byte of a multi-byte UTF-8 sequence
	cAt
	cDot
	cColon
	cDash
	cSlash
	cPlus
	cParen
	cUnder
	cHex   // 0-9, a-f, A-F
	cOther // any other ASCII punctuation or control byte
)

const cAlpha = cUpper | cLower

var classes = func() (t [256]uint16) {
	for c := 0; c < 256; c++ {
		var m uint16
		switch {
		case c >= '0' && c <= '9':
			m = cDigit | cHex
		case c >= 'A' && c <= 'Z':
			m = cUpper
		case c >= 'a' && c <= 'z':
			m = cLower
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f':
			m = cSpace
		case c >= 0x80:
			m = cHigh
		case c == '@':
			m = cAt
		case c == '.':
			m = cDot
		case c == ':':
			m = cColon
		case c == '-':
			m = cDash
		case c == '/':
			m = cSlash
		case c == '+':
			m = cPlus
		case c == '(' || c == ')':
			m = cParen
		case c == '_':
			m = cUnder
		default:
			m = cOther
		}
		if (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') {
			m |= cHex
		}
		t[c] = m
	}
	return t
}()

func isDigit(c byte) bool { return c-'0' < 10 }
func isUpper(c byte) bool { return c-'A' < 26 }
func isLower(c byte) bool { return c-'a' < 26 }
func isAlpha(c byte) bool { return classes[c]&cAlpha != 0 }
func isAlnum(c byte) bool { return classes[c]&(cAlpha|cDigit) != 0 }
func isHex(c byte) bool   { return classes[c]&cHex != 0 }
func isSpace(c byte) bool { return classes[c]&cSpace != 0 }

func lower(c byte) byte {
	if isUpper(c) {
		return c + 'a' - 'A'
	}
	return c
}

func upper(c byte) byte {
	if isLower(c) {
		return c - 'a' + 'A'
	}
	return c
}

// trimSpace removes ASCII white space at both ends.
func trimSpace(b []byte) []byte {
	i, j := 0, len(b)
	for i < j && isSpace(b[i]) {
		i++
	}
	for j > i && isSpace(b[j-1]) {
		j--
	}
	return b[i:j]
}

// allOf reports whether every byte of b has a class in mask.
func allOf(b []byte, mask uint16) bool {
	for _, c := range b {
		if classes[c]&mask == 0 {
			return false
		}
	}
	return true
}

// digitVal is the value of an all-digit slice; callers bound its length.
func digitVal(b []byte) int {
	n := 0
	for _, c := range b {
		n = n*10 + int(c-'0')
	}
	return n
}

// allDigits reports whether b is non-empty and all ASCII digits.
func allDigits(b []byte) bool { return len(b) > 0 && allOf(b, cDigit) }

// compact copies the alphanumeric bytes of b into buf, upper-cased,
// skipping the separators in seps; it returns nil if b holds any other
// byte or more than len(buf) alphanumerics.
func compact(buf []byte, b []byte, seps string) []byte {
	n := 0
	for _, c := range b {
		switch {
		case isAlnum(c):
			if n == len(buf) {
				return nil
			}
			buf[n] = upper(c)
			n++
		case indexByte(seps, c) >= 0:
		default:
			return nil
		}
	}
	return buf[:n]
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

// equalFold reports whether b equals the lower-case ASCII string s,
// ignoring ASCII case in b.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		if lower(b[i]) != s[i] {
			return false
		}
	}
	return true
}

// hasPrefixFold is equalFold on a prefix of b.
func hasPrefixFold(b []byte, s string) bool {
	return len(b) >= len(s) && equalFold(b[:len(s)], s)
}

// hasSuffixFold is equalFold on a suffix of b.
func hasSuffixFold(b []byte, s string) bool {
	return len(b) >= len(s) && equalFold(b[len(b)-len(s):], s)
}

// containsFold reports whether the lower-case ASCII s occurs in b, ignoring
// ASCII case in b.
func containsFold(b []byte, s string) bool {
	for i := 0; i+len(s) <= len(b); i++ {
		if lower(b[i]) == s[0] && equalFold(b[i:i+len(s)], s) {
			return true
		}
	}
	return false
}

// lowerWord lower-cases w into buf: ASCII letters and the capitals of the
// Latin-1 Supplement in UTF-8 (À-Þ), enough for the names, months and
// keywords of the locales pii knows. It returns nil if w does not fit.
func lowerWord(buf []byte, w []byte) []byte {
	if len(w) > len(buf) {
		return nil
	}
	for i, c := range w {
		switch {
		case isUpper(c):
			c += 'a' - 'A'
		case c >= 0x80 && c <= 0x9e && c != 0x97 && i > 0 && w[i-1] == 0xc3:
			c += 0x20
		}
		buf[i] = c
	}
	return buf[:len(w)]
}
