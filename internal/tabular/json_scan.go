package tabular

import (
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// jsonScanner is a strict RFC 8259 scanner over one line. It allocates
// nothing per value: strings without escapes are returned as sub-slices of
// the line, the others are unescaped into str, which is reset per record.
type jsonScanner struct {
	b   []byte
	p   int
	str []byte
}

// jsonError is a syntax error at a byte offset of the line.
type jsonError struct {
	pos int
	msg string
}

func (e *jsonError) Error() string { return e.msg }

func (s *jsonScanner) reset(line []byte) {
	s.b, s.p, s.str = line, 0, s.str[:0]
}

func (s *jsonScanner) fail(msg string) error { return &jsonError{pos: s.p, msg: msg} }

func (s *jsonScanner) skipSpace() {
	for s.p < len(s.b) {
		switch s.b[s.p] {
		case ' ', '\t', '\r', '\n':
			s.p++
		default:
			return
		}
	}
}

// peek returns the byte at the scan position, or 0 at the end.
func (s *jsonScanner) peek() byte {
	if s.p < len(s.b) {
		return s.b[s.p]
	}
	return 0
}

// string reads a string at s.p (which holds '"') and returns its
// unescaped bytes. The result's capacity is capped so that a caller's
// append cannot overwrite the line.
func (s *jsonScanner) string() ([]byte, error) {
	start := s.p + 1
	ascii := true
	for p := start; p < len(s.b); p++ {
		c := s.b[p]
		if !strSpecial[c] { // one load per byte; most bytes are plain
			continue
		}
		switch {
		case c == '"':
			v := s.b[start:p:p]
			s.p = p + 1
			if !ascii && !utf8.Valid(v) {
				s.p = start
				return nil, s.fail("invalid UTF-8 in string")
			}
			return v, nil
		case c == '\\':
			return s.escaped(start, p)
		case c < 0x20:
			s.p = p
			return nil, s.fail("control character in string")
		default:
			ascii = false
		}
	}
	s.p = start - 1
	return nil, s.fail("unterminated string")
}

// strSpecial marks the bytes a string scan must stop at: the quote, the
// backslash, control characters and non-ASCII bytes (for the UTF-8 check).
var strSpecial = func() (t [256]bool) {
	for c := range t {
		t[c] = c == '"' || c == '\\' || c < 0x20 || c >= 0x80
	}
	return t
}()

// escaped continues a string from its first backslash at p, unescaping
// into s.str.
func (s *jsonScanner) escaped(start, p int) ([]byte, error) {
	out := len(s.str)
	s.str = append(s.str, s.b[start:p]...)
	for p < len(s.b) {
		c := s.b[p]
		switch {
		case c == '"':
			v := s.str[out:len(s.str):len(s.str)]
			if !utf8.Valid(v) {
				s.p = start
				return nil, s.fail("invalid UTF-8 in string")
			}
			s.p = p + 1
			return v, nil
		case c < 0x20:
			s.p = p
			return nil, s.fail("control character in string")
		case c != '\\':
			s.str = append(s.str, c)
			p++
			continue
		}
		n, err := s.escape(p)
		if err != nil {
			return nil, err
		}
		p += n
	}
	s.p = start - 1
	return nil, s.fail("unterminated string")
}

// escape decodes the escape sequence at p into s.str and returns its
// length. A lone surrogate becomes U+FFFD, as encoding/json does.
func (s *jsonScanner) escape(p int) (int, error) {
	if p+1 >= len(s.b) {
		s.p = p
		return 0, s.fail("unterminated string")
	}
	switch c := s.b[p+1]; c {
	case '"', '\\', '/':
		s.str = append(s.str, c)
	case 'b':
		s.str = append(s.str, '\b')
	case 'f':
		s.str = append(s.str, '\f')
	case 'n':
		s.str = append(s.str, '\n')
	case 'r':
		s.str = append(s.str, '\r')
	case 't':
		s.str = append(s.str, '\t')
	case 'u':
		r, ok := hex4(s.b, p+2)
		if !ok {
			s.p = p
			return 0, s.fail("invalid \\u escape")
		}
		if utf16.IsSurrogate(r) {
			if r2, ok := hex4(s.b, p+8); ok && p+7 < len(s.b) && s.b[p+6] == '\\' && s.b[p+7] == 'u' {
				if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
					s.str = utf8.AppendRune(s.str, dec)
					return 12, nil
				}
			}
			r = utf8.RuneError
		}
		s.str = utf8.AppendRune(s.str, r)
		return 6, nil
	default:
		s.p = p
		return 0, s.fail("invalid escape")
	}
	return 2, nil
}

