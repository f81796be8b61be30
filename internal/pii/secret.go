package pii

import (
	"encoding/base64"
	"math"
)

// secretStrength rates b, one token, as a credential. Known formats are
// strong: AWS access key ids, GitHub, Slack and Stripe tokens, Google API
// keys and JSON Web Tokens (whose header must decode to a JSON object).
// Any other long token of mixed letters and digits with high entropy is
// weak on its own and needs context ("secret", "token", "api_key" near
// it or in the column name), as do long hex strings, which are more often
// hashes than keys. UUIDs are never secrets.
func secretStrength(b []byte) float32 {
	if len(b) < 16 || len(b) > 2048 {
		return 0
	}
	if s := knownToken(b); s > 0 {
		return s
	}
	if jwtStrength(b) > 0 {
		return 0.9
	}
	return genericSecret(b)
}

var awsPrefixes = []string{"AKIA", "ASIA", "AGPA", "AIDA", "AROA", "AIPA", "ANPA", "ANVA", "APKA", "ABIA", "ACCA"}

func knownToken(b []byte) float32 {
	switch {
	case len(b) == 20 && isUpper(b[0]):
		for _, p := range awsPrefixes {
			if string(b[:4]) == p && allOf(b[4:], cUpper|cDigit) && !hasAny(b[4:], "0189") {
				return 0.9
			}
		}
	case len(b) == 40 && b[0] == 'g' && b[1] == 'h' && b[3] == '_' && indexByte("pousr", b[2]) >= 0:
		if allOf(b[4:], cAlpha|cDigit) {
			return 0.95
		}
	case len(b) == 93 && string(b[:11]) == "github_pat_":
		if allOf(b[11:], cAlpha|cDigit|cUnder) {
			return 0.95
		}
	case len(b) >= 15 && string(b[:3]) == "xox" && indexByte("baprse", b[3]) >= 0 && b[4] == '-':
		if allOf(b[5:], cAlpha|cDigit|cDash) {
			return 0.9
		}
	case len(b) >= 24 && (string(b[:8]) == "sk_live_" || string(b[:8]) == "rk_live_" || string(b[:8]) == "sk_test_"):
		if allOf(b[8:], cAlpha|cDigit) {
			return 0.9
		}
	case len(b) == 39 && string(b[:4]) == "AIza":
		if allOf(b[4:], cAlpha|cDigit|cUnder|cDash) {
			return 0.85
		}
	}
	return 0
}

func hasAny(b []byte, set string) bool {
	for _, c := range b {
		if indexByte(set, c) >= 0 {
			return true
		}
	}
	return false
}

// jwtStrength checks for a JSON Web Token: three base64url segments
// separated by dots whose first decodes to a JSON object naming "alg".
func jwtStrength(b []byte) float32 {
	if len(b) < 20 || string(b[:3]) != "eyJ" {
		return 0
	}
	dots, first := 0, -1
	for i, c := range b {
		switch {
		case c == '.':
			if dots++; first < 0 {
				first = i
			}
		case !isAlnum(c) && c != '-' && c != '_' && c != '=':
			return 0
		}
	}
	if dots != 2 || first < 8 {
		return 0
	}
	var hdr [96]byte
	n := min(first, 128) &^ 3 // decode whole quanta of the header only
	m, err := base64.RawURLEncoding.Decode(hdr[:], b[:n])
	if err != nil || m < 8 || hdr[0] != '{' || !containsFold(hdr[:m], `"alg"`) {
		return 0
	}
	return 0.9
}

// genericSecret rates a token by its alphabet and entropy.
func genericSecret(b []byte) float32 {
	if len(b) < 20 || len(b) > 256 {
		return 0
	}
	var mask uint16
	for _, c := range b {
		m := classes[c]
		if m&(cAlpha|cDigit) == 0 && c != '+' && c != '/' && c != '=' && c != '_' && c != '-' && c != '.' && c != '~' {
			return 0
		}
		mask |= m
	}
	if isUUID(b) {
		return 0
	}
	if allOf(b, cHex) {
		return 0.25
	}
	if mask&cUpper == 0 || mask&cLower == 0 || mask&cDigit == 0 {
		return 0
	}
	if entropy(b) < 4.0 {
		return 0
	}
	return 0.3
}

// entropy is the Shannon entropy of b in bits per byte.
func entropy(b []byte) float64 {
	var counts [128]uint16
	for _, c := range b {
		counts[c&0x7f]++
	}
	h, n := 0.0, float64(len(b))
	for _, k := range counts {
		if k > 0 {
			p := float64(k) / n
			h -= p * math.Log2(p)
		}
	}
	return h
}

// isUUID reports whether b is an RFC 4122 UUID in its 8-4-4-4-12 form.
func isUUID(b []byte) bool {
	// The dashes first: most 36-byte tokens that are not UUIDs fail there.
	if len(b) != 36 || b[8] != '-' || b[13] != '-' || b[18] != '-' || b[23] != '-' {
		return false
	}
	// Then the 32 hex digits, unrolled over the array (no loop, no
	// per-byte bounds check, no shape table: the dashes are checked).
	p, h := (*[36]byte)(b), &hexBytes
	return h[p[0]]&h[p[1]]&h[p[2]]&h[p[3]]&h[p[4]]&h[p[5]]&h[p[6]]&h[p[7]]&
		h[p[9]]&h[p[10]]&h[p[11]]&h[p[12]]&h[p[14]]&h[p[15]]&h[p[16]]&h[p[17]]&
		h[p[19]]&h[p[20]]&h[p[21]]&h[p[22]]&h[p[24]]&h[p[25]]&h[p[26]]&h[p[27]]&
		h[p[28]]&h[p[29]]&h[p[30]]&h[p[31]]&h[p[32]]&h[p[33]]&h[p[34]]&h[p[35]] == 1
}

// hexBytes is 1 for a hex digit, 0 for any other byte.
var hexBytes = func() (t [256]uint8) {
	for c := range t {
		if isHex(byte(c)) {
			t[c] = 1
		}
	}
	return t
}()
