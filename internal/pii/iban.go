package pii

// ibanStrength validates b as one IBAN: a country code with its registered
// length (ISO 13616 registry), two check digits and an alphanumeric BBAN,
// written compactly or in groups separated by single spaces, whose
// ISO 7064 mod 97-10 remainder is 1.
func ibanStrength(b []byte) float32 {
	if len(b) < 15 || len(b) > 42 || !isUpper(b[0]) || !isUpper(b[1]) {
		return 0
	}
	var buf [64]byte
	s, ok := ibanCompact(&buf, b)
	if !ok || len(s) < 15 || !isDigit(s[2]) || !isDigit(s[3]) {
		return 0
	}
	if !isUpper(s[1]) { // compacting may have moved a later byte here
		return 0
	}
	if want := ibanLength[s[0]-'A'][s[1]-'A']; want == 0 || int(want) != len(s) {
		return 0
	}
	if mod97(s) != 1 {
		return 0
	}
	return 0.97
}

// ibanCompact is compact(buf, b, " ") with at most 34 characters kept,
// by table and without a branch per byte: every byte is written to buf
// (b is at most 42 bytes) and the count moves on only for a letter or a
// digit; ok is false if b holds another byte or more than 34 of those.
func ibanCompact(buf *[64]byte, b []byte) (s []byte, ok bool) {
	n, bad := 0, uint8(0)
	for _, c := range b {
		k := ibanBytes[c]
		buf[n&63] = upperASCII[c]
		n += int(k & 1)
		bad |= k >> 1
	}
	if bad != 0 || n > 34 {
		return nil, false
	}
	return buf[:n], true
}

// upperASCII is upper by table (no branch on the byte).
var upperASCII = func() (t [256]byte) {
	for c := range t {
		t[c] = upper(byte(c))
	}
	return t
}()

// ibanBytes: 1 for the letters and digits compact keeps, 0 for the space
// it skips, 2 for any other byte.
var ibanBytes = func() (t [256]uint8) {
	for c := range t {
		switch {
		case isAlnum(byte(c)):
			t[c] = 1
		case c != ' ':
			t[c] = 2
		}
	}
	return t
}()

// mod97 computes the ISO 7064 mod 97-10 remainder of an IBAN: the first
// four characters moved to the end, letters as 10..35.
func mod97(s []byte) int {
	acc := mod97Acc(0, s[4:])
	acc = mod97Acc(acc, s[:4])
	return int(acc % 97)
}

// mod97Acc appends the characters of s (digits and capital letters) to
// acc as decimal digits (letters as 10..35) and returns the result mod
// 97 or a number congruent to it. Seven characters at a time, by table:
// from acc < 97, seven characters of at most two digits each keep acc
// below 10^16, so it is reduced once per seven characters, not tested
// after each (and the last one to seven are left to the caller's
// reduction).
func mod97Acc(acc uint64, s []byte) uint64 {
	acc %= 97
	for ; len(s) > 7; s = s[7:] {
		for _, c := range s[:7] {
			acc = acc*mod97Mul[c] + mod97Val[c]
		}
		acc %= 97
	}
	for _, c := range s {
		acc = acc*mod97Mul[c] + mod97Val[c]
	}
	return acc
}

// mod97Mul and mod97Val: what a character does to mod97Acc's number
// (a digit appends one decimal digit, a letter two).
var mod97Mul, mod97Val = func() (mul, val [256]uint64) {
	for c := range mul {
		switch {
		case isDigit(byte(c)):
			mul[c], val[c] = 10, uint64(c-'0')
		case isUpper(byte(c)):
			mul[c], val[c] = 100, uint64(c-'A')+10
		}
	}
	return mul, val
}()

// ibanLength is ibanLengths as a table indexed by the country code's
// letters, for the scanning path.
var ibanLength = func() (t [26][26]uint8) {
	for cc, n := range ibanLengths {
		t[cc[0]-'A'][cc[1]-'A'] = n
	}
	return t
}()

