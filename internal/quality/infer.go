package quality

import (
	"strconv"
	"time"
)

// vtype is the type of one value.
type vtype uint8

const (
	tInt vtype = iota
	tFloat
	tBool
	tDate
	tTimestamp
	tString
	tJSON
	nTypes
)

var typeNames = [nTypes]string{"int", "float", "bool", "date", "timestamp", "string", "json"}

// inferText returns the type of a value written as text (a CSV cell, a
// JSON string), its number if it is numeric, and its Unix time in
// seconds if it is a date or timestamp.
func inferText(b []byte) (vtype, float64, int64) {
	if len(b) == 0 {
		return tString, 0, 0
	}
	c := b[0]
	if c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' {
		if len(b) >= 10 && b[4] == '-' && b[7] == '-' {
			t, ok := fastTime(b)
			if !ok {
				t, ok = parseTime(b)
			}
			if ok {
				if len(b) == 10 {
					return tDate, 0, t
				}
				return tTimestamp, 0, t
			}
		}
		if t, f, ok := fastNumber(b); ok {
			return t, f, 0
		}
		if i, ok := parseInt(b); ok {
			return tInt, float64(i), 0
		}
		if f, ok := fastFloat(b); ok {
			return tFloat, f, 0
		}
		if !floatBytes(b) {
			return tString, 0, 0
		}
		if f, err := strconv.ParseFloat(string(b), 64); err == nil {
			return tFloat, f, 0
		}
		return tString, 0, 0
	}
	switch len(b) {
	case 4, 5:
		s := string(b)
		if s == "true" || s == "false" || s == "TRUE" || s == "FALSE" || s == "True" || s == "False" {
			return tBool, 0, 0
		}
	}
	return tString, 0, 0
}

// parseInt parses a decimal integer of up to 18 digits without allocating.
func parseInt(b []byte) (int64, bool) {
	neg := false
	switch b[0] {
	case '-':
		neg, b = true, b[1:]
	case '+':
		b = b[1:]
	}
	if len(b) == 0 || len(b) > 18 {
		return 0, false
	}
	var n int64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, true
}

var timeLayouts = []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02 15:04:05", "2006-01-02 15:04:05Z07:00"}

// parseTime reads YYYY-MM-DD or an RFC 3339-like timestamp.
func parseTime(b []byte) (int64, bool) {
	s := string(b)
	if len(b) == 10 {
		t, err := time.Parse(time.DateOnly, s)
		return t.Unix(), err == nil
	}
	if b[10] != 'T' && b[10] != ' ' {
		return 0, false
	}
	for _, l := range timeLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.Unix(), true
		}
	}
	return 0, false
}

// floatBytes reports whether b holds only bytes of a decimal float with an
// exponent, so that ParseFloat (which allocates) sees no hex ids.
func floatBytes(b []byte) bool {
	for _, c := range b {
		if !inFloat(c) {
			return false
		}
	}
	return true
}
