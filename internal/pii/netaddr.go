package pii

// ipv4Strength validates b as a dotted-quad IPv4 address as net/netip
// parses it: four decimal octets 0-255 without leading zeros. Addresses
// whose four octets are all single digits read like version numbers
// ("1.2.3.4") and are weak.
func ipv4Strength(b []byte) float32 {
	if !parseIPv4(b) {
		return 0
	}
	// No two digits in a row: four one-digit octets, which a valid
	// address of seven bytes is and no other is.
	if len(b) == 7 {
		return 0.35
	}
	return 0.85
}

// parseIPv4 reports whether b is a dotted-quad IPv4 address: four
// decimal octets of one to three digits, no leading zero, at most 255.
// Octet by octet, its digits unrolled (TestParseIPv4 compares it with
// the byte loop it replaced).
func parseIPv4(b []byte) bool {
	if len(b) < 7 || len(b) > 15 {
		return false
	}
	pos := 0
	for k := range 4 {
		if k > 0 {
			if b[pos] != '.' {
				return false
			}
			pos++
		}
		if pos = octetEnd(b, pos); pos < 0 {
			return false
		}
		if pos == len(b) {
			return k == 3
		}
	}
	return false
}

// octetEnd returns the end of the decimal octet (one to three digits,
// no leading zero, at most 255) that starts at b[pos], or -1.
func octetEnd(b []byte, pos int) int {
	if pos >= len(b) || !isDigit(b[pos]) {
		return -1
	}
	v := int(b[pos] - '0')
	if pos++; pos == len(b) || !isDigit(b[pos]) {
		return pos
	}
	if v == 0 {
		return -1 // a leading zero
	}
	v = v*10 + int(b[pos]-'0')
	if pos++; pos == len(b) || !isDigit(b[pos]) {
		return pos
	}
	v = v*10 + int(b[pos]-'0')
	if pos++; v > 255 || (pos < len(b) && isDigit(b[pos])) {
		return -1
	}
	return pos
}

// ipv6Strength validates b as an IPv6 address in RFC 4291 text form:
// eight groups of one to four hex digits, at most one "::" standing for
// one or more zero groups, and optionally a dotted IPv4 address as the
// last 32 bits. Zones ("%eth0") are not accepted. It agrees with
// net/netip.ParseAddr on zone-less input (see FuzzIPv6).
func ipv6Strength(b []byte) float32 {
	if !parseIPv6(b) {
		return 0
	}
	if len(b) <= 3 { // "::", "::1"
		return 0.5
	}
	return 0.9
}

func parseIPv6(b []byte) bool {
	if len(b) < 2 || len(b) > 45 {
		return false
	}
	groups, ellipsis := 0, false
	i := 0
	if b[0] == ':' {
		if b[1] != ':' {
			return false
		}
		ellipsis, i = true, 2
		if i == len(b) {
			return true
		}
	}
	for i < len(b) {
		j := i
		for j < len(b) && j-i < 5 && isHex(b[j]) {
			j++
		}
		if j < len(b) && b[j] == '.' { // embedded IPv4 must end the address
			if groups > 6 || !parseIPv4(b[i:]) {
				return false
			}
			groups += 2
			break
		}
		if j == i || j-i > 4 {
			return false
		}
		groups++
		if j == len(b) {
			break
		}
		if b[j] != ':' || j+1 == len(b) {
			return false
		}
		i = j + 1
		if b[i] == ':' {
			if ellipsis {
				return false
			}
			ellipsis = true
			i++
			if i == len(b) {
				break
			}
		}
	}
	if ellipsis {
		return groups < 8
	}
	return groups == 8
}

// macStrength validates b as an IEEE 802 MAC-48 address: six pairs of hex
// digits separated by ':' or '-' (one kind), or three groups of four
// separated by '.' (Cisco). The all-zero address is weak.
func macStrength(b []byte) float32 {
	var ok bool
	switch len(b) {
	case 17:
		ok = hexGroups(b, 2, b[2])
	case 14:
		ok = b[4] == '.' && hexGroups(b, 4, '.')
	}
	if !ok || (b[2] != ':' && b[2] != '-' && b[4] != '.') {
		return 0
	}
	for _, c := range b {
		if c != '0' && isHex(c) {
			return 0.9
		}
	}
	return 0.4
}

// hexGroups checks that b is groups of n hex digits separated by sep.
func hexGroups(b []byte, n int, sep byte) bool {
	for i, c := range b {
		if (i+1)%(n+1) == 0 {
			if c != sep {
				return false
			}
		} else if !isHex(c) {
			return false
		}
	}
	return true
}
