package pii

// ssnStrength validates b as a US Social Security number under the SSA's
// rules: area not 000, 666 or 900-999, group not 00, serial not 0000, and
// not one of the numbers the SSA lists as never issued (advertising and
// the Woolworth wallet card). Written AAA-GG-SSSS (or with spaces) it is
// strong evidence; nine bare digits are weak, since most nine-digit
// numbers pass, and need context.
func ssnStrength(b []byte) float32 {
	var d [9]byte
	var formatted bool
	switch {
	case len(b) == 9 && allDigits(b):
		copy(d[:], b)
	case len(b) == 11 && (b[3] == '-' || b[3] == ' ') && b[6] == b[3] &&
		allDigits(b[:3]) && allDigits(b[4:6]) && allDigits(b[7:]):
		copy(d[:3], b[:3])
		copy(d[3:5], b[4:6])
		copy(d[5:], b[7:])
		formatted = true
	default:
		return 0
	}
	if !ssnValid(d[:]) {
		return 0
	}
	if formatted {
		return 0.8
	}
	return 0.3
}

func ssnValid(d []byte) bool {
	area, group, serial := digitVal(d[:3]), digitVal(d[3:5]), digitVal(d[5:])
	if area == 0 || area == 666 || area >= 900 || group == 0 || serial == 0 {
		return false
	}
	switch string(d) {
	case "078051120", "219099999", "123456789":
		return false
	}
	// All one digit ("111-11-1111") is a placeholder, not an issued number.
	for _, c := range d[1:] {
		if c != d[0] {
			return true
		}
	}
	return false
}
