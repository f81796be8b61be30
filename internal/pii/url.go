package pii

// urlStrength validates b as one absolute URL: a known scheme and "://"
// (or a bare "www." host), a host that is a domain name, "localhost", an
// IPv4 address or a bracketed IPv6 address, an optional port, and a path,
// query and fragment of URL characters (no white space).
func urlStrength(b []byte) float32 {
	rest := b
	switch {
	case hasPrefixFold(b, "www."):
	default:
		i := schemeEnd(b)
		if i < 0 {
			return 0
		}
		rest = b[i+3:]
	}
	hostEnd := len(rest)
	for i, c := range rest {
		if c == '/' || c == '?' || c == '#' {
			hostEnd = i
			break
		}
	}
	if !urlHost(rest[:hostEnd]) {
		return 0
	}
	for _, c := range rest[hostEnd:] {
		if c <= ' ' || c == '"' || c == '<' || c == '>' || c == '\\' || c == '`' || c == 0x7f {
			return 0
		}
	}
	return 0.9
}

var schemes = []string{"https", "http", "ftp", "ftps", "sftp", "ws", "wss", "git", "ssh", "s3", "gs", "file"}

// schemeEnd returns the index of "://" after a known scheme, or -1.
func schemeEnd(b []byte) int {
	for _, s := range schemes {
		if len(b) > len(s)+3 && hasPrefixFold(b, s) && b[len(s)] == ':' && b[len(s)+1] == '/' && b[len(s)+2] == '/' {
			return len(s)
		}
	}
	return -1
}

func urlHost(h []byte) bool {
	if at := lastIndexByte(h, '@'); at >= 0 { // userinfo
		h = h[at+1:]
	}
	if len(h) > 0 && h[0] == '[' {
		end := indexByteB(h, ']')
		if end < 0 || !parseIPv6(h[1:end]) {
			return false
		}
		return end == len(h)-1 || (h[end+1] == ':' && allDigits(h[end+2:]))
	}
	if c := lastIndexByte(h, ':'); c >= 0 {
		if !allDigits(h[c+1:]) || len(h)-c-1 > 5 {
			return false
		}
		h = h[:c]
	}
	return equalFold(h, "localhost") || parseIPv4(h) || emailDomain(h)
}

func indexByteB(b []byte, c byte) int {
	for i, x := range b {
		if x == c {
			return i
		}
	}
	return -1
}

func lastIndexByte(b []byte, c byte) int {
	for i := len(b) - 1; i >= 0; i-- {
		if b[i] == c {
			return i
		}
	}
	return -1
}
