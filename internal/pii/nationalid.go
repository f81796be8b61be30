package pii

// National identifiers that carry enough structure to be validated. Each
// returns a strength for b as a whole identifier, or 0.

// ninoStrength validates a UK National Insurance number: two prefix
// letters (the first not D, F, I, Q, U or V; the second not D, F, I, O, Q,
// U or V; not BG, GB, KN, NK, NT, TN or ZZ), six digits and a suffix A-D,
// compact or written "AB 12 34 56 C".
func ninoStrength(b []byte) float32 {
	var buf [9]byte
	s := compact(buf[:], b, " ")
	if len(s) != 9 || !isUpper(s[0]) || !isUpper(s[1]) || !allDigits(s[2:8]) || s[8] < 'A' || s[8] > 'D' {
		return 0
	}
	if indexByte("DFIQUV", s[0]) >= 0 || indexByte("DFIOQUV", s[1]) >= 0 {
		return 0
	}
	switch string(s[:2]) {
	case "BG", "GB", "KN", "NK", "NT", "TN", "ZZ":
		return 0
	}
	for _, c := range b { // lower case is not how NINOs are written
		if isLower(c) {
			return 0
		}
	}
	return 0.8
}

const dniLetters = "TRWAGMYFPDXBNJZSQVHLCKE"

// dniStrength validates a Spanish DNI (eight digits and the check letter
// of the number mod 23) or NIE (X, Y or Z, seven digits, check letter),
// optionally with a '-' or space before the letter.
func dniStrength(b []byte) float32 {
	// Compacting keeps a first byte that is a letter or digit, upper-cased,
	// as the first character, which must be a digit, X, Y or Z; and it
	// cannot lengthen b. Most tokens fail here, before compacting.
	if c := upper(b[0]); len(b) < 9 || (isAlnum(c) && !isDigit(c) && c != 'X' && c != 'Y' && c != 'Z') {
		return 0
	}
	var buf [9]byte
	s := compact(buf[:], b, "- ")
	if len(s) != 9 || !isUpper(s[8]) {
		return 0
	}
	n := 0
	switch {
	case allDigits(s[:8]):
		n = digitVal(s[:8])
	case (s[0] == 'X' || s[0] == 'Y' || s[0] == 'Z') && allDigits(s[1:8]):
		n = int(s[0]-'X')*10000000 + digitVal(s[1:8])
	default:
		return 0
	}
	if dniLetters[n%23] != s[8] {
		return 0
	}
	return 0.85
}

// bsnStrength validates a Dutch citizen service number (BSN): nine digits
// passing the "11-proof" (9·d1 + 8·d2 + ... + 2·d8 − d9 ≡ 0 mod 11). One
// nine-digit number in eleven passes by chance, so alone it is weak; a
// column where nearly all values pass is strong evidence.
func bsnStrength(b []byte) float32 {
	var buf [9]byte
	s := compact(buf[:], b, ".")
	if len(s) != 9 || !allDigits(s) || digitVal(s) == 0 {
		return 0
	}
	sum := 0
	for i := 0; i < 8; i++ {
		sum += (9 - i) * int(s[i]-'0')
	}
	sum -= int(s[8] - '0')
	if sum%11 != 0 {
		return 0
	}
	return 0.35
}

// steuerIDStrength validates a German tax identification number
// (Steuer-IdNr): eleven digits, the first not 0; among the first ten one
// digit occurs two or three times (three not in a row) and every other at
// most once; the last is the ISO 7064 MOD 11,10 check digit.
func steuerIDStrength(b []byte) float32 {
	var buf [11]byte
	s := compact(buf[:], b, " /")
	if len(s) != 11 || !allDigits(s) || s[0] == '0' {
		return 0
	}
	var count [10]int
	for _, c := range s[:10] {
		count[c-'0']++
	}
	repeated := 0
	for d, n := range count {
		switch {
		case n == 2:
			repeated++
		case n == 3:
			repeated++
			for i := 0; i+2 < 10; i++ {
				if s[i] == byte('0'+d) && s[i+1] == s[i] && s[i+2] == s[i] {
					return 0
				}
			}
		case n > 3:
			return 0
		}
	}
	if repeated != 1 {
		return 0
	}
	product := 10
	for _, c := range s[:10] {
		sum := (int(c-'0') + product) % 10
		if sum == 0 {
			sum = 10
		}
		product = (sum * 2) % 11
	}
	check := 11 - product
	if check == 10 {
		check = 0
	}
	if check != int(s[10]-'0') {
		return 0
	}
	return 0.55
}

// nirStrength validates a French social security number (NIR, numéro
// INSEE): sex 1 or 2, year, month (01-12, or 20-42 and 50-99 for unknown
// months), département (01-99, 2A, 2B), commune, order number and a key
// equal to 97 − (the first thirteen digits mod 97), with Corsica's 2A and
// 2B counted as 19 and 18. Spaces between groups are allowed.
func nirStrength(b []byte) float32 {
	var buf [15]byte
	s := compact(buf[:], b, " ")
	if len(s) != 15 || (s[0] != '1' && s[0] != '2') || !allDigits(s[:6]) || !allDigits(s[7:]) {
		return 0
	}
	corsica := s[5] == '2' && (s[6] == 'A' || s[6] == 'B')
	if !isDigit(s[6]) && !corsica {
		return 0
	}
	if m := digitVal(s[3:5]); m == 0 || (m > 12 && m < 20) || (m > 42 && m < 50) {
		return 0
	}
	n := 0
	for i, c := range s[:13] {
		v := int(c - '0')
		switch {
		case corsica && i == 5:
			v = 1
		case corsica && i == 6:
			v = 9 - int(c-'A') // 2A is 19, 2B is 18
		}
		n = (n*10 + v) % 97
	}
	if 97-n != digitVal(s[13:]) {
		return 0
	}
	return 0.85
}
