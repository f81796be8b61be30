package pii

// cardStrength validates b as one payment card number: 13 to 19 digits,
// optionally in groups separated by single spaces or dashes (one kind of
// separator), that pass the Luhn check and fall in an issuer's range with
// one of that issuer's lengths.
func cardStrength(b []byte) float32 {
	var buf [19]byte
	d, grouped := groupedDigits(buf[:], b, " -")
	if len(d) < 13 || !luhn(d) || !cardIssuer(d) {
		return 0
	}
	if grouped {
		return 0.92
	}
	return 0.85
}

// groupedDigits copies the digits of b into buf. Separators must be single
// bytes from seps, all the same, never first or last; it returns nil when
// b has anything else or more digits than buf holds. grouped reports
// whether a separator was present.
func groupedDigits(buf, b []byte, seps string) (d []byte, grouped bool) {
	var sep byte
	n := 0
	for i, c := range b {
		if isDigit(c) {
			if n == len(buf) {
				return nil, false
			}
			buf[n] = c
			n++
			continue
		}
		if indexByte(seps, c) < 0 || i == 0 || i == len(b)-1 || !isDigit(b[i-1]) {
			return nil, false
		}
		if sep != 0 && c != sep {
			return nil, false
		}
		sep = c
	}
	return buf[:n], sep != 0
}

// luhn reports whether the digit string d passes the Luhn (mod 10) check.
func luhn(d []byte) bool {
	sum, double := 0, false
	for i := len(d) - 1; i >= 0; i-- {
		v := int(d[i] - '0')
		if double {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
		double = !double
	}
	return sum%10 == 0
}

// issuers: a number whose first digits lie in [lo, hi] (compared as
// numbers of as many digits as lo has) and whose length is in [minLen,
// maxLen] belongs to the issuer. The major international schemes only;
// domestic schemes outside these ranges are not recognized, nor are
// 12-digit Maestro numbers (rare, and as often an id or a hash of digits).
var issuers = []struct {
	lo, hi, digits int
	minLen, maxLen int
}{
	{4, 4, 1, 13, 19},           // Visa (13, 16, 19 in practice)
	{51, 55, 2, 16, 16},         // Mastercard
	{2221, 2720, 4, 16, 16},     // Mastercard 2-series
	{34, 34, 2, 15, 15},         // American Express
	{37, 37, 2, 15, 15},         // American Express
	{6011, 6011, 4, 16, 19},     // Discover
	{644, 649, 3, 16, 19},       // Discover
	{65, 65, 2, 16, 19},         // Discover
	{62, 62, 2, 16, 19},         // UnionPay
	{300, 305, 3, 14, 19},       // Diners Club International
	{36, 36, 2, 14, 19},         // Diners Club International
	{38, 39, 2, 16, 19},         // Diners Club
	{3528, 3589, 4, 16, 19},     // JCB
	{2200, 2204, 4, 16, 19},     // Mir
	{50, 50, 2, 13, 19},         // Maestro
	{56, 58, 2, 13, 19},         // Maestro
	{639, 639, 3, 13, 19},       // Maestro
	{67, 67, 2, 13, 19},         // Maestro
	{508500, 508999, 6, 16, 16}, // RuPay
	{606985, 607984, 6, 16, 16}, // RuPay
	{652150, 653149, 6, 16, 16}, // RuPay
}

// cardIssuer reports whether the digit string d is in a known issuer's
// range and length.
func cardIssuer(d []byte) bool {
	for _, is := range issuers {
		if len(d) < is.minLen || len(d) > is.maxLen {
			continue
		}
		if p := digitVal(d[:is.digits]); p >= is.lo && p <= is.hi {
			return true
		}
	}
	return false
}
