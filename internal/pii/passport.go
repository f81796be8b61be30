package pii

// passportStrength rates b as a passport number. A passport number has no
// public check digit of its own: its shape (nine digits in the US and UK,
// two digits, two letters and five digits in France, ...) is shared by
// countless other identifiers, so shape alone stays below the report
// threshold and a finding needs context ("passport" near the value or in
// the column name). The one thing that can be validated is the
// machine-readable zone of a passport (ICAO 9303 TD3), whose second line
// carries check digits; passportMRZ checks it.
func passportStrength(b []byte) float32 {
	if len(b) < 8 || len(b) > 9 {
		return 0
	}
	letters, digits, lead := 0, 0, 0
	for i, c := range b {
		switch {
		case isUpper(c):
			letters++
			if digits == 0 {
				lead = i + 1
			}
		case isDigit(c):
			digits++
		default:
			return 0
		}
	}
	switch {
	case digits == 9:
		return 0.25 // US and UK books; also any nine-digit number
	case letters == lead && lead >= 1 && lead <= 3 && digits >= 6:
		return 0.3 // A12345678 (US), AB1234567 (IT), AAA123456 (ES)
	case len(b) == 9 && allDigits(b[:2]) && isUpper(b[2]) && isUpper(b[3]) && allDigits(b[4:]):
		return 0.35 // France: 12AB34567
	case len(b) == 9 && indexByte("CFGHJK", b[0]) >= 0 && digits > 0 && germanPassportChars(b):
		return 0.3 // Germany: C01X00T47
	case len(b) == 9 && isUpper(b[0]) && isUpper(b[1]) && isDigit(b[8]) && indexByteB(b, 'O') < 0:
		return 0.3 // Netherlands: XR1001R58
	}
	return 0
}

func germanPassportChars(b []byte) bool {
	for _, c := range b {
		if !isDigit(c) && indexByte("CFGHJKLMNPRTVWXYZ", c) < 0 {
			return false
		}
	}
	return true
}

// passportMRZ validates b as the second line of a passport's
// machine-readable zone (44 characters of A-Z, 0-9 and '<'): the check
// digits of the document number, date of birth, expiry date, personal
// number and the composite check must all hold.
func passportMRZ(b []byte) float32 {
	if len(b) != 44 {
		return 0
	}
	for _, c := range b {
		if !isUpper(c) && !isDigit(c) && c != '<' {
			return 0
		}
	}
	ok := mrzCheck(b[0:9], b[9]) && mrzCheck(b[13:19], b[19]) &&
		mrzCheck(b[21:27], b[27]) && (b[42] == '<' || mrzCheck(b[28:42], b[42]))
	if !ok {
		return 0
	}
	var comp [39]byte
	n := copy(comp[:], b[0:10])
	n += copy(comp[n:], b[13:20])
	n += copy(comp[n:], b[21:43])
	if !mrzCheck(comp[:n], b[43]) {
		return 0
	}
	return 0.98
}

// mrzCheck verifies an ICAO 9303 check digit: weights 7, 3, 1 repeating,
// digits as themselves, letters as 10-35, '<' as 0.
func mrzCheck(field []byte, check byte) bool {
	if !isDigit(check) {
		return false
	}
	weights := [3]int{7, 3, 1}
	sum := 0
	for i, c := range field {
		v := 0
		switch {
		case isDigit(c):
			v = int(c - '0')
		case isUpper(c):
			v = int(c-'A') + 10
		}
		sum += v * weights[i%3]
	}
	return sum%10 == int(check-'0')
}
