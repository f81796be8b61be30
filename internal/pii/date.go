package pii

// dateInfo describes a calendar date that a recognizer read.
type dateInfo struct {
	year    int
	hasTime bool // a time of day other than midnight follows
	compact bool // YYYYMMDD without separators: weak evidence
}

// birthYear reports whether the date could be somebody's date of birth.
func (d dateInfo) birthYear(thisYear int) bool {
	return !d.hasTime && d.year >= 1900 && d.year <= thisYear
}

// numericDate reads b as a whole date written with digits: Y-M-D, D-M-Y
// or M-D-Y with '-', '/' or '.' (one kind), a two- or four-digit year
// after the day and month, or YYYYMMDD; optionally followed, after 'T' or
// a space, by a time of day.
func numericDate(b []byte) (dateInfo, bool) {
	var di dateInfo
	if len(b) >= 10 {
		// YYYY-MM-DD alone or before 'T' or a space (a date of birth, a
		// timestamp), and DD-MM-YYYY alone: the fields and the time
		// splitDate and the loop below would find, by position
		// (TestNumericDateShortcut).
		if c := b[4]; c == b[7] && (c == '-' || c == '/' || c == '.') &&
			digitBytes[b[0]]&digitBytes[b[1]]&digitBytes[b[2]]&digitBytes[b[3]]&
				digitBytes[b[5]]&digitBytes[b[6]]&digitBytes[b[8]]&digitBytes[b[9]] != 0 &&
			(len(b) == 10 || b[10] == 'T' || b[10] == ' ') {
			if len(b) > 10 && !timeOfDay(b[11:], &di) {
				return di, false
			}
			y := int(b[0]-'0')*1000 + int(b[1]-'0')*100 + int(b[2]-'0')*10 + int(b[3]-'0')
			m, d := int(b[5]-'0')*10+int(b[6]-'0'), int(b[8]-'0')*10+int(b[9]-'0')
			di.year = y
			return di, y >= 1800 && y < 2200 && validDay(y, m, d)
		}
		// DD-MM-YYYY or MM-DD-YYYY: either order may be valid.
		if c := b[2]; len(b) == 10 && c == b[5] && (c == '-' || c == '/' || c == '.') &&
			digitBytes[b[0]]&digitBytes[b[1]]&digitBytes[b[3]]&digitBytes[b[4]]&
				digitBytes[b[6]]&digitBytes[b[7]]&digitBytes[b[8]]&digitBytes[b[9]] != 0 {
			y := int(b[6]-'0')*1000 + int(b[7]-'0')*100 + int(b[8]-'0')*10 + int(b[9]-'0')
			a, c := int(b[0]-'0')*10+int(b[1]-'0'), int(b[3]-'0')*10+int(b[4]-'0')
			di.year = y
			return di, y >= 1800 && y < 2200 && (validDay(y, c, a) || validDay(y, a, c))
		}
	}
	return numericDateLoop(b, di)
}

// numericDateLoop is numericDate for any shape.
func numericDateLoop(b []byte, di dateInfo) (dateInfo, bool) {
	datePart := b
	for i, c := range b {
		if (c == 'T' || c == ' ') && i >= 8 {
			if !timeOfDay(b[i+1:], &di) {
				return di, false
			}
			datePart = b[:i]
			break
		}
	}
	if len(datePart) == 8 && allDigits(datePart) {
		y, m, d := digitVal(datePart[:4]), digitVal(datePart[4:6]), digitVal(datePart[6:])
		di.year, di.compact = y, true
		return di, y >= 1900 && y <= 2099 && validDay(y, m, d)
	}
	var f [3][]byte
	if !splitDate(datePart, &f) {
		return di, false
	}
	if len(f[0]) == 4 {
		y, m, d := digitVal(f[0]), digitVal(f[1]), digitVal(f[2])
		di.year = y
		return di, len(f[1]) <= 2 && len(f[2]) <= 2 && y >= 1800 && y < 2200 && validDay(y, m, d)
	}
	if len(f[0]) > 2 || len(f[1]) > 2 || (len(f[2]) != 4 && len(f[2]) != 2) {
		return di, false
	}
	y, a, c := digitVal(f[2]), digitVal(f[0]), digitVal(f[1])
	if len(f[2]) == 2 {
		y += 1900
		if y < 1930 {
			y += 100
		}
	}
	di.year = y
	return di, y >= 1800 && y < 2200 && (validDay(y, c, a) || validDay(y, a, c))
}