// hex4 decodes the four hex digits at b[p:p+4].
func hex4(b []byte, p int) (rune, bool) {
	if p+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[p : p+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// number reads a number and returns an Int when it is an integer that
// fits in 64 bits, a Float otherwise, keeping its literal either way.
func (s *jsonScanner) number() (Value, error) {
	start, p := s.p, s.p
	if p < len(s.b) && s.b[p] == '-' {
		p++
	}
	digits := p
	for p < len(s.b) && s.b[p] >= '0' && s.b[p] <= '9' {
		p++
	}
	if p == digits || (s.b[digits] == '0' && p-digits > 1) {
		return Value{}, s.fail("invalid number")
	}
	integer := true
	if p < len(s.b) && s.b[p] == '.' {
		integer = false
		if p = skipDigits(s.b, p+1); p < 0 {
			return Value{}, s.fail("invalid number")
		}
	}
	if p < len(s.b) && (s.b[p] == 'e' || s.b[p] == 'E') {
		integer = false
		p++
		if p < len(s.b) && (s.b[p] == '+' || s.b[p] == '-') {
			p++
		}
		if p = skipDigits(s.b, p); p < 0 {
			return Value{}, s.fail("invalid number")
		}
	}
	lit := s.b[start:p:p]
	s.p = p
	if integer {
		if i, ok := parseInt(lit); ok {
			return numberValue(Int, uint64(i), lit), nil
		}
	}
	// A syntax error is impossible here; a range error leaves ±Inf or 0,
	// and the literal keeps the number exact for writing back.
	f, _ := strconv.ParseFloat(string(lit), 64)
	return numberValue(Float, math.Float64bits(f), lit), nil
}

// skipDigits returns the offset after one or more digits at p, or -1.
func skipDigits(b []byte, p int) int {
	q := p
	for q < len(b) && b[q] >= '0' && b[q] <= '9' {
		q++
	}
	if q == p {
		return -1
	}
	return q
}

// parseInt parses an optionally negative decimal integer that was already
// checked for syntax; ok is false when it overflows int64.
func parseInt(lit []byte) (int64, bool) {
	neg := lit[0] == '-'
	if neg {
		lit = lit[1:]
	}
	var u uint64
	for _, c := range lit {
		if u > (math.MaxUint64-9)/10 {
			return 0, false
		}
		u = u*10 + uint64(c-'0')
	}
	switch {
	case neg && u <= 1<<63:
		return int64(-u), true // -(1<<63) wraps to itself, as it should
	case !neg && u <= math.MaxInt64:
		return int64(u), true
	}
	return 0, false
}

// literal reads true, false or null.
func (s *jsonScanner) literal() (Value, error) {
	rest := s.b[s.p:]
	switch {
	case len(rest) >= 4 && string(rest[:4]) == "true":
		s.p += 4
		return BoolValue(true), nil
	case len(rest) >= 5 && string(rest[:5]) == "false":
		s.p += 5
		return BoolValue(false), nil
	case len(rest) >= 4 && string(rest[:4]) == "null":
		s.p += 4
		return Value{}, nil
	}
	return Value{}, s.fail("invalid literal")
}

// skip checks the value at s.p and moves past it; depth counts the
// enclosing objects and arrays.
func (s *jsonScanner) skip(depth int) error {
	switch c := s.peek(); {
	case c == '{' || c == '[':
		return s.skipContainer(depth + 1)
	case c == '"':
		_, err := s.string()
		return err
	case c == 't' || c == 'f' || c == 'n':
		_, err := s.literal()
		return err
	case c == '-' || (c >= '0' && c <= '9'):
		_, err := s.number()
		return err
	case c == 0 && s.p >= len(s.b):
		return s.fail("unexpected end of line")
	}
	return s.fail("unexpected character")
}

// skipContainer checks an object or array at s.p.
func (s *jsonScanner) skipContainer(depth int) error {
	if depth > MaxDepth {
		return s.fail("nested deeper than " + strconv.Itoa(MaxDepth))
	}
	closer, object := byte(']'), s.b[s.p] == '{'
	if object {
		closer = '}'
	}
	s.p++
	s.skipSpace()
	if s.peek() == closer {
		s.p++
		return nil
	}
	for {
		if object {
			if _, err := s.key(); err != nil {
				return err
			}
		}
		if err := s.skip(depth); err != nil {
			return err
		}
		s.skipSpace()
		switch s.peek() {
		case ',':
			s.p++
			s.skipSpace()
		case closer:
			s.p++
			return nil
		default:
			return s.fail("expected , or " + string(closer))
		}
	}
}

// key reads `"name" :` and returns the name, leaving s.p at the value.
func (s *jsonScanner) key() ([]byte, error) {
	if s.peek() != '"' {
		return nil, s.fail("expected a key")
	}
	k, err := s.string()
	if err != nil {
		return nil, err
	}
	s.skipSpace()
	if s.peek() != ':' {
		return nil, s.fail("expected :")
	}
	s.p++
	s.skipSpace()
	return k, nil
}
