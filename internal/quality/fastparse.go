package quality

// Fast paths for the common shapes of numbers and times in CSV cells; each
// returns ok=false for anything else, which then goes to strconv or time.

var pow10 = [...]float64{1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15}

// fastFloat parses [+-]digits[.digits] with at most 15 digits in all. The
// result is exact: the digits form an integer below 2^53 and one division
// by an exact power of ten rounds correctly (Clinger's fast path).
func fastFloat(b []byte) (float64, bool) {
	neg := false
	if len(b) > 0 && (b[0] == '-' || b[0] == '+') {
		neg, b = b[0] == '-', b[1:]
	}
	var m uint64
	digits, frac, dot := 0, 0, false
	for _, c := range b {
		switch {
		case c >= '0' && c <= '9':
			m = m*10 + uint64(c-'0')
			digits++
			if dot {
				frac++
			}
		case c == '.' && !dot:
			dot = true
		default:
			return 0, false
		}
	}
	if digits == 0 || digits > 15 {
		return 0, false
	}
	f := float64(m) / pow10[frac]
	if neg {
		f = -f
	}
	return f, true
}

// fastNumber reads the two commonest shapes of a number in one pass:
// [+-]digits (at most 18: an Int, as parseInt reads it) and
// [+-]digits.digits (at most 15 digits in all: a Float, as fastFloat reads
// it). It also settles text with a byte no number has (a hex id): String.
// Anything else returns ok=false, and inferText tries parseInt, fastFloat
// and strconv in turn, so the result is theirs either way.
func fastNumber(b []byte) (vtype, float64, bool) {
	i, neg := 0, false
	if b[0] == '-' || b[0] == '+' {
		i, neg = 1, b[0] == '-'
	}
	start := i
	var m uint64
	for i < len(b) && b[i]-'0' <= 9 {
		m = m*10 + uint64(b[i]-'0')
		i++
	}
	whole := i - start
	if i == len(b) {
		if whole == 0 || whole > 18 {
			return 0, 0, false
		}
		n := int64(m)
		if neg {
			n = -n
		}
		return tInt, float64(n), true
	}
	if b[i] != '.' {
		return tString, 0, !inFloat(b[i])
	}
	i++
	fs := i
	for i < len(b) && b[i]-'0' <= 9 {
		m = m*10 + uint64(b[i]-'0')
		i++
	}
	if i != len(b) {
		return tString, 0, !inFloat(b[i])
	}
	frac := i - fs
	if whole+frac == 0 || whole+frac > 15 {
		return 0, 0, false
	}
	f := float64(m) / pow10[frac]
	if neg {
		f = -f
	}
	return tFloat, f, true
}

// inFloat reports whether c may appear in a float strconv reads (the
// bytes floatBytes allows).
func inFloat(c byte) bool {
	return c >= '0' && c <= '9' || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-'
}

// fastTime parses YYYY-MM-DD and YYYY-MM-DD[T ]HH:MM:SS[.fraction][Z|+HH:MM|-HH:MM]
// into Unix seconds.
func fastTime(b []byte) (int64, bool) {
	if len(b) < 10 {
		return 0, false
	}
	days, ok := fastDate(b)
	if !ok {
		return 0, false
	}
	if len(b) == 10 {
		return days * 86400, true
	}
	secs, ok := fastClock(b[10:])
	if !ok {
		return 0, false
	}
	return days*86400 + secs, true
}

// fastDate reads YYYY-MM-DD from the first ten bytes of b (at least ten)
// as days since 1970-01-01.
func fastDate(b []byte) (int64, bool) {
	if b[4] != '-' || b[7] != '-' {
		return 0, false
	}
	y1, ok1 := digits2(b[0], b[1])
	y2, ok2 := digits2(b[2], b[3])
	mo, ok3 := digits2(b[5], b[6])
	d, ok4 := digits2(b[8], b[9])
	y := y1*100 + y2
	if !(ok1 && ok2 && ok3 && ok4) || mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo) {
		return 0, false
	}
	return daysFromCivil(y, mo, d), true
}

// fastClock reads what follows the date of a timestamp,
// [T ]HH:MM:SS[.fraction][Z|+HH:MM|-HH:MM], as seconds to add to the
// date's midnight (the offset taken off).
func fastClock(b []byte) (int64, bool) {
	if len(b) < 9 || (b[0] != 'T' && b[0] != ' ') || b[3] != ':' || b[6] != ':' {
		return 0, false
	}
	h, ok1 := digits2(b[1], b[2])
	mi, ok2 := digits2(b[4], b[5])
	s, ok3 := digits2(b[7], b[8])
	if !(ok1 && ok2 && ok3) || h > 23 || mi > 59 || s > 59 {
		return 0, false
	}
	secs := h*3600 + mi*60 + s
	rest := b[9:]
	if len(rest) > 0 && rest[0] == '.' {
		i := 1
		for i < len(rest) && rest[i] >= '0' && rest[i] <= '9' {
			i++
		}
		if i == 1 {
			return 0, false
		}
		rest = rest[i:]
	}
	switch {
	case len(rest) == 0 || len(rest) == 1 && rest[0] == 'Z':
		return secs, true
	case len(rest) == 6 && (rest[0] == '+' || rest[0] == '-') && rest[3] == ':':
		oh, ok1 := digits2(rest[1], rest[2])
		om, ok2 := digits2(rest[4], rest[5])
		if !ok1 || !ok2 || oh > 23 || om > 59 {
			return 0, false
		}
		off := oh*3600 + om*60
		if rest[0] == '+' {
			return secs - off, true
		}
		return secs + off, true
	}
	return 0, false
}

// digits2 reads two decimal digits.
func digits2(a, b byte) (int64, bool) {
	a, b = a-'0', b-'0' // a byte below '0' wraps past 9
	return int64(a)*10 + int64(b), a <= 9 && b <= 9
}

func daysIn(y, m int64) int64 {
	switch m {
	case 2:
		if y%4 == 0 && (y%100 != 0 || y%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// daysFromCivil is Howard Hinnant's days_from_civil: days since
// 1970-01-01 of a proleptic Gregorian date.
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := y / 400
	if y < 0 && y%400 != 0 {
		era--
	}
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}