// splitDate splits b into three digit fields separated by one kind of
// '-', '/' or '.'.
func splitDate(b []byte, f *[3][]byte) bool {
	if len(b) < 6 || len(b) > 10 {
		return false
	}
	if len(b) == 10 {
		// The two commonest shapes, YYYY-MM-DD and DD-MM-YYYY, by the
		// positions of their separators: the fields the loop below
		// would find, without a branch per byte (the digits by table:
		// max and min compile to branches).
		b := b[:10:10]
		if c := b[4]; c == b[7] && (c == '-' || c == '/' || c == '.') &&
			digitBytes[b[0]]&digitBytes[b[1]]&digitBytes[b[2]]&digitBytes[b[3]]&
				digitBytes[b[5]]&digitBytes[b[6]]&digitBytes[b[8]]&digitBytes[b[9]] != 0 {
			f[0], f[1], f[2] = b[:4], b[5:7], b[8:]
			return true
		}
		if c := b[2]; c == b[5] && (c == '-' || c == '/' || c == '.') &&
			digitBytes[b[0]]&digitBytes[b[1]]&digitBytes[b[3]]&digitBytes[b[4]]&
				digitBytes[b[6]]&digitBytes[b[7]]&digitBytes[b[8]]&digitBytes[b[9]] != 0 {
			f[0], f[1], f[2] = b[:2], b[3:5], b[6:]
			return true
		}
	}
	return splitDateLoop(b, f)
}

// digitBytes is 1 for an ASCII digit, 0 for any other byte.
var digitBytes = func() (t [256]uint8) {
	for c := '0'; c <= '9'; c++ {
		t[c] = 1
	}
	return t
}()

// splitDateLoop is splitDate for any shape.
func splitDateLoop(b []byte, f *[3][]byte) bool {
	if len(b) < 6 || len(b) > 10 {
		return false
	}
	var sep byte
	n, start := 0, 0
	for i := 0; i <= len(b); i++ {
		if i < len(b) && isDigit(b[i]) {
			continue
		}
		if i < len(b) {
			c := b[i]
			if (c != '-' && c != '/' && c != '.') || (sep != 0 && c != sep) {
				return false
			}
			sep = c
		}
		if n == 3 || i == start {
			return false
		}
		f[n] = b[start:i]
		n++
		start = i + 1
	}
	return n == 3
}

// timeOfDay reads hh:mm[:ss[.fff]][Z|±hh:mm] and notes whether it is
// anything but midnight.
func timeOfDay(b []byte, di *dateInfo) bool {
	if len(b) < 5 || !isDigit(b[0]) || !isDigit(b[1]) || b[2] != ':' || !isDigit(b[3]) || !isDigit(b[4]) {
		return false
	}
	h, m := digitVal(b[:2]), digitVal(b[3:5])
	if h > 23 || m > 59 {
		return false
	}
	nonzero := h != 0 || m != 0
	for _, c := range b[5:] {
		switch {
		case isDigit(c):
			nonzero = nonzero || c != '0'
		case c == ':' || c == '.' || c == 'Z' || c == '+' || c == '-' || c == ',':
		default:
			return false
		}
	}
	di.hasTime = nonzero
	return true
}

func validDay(y, m, d int) bool {
	if m < 1 || m > 12 || d < 1 {
		return false
	}
	days := [13]int{0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31}[m]
	if m == 2 && y%4 == 0 && (y%100 != 0 || y%400 == 0) {
		days = 29
	}
	return d <= days
}

// monthNames maps month names and common abbreviations in English,
// German, French, Spanish and Dutch, lower-cased, to month numbers.
var monthNames = map[string]int{
	"january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4,
	"may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
	"september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11, "nov": 11,
	"december": 12, "dec": 12,
	"januar": 1, "jänner": 1, "februar": 2, "märz": 3, "maerz": 3, "mai": 5, "juni": 6, "juli": 7,
	"oktober": 10, "okt": 10, "dezember": 12, "dez": 12,
	"janvier": 1, "janv": 1, "février": 2, "fevrier": 2, "févr": 2, "mars": 3, "avril": 4, "avr": 4,
	"juin": 6, "juillet": 7, "juil": 7, "août": 8, "aout": 8, "septembre": 9, "octobre": 10,
	"novembre": 11, "décembre": 12, "decembre": 12, "déc": 12,
	"enero": 1, "febrero": 2, "marzo": 3, "abril": 4, "mayo": 5, "junio": 6, "julio": 7,
	"agosto": 8, "septiembre": 9, "setiembre": 9, "octubre": 10, "noviembre": 11, "diciembre": 12,
	"januari": 1, "februari": 2, "maart": 3, "mei": 5, "augustus": 8,
}