// ibanLengths is the IBAN length of each country in the SWIFT IBAN
// registry, with the territories that use their parent's format.
var ibanLengths = map[[2]byte]uint8{
	{'A', 'D'}: 24, {'A', 'E'}: 23, {'A', 'L'}: 28, {'A', 'T'}: 20, {'A', 'Z'}: 28,
	{'B', 'A'}: 20, {'B', 'E'}: 16, {'B', 'G'}: 22, {'B', 'H'}: 22, {'B', 'I'}: 27,
	{'B', 'R'}: 29, {'B', 'Y'}: 28, {'C', 'H'}: 21, {'C', 'R'}: 22, {'C', 'Y'}: 28,
	{'C', 'Z'}: 24, {'D', 'E'}: 22, {'D', 'J'}: 27, {'D', 'K'}: 18, {'D', 'O'}: 28,
	{'E', 'E'}: 20, {'E', 'G'}: 29, {'E', 'S'}: 24, {'F', 'I'}: 18, {'F', 'K'}: 18,
	{'F', 'O'}: 18, {'F', 'R'}: 27, {'G', 'B'}: 22, {'G', 'E'}: 22, {'G', 'I'}: 23,
	{'G', 'L'}: 18, {'G', 'R'}: 27, {'G', 'T'}: 28, {'H', 'N'}: 28, {'H', 'R'}: 21,
	{'H', 'U'}: 28, {'I', 'E'}: 22, {'I', 'L'}: 23, {'I', 'Q'}: 23, {'I', 'S'}: 26,
	{'I', 'T'}: 27, {'J', 'O'}: 30, {'K', 'W'}: 30, {'K', 'Z'}: 20, {'L', 'B'}: 28,
	{'L', 'C'}: 32, {'L', 'I'}: 21, {'L', 'T'}: 20, {'L', 'U'}: 20, {'L', 'V'}: 21,
	{'L', 'Y'}: 25, {'M', 'C'}: 27, {'M', 'D'}: 24, {'M', 'E'}: 22, {'M', 'K'}: 19,
	{'M', 'N'}: 20, {'M', 'R'}: 27, {'M', 'T'}: 31, {'M', 'U'}: 30, {'N', 'I'}: 28,
	{'N', 'L'}: 18, {'N', 'O'}: 15, {'O', 'M'}: 23, {'P', 'K'}: 24, {'P', 'L'}: 28,
	{'P', 'S'}: 29, {'P', 'T'}: 25, {'Q', 'A'}: 29, {'R', 'O'}: 24, {'R', 'S'}: 22,
	{'R', 'U'}: 33, {'S', 'A'}: 24, {'S', 'C'}: 31, {'S', 'D'}: 18, {'S', 'E'}: 24,
	{'S', 'I'}: 19, {'S', 'K'}: 24, {'S', 'M'}: 27, {'S', 'O'}: 23, {'S', 'T'}: 25,
	{'S', 'V'}: 28, {'T', 'L'}: 23, {'T', 'N'}: 24, {'T', 'R'}: 26, {'U', 'A'}: 29,
	{'V', 'A'}: 22, {'V', 'G'}: 24, {'X', 'K'}: 20, {'Y', 'E'}: 30,
	// Territories that use their parent's IBAN format.
	{'A', 'X'}: 18, {'G', 'F'}: 27, {'G', 'P'}: 27, {'M', 'Q'}: 27, {'R', 'E'}: 27,
	{'P', 'F'}: 27, {'T', 'F'}: 27, {'Y', 'T'}: 27, {'N', 'C'}: 27, {'B', 'L'}: 27,
	{'M', 'F'}: 27, {'P', 'M'}: 27, {'W', 'F'}: 27, {'I', 'M'}: 22, {'J', 'E'}: 22,
	{'G', 'G'}: 22,
}
