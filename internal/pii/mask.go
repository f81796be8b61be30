package pii

import (
	"strconv"
	"strings"
	"unicode/utf8"
)

// Mask returns a masked form of value, a match of type typ, fit to show in
// a report: enough to recognize what kind of value it was, never enough
// to recover it. "john.smith@example.com" becomes "j***@example.com", a
// card number "**** **** **** 1111", a name "J*** S***". Unknown types
// and values that do not look like their type are masked whole.
func Mask(typ string, value []byte) string {
	v := trimSpace(value)
	if len(v) == 0 {
		return ""
	}
	switch typ {
	case Email:
		return maskEmail(v)
	case CreditCard:
		return maskTail(v, 4, true)
	case USSSN, Phone, IBAN, Passport, NationalID:
		return maskTail(v, 2, false)
	case IPAddress:
		return maskIP(v)
	case MACAddress:
		return maskMAC(v)
	case URL:
		return maskURL(v)
	case Secret:
		return maskSecret(v)
	case Person, Address:
		return maskWords(v)
	}
	return maskAll(v)
}

func maskEmail(v []byte) string {
	at := lastIndexByte(v, '@')
	if at < 1 {
		return maskAll(v)
	}
	r, _ := utf8.DecodeRune(v)
	return string(r) + "***@" + string(v[at+1:])
}

// maskTail keeps the last keep alphanumerics and every separator; with
// cardStyle it writes four-digit groups as card numbers are shown.
func maskTail(v []byte, keep int, cardStyle bool) string {
	n := 0
	for _, c := range v {
		if isAlnum(c) {
			n++
		}
	}
	if cardStyle {
		return "**** **** **** " + lastAlnum(v, keep)
	}
	if n <= keep*2 {
		return maskAll(v)
	}
	var b strings.Builder
	seen := 0
	for _, c := range v {
		switch {
		case isAlnum(c):
			seen++
			if seen > n-keep {
				b.WriteByte(c)
			} else {
				b.WriteByte('*')
			}
		case c < 0x80:
			b.WriteByte(c)
		}
	}
	return b.String()
}

func lastAlnum(v []byte, n int) string {
	out := make([]byte, 0, n)
	for i := len(v) - 1; i >= 0 && len(out) < n; i-- {
		if isAlnum(v[i]) {
			out = append(out, v[i])
		}
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return string(out)
}

// maskIP keeps the first octet of an IPv4 address (its network class)
// and the first group of an IPv6 address.
func maskIP(v []byte) string {
	if dot := indexByteB(v, '.'); dot > 0 && dot <= 3 && allDigits(v[:dot]) && indexByteB(v, ':') < 0 {
		return string(v[:dot]) + ".*.*.*"
	}
	if c := indexByteB(v, ':'); c > 0 && c <= 4 {
		return string(v[:c]) + ":****"
	}
	return maskAll(v)
}

// maskMAC keeps the vendor prefix (OUI) and hides the device part.
func maskMAC(v []byte) string {
	if len(v) == 17 {
		return string(v[:9]) + "**" + string(v[11:12]) + "**" + string(v[14:15]) + "**"
	}
	return maskAll(v)
}

// maskURL keeps the scheme, the first letter and the top-level domain of
// the host, and hides the rest: "https://e***.com/***".
func maskURL(v []byte) string {
	s := string(v)
	rest, scheme := s, ""
	if i := strings.Index(s, "://"); i > 0 && i <= 8 && allOf(v[:i], cAlpha) {
		scheme, rest = s[:i+3], s[i+3:]
	}
	host := rest
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		host = rest[:i]
	}
	if i := strings.LastIndexByte(host, '@'); i >= 0 {
		host = host[i+1:]
	}
	masked := "***"
	if dot := strings.LastIndexByte(host, '.'); dot > 0 {
		r, _ := utf8.DecodeRuneInString(host)
		masked = string(r) + "***" + host[dot:]
	}
	if len(host) == len(rest) {
		return scheme + masked
	}
	return scheme + masked + "/***"
}

// maskSecret names a known token's prefix and the length, nothing more.
func maskSecret(v []byte) string {
	prefix := ""
	for _, p := range []string{"ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "xoxb-", "xoxp-", "xoxa-", "xoxr-", "xoxs-", "sk_live_", "rk_live_", "sk_test_", "AKIA", "ASIA", "AIza", "eyJ", "-----BEGIN"} {
		if strings.HasPrefix(string(v), p) {
			prefix = p
			break
		}
	}
	return prefix + "****** (" + strconv.Itoa(len(v)) + " bytes)"
}

// maskWords keeps the first letter of each word and punctuation between
// words: "Jean-Pierre Dupont" -> "J*** D***".
func maskWords(v []byte) string {
	var b strings.Builder
	start := true
	for _, r := range string(v) {
		switch {
		case r == ' ' || r == ',' || r == '\n' || r == '\t':
			b.WriteRune(r)
			start = true
		case start:
			if r < utf8.RuneSelf && (isDigit(byte(r)) || !isAlpha(byte(r))) {
				b.WriteString("*")
			} else {
				b.WriteRune(r)
			}
			b.WriteString("***")
			start = false
		}
	}
	return b.String()
}

// maskAll hides every letter and digit, keeping separators and length.
func maskAll(v []byte) string {
	var b strings.Builder
	for _, r := range string(v) {
		if r < utf8.RuneSelf && !isAlnum(byte(r)) {
			b.WriteRune(r)
		} else {
			b.WriteByte('*')
		}
	}
	return b.String()
}
