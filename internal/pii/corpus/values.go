package corpus

import (
	"encoding/base64"
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// gen draws values from one seeded source, so a corpus is the same on
// every machine.
type gen struct{ r *rand.Rand }

func (g gen) pick(s []string) string { return s[g.r.IntN(len(s))] }
func (g gen) digits(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('0' + g.r.IntN(10))
	}
	return string(b)
}
func (g gen) letters(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte('A' + g.r.IntN(26))
	}
	return string(b)
}
func (g gen) alnum(n int, alphabet string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alphabet[g.r.IntN(len(alphabet))]
	}
	return string(b)
}

const base62 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

// ascii folds a name to the ASCII letters an e-mail address would use.
func ascii(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z':
			b.WriteRune(r)
		case r == 'ß':
			b.WriteString("ss")
		case r > 0x7f:
			if i := strings.IndexRune(accented, r); i >= 0 {
				b.WriteByte(plain[i/2])
			}
		}
	}
	return b.String()
}

// accented letters (two bytes each in UTF-8) and their ASCII bases.
const (
	accented = "àáâäãåèéêëìíîïòóôöõùúûüñçý"
	plain    = "aaaaaaeeeeiiiiooooouuuuncy"
)

func (g gen) person(loc string) (first, last string) {
	n := names[loc]
	return g.pick(n.first), g.pick(n.last)
}

func (g gen) fullName(loc string) string {
	f, l := g.person(loc)
	switch g.r.IntN(10) {
	case 0:
		return l + ", " + f
	case 1:
		titles := map[string][]string{"en-US": {"Mr.", "Ms.", "Dr."}, "en-GB": {"Mr", "Mrs", "Dr"}, "de-DE": {"Herr", "Frau", "Dr."}, "fr-FR": {"M.", "Mme"}, "es-ES": {"Sr.", "Sra."}, "nl-NL": {"Dhr.", "Mevr."}}
		return g.pick(titles[loc]) + " " + f + " " + l
	case 2:
		f2, _ := g.person(loc)
		if loc == "es-ES" {
			_, l2 := g.person(loc)
			return f + " " + l + " " + l2
		}
		return f + " " + f2[:1] + ". " + l
	}
	return f + " " + l
}

var mailDomains = map[string][]string{
	"en-US": {"gmail.com", "yahoo.com", "outlook.com", "example.com", "comcast.net"},
	"en-GB": {"btinternet.com", "gmail.com", "hotmail.co.uk", "example.co.uk"},
	"de-DE": {"web.de", "gmx.de", "t-online.de", "example.de"},
	"fr-FR": {"orange.fr", "free.fr", "laposte.net", "example.fr"},
	"es-ES": {"telefonica.es", "gmail.com", "correo.es", "example.es"},
	"nl-NL": {"ziggo.nl", "kpnmail.nl", "xs4all.nl", "example.nl"},
}

func (g gen) email(loc string) string {
	f, l := g.person(loc)
	f, l = ascii(f), ascii(l)
	d := g.pick(mailDomains[loc])
	switch g.r.IntN(5) {
	case 0:
		return f[:1] + l + "@" + d
	case 1:
		return f + "_" + l + g.digits(2) + "@" + d
	case 2:
		return l + "." + f + "@" + d
	}
	return f + "." + l + "@" + d
}

// phone makes a number that libphonenumber holds valid, in the way people
// of the locale write it: nationally (with the usual grouping) or
// internationally.
func (g gen) phone(loc string, international bool) string {
	for {
		s := g.phoneCandidate(loc, international)
		region := map[string]string{"en-US": "US", "en-GB": "GB", "de-DE": "DE", "fr-FR": "FR", "es-ES": "ES", "nl-NL": "NL"}[loc]
		if n, err := phonenumbers.Parse(s, region); err == nil && phonenumbers.IsValidNumber(n) {
			return s
		}
	}
}

func (g gen) phoneCandidate(loc string, intl bool) string {
	d := g.digits
	switch loc {
	case "en-US":
		area := g.pick([]string{"201", "212", "213", "305", "312", "415", "503", "617", "646", "702", "713", "718", "805", "917"})
		ex := fmt.Sprint(2+g.r.IntN(8)) + d(2)
		if intl {
			return "+1 " + area + " " + ex + " " + d(4)
		}
		return g.pick([]string{"(" + area + ") " + ex + "-", area + "-" + ex + "-", area + "." + ex + "."}) + d(4)
	case "en-GB":
		if g.r.IntN(2) == 0 {
			m := "7" + g.pick([]string{"4", "5", "7", "8", "9"}) + d(2)
			if intl {
				return "+44 " + m + " " + d(6)
			}
			return "0" + m + " " + d(6)
		}
		if intl {
			return "+44 20 7946 0" + d(3)
		}
		return "020 7946 0" + d(3)
	case "de-DE":
		if g.r.IntN(2) == 0 {
			m := "1" + g.pick([]string{"51", "52", "57", "60", "70", "71", "76"})
			if intl {
				return "+49 " + m + " " + d(8)
			}
			return "0" + m + " " + d(8)
		}
		if intl {
			return "+49 30 " + d(8)
		}
		return g.pick([]string{"030 ", "030/", "089 "}) + d(7+g.r.IntN(2))
	case "fr-FR":
		p := g.pick([]string{"6", "7", "1", "4"})
		pairs := d(2) + " " + d(2) + " " + d(2) + " " + d(2)
		if intl {
			return "+33 " + p + " " + pairs
		}
		return "0" + p + " " + pairs
	case "es-ES":
		if intl {
			return "+34 6" + d(2) + " " + d(2) + " " + d(2) + " " + d(2)
		}
		return g.pick([]string{"6" + d(2) + " " + d(2) + " " + d(2) + " " + d(2), "6" + d(2) + " " + d(3) + " " + d(3), "91 " + d(3) + " " + d(2) + " " + d(2)})
	default: // nl-NL
		if intl {
			return "+31 6 " + d(8)
		}
		return g.pick([]string{"06-" + d(8), "06 " + d(4) + " " + d(4), "020-" + d(7)})
	}
}

// card makes a Luhn-valid number of a real issuer, grouped or not.
func (g gen) card() string {
	prefix, length := g.pick([]string{"4", "51", "52", "55", "2221", "34", "37", "6011", "3530", "3566"}), 16
	if prefix == "34" || prefix == "37" {
		length = 15
	}
	body := prefix + g.digits(length-len(prefix)-1)
	body += string(rune('0' + luhnDigit(body)))
	switch g.r.IntN(3) {
	case 0:
		return body
	case 1:
		if length == 15 {
			return body[:4] + " " + body[4:10] + " " + body[10:]
		}
		return body[:4] + " " + body[4:8] + " " + body[8:12] + " " + body[12:]
	}
	if length == 15 {
		return body[:4] + "-" + body[4:10] + "-" + body[10:]
	}
	return body[:4] + "-" + body[4:8] + "-" + body[8:12] + "-" + body[12:]
}

// luhnDigit is the check digit that makes body+digit pass Luhn.
func luhnDigit(body string) int {
	sum := 0
	for i := len(body) - 1; i >= 0; i-- {
		v := int(body[i] - '0')
		if (len(body)-1-i)%2 == 0 {
			v *= 2
			if v > 9 {
				v -= 9
			}
		}
		sum += v
	}
	return (10 - sum%10) % 10
}

// iban makes a valid IBAN of the locale's country.
func (g gen) iban(loc string) string {
	var cc, bban string
	switch loc {
	case "de-DE":
		cc, bban = "DE", g.digits(18)
	case "fr-FR":
		cc, bban = "FR", g.digits(10)+g.alnum(11, "0123456789ABCDEFGHJK")+g.digits(2)
	case "es-ES":
		cc, bban = "ES", g.digits(20)
	case "nl-NL":
		cc, bban = "NL", g.letters(4)+g.digits(10)
	default:
		cc, bban = "GB", g.letters(4)+g.digits(14)
	}
	check := 98 - mod97(bban+cc+"00")
	s := fmt.Sprintf("%s%02d%s", cc, check, bban)
	if g.r.IntN(2) == 0 {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i += 4 {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(s[i:min(i+4, len(s))])
	}
	return b.String()
}

func mod97(s string) int {
	r := 0
	for _, c := range s {
		if c >= 'A' && c <= 'Z' {
			r = (r*100 + int(c-'A') + 10) % 97
		} else {
			r = (r*10 + int(c-'0')) % 97
		}
	}
	return r
}

// ssn makes a number the SSA could have issued.
func (g gen) ssn(formatted bool) string {
	area := 1 + g.r.IntN(899)
	if area == 666 {
		area = 665
	}
	s := fmt.Sprintf("%03d%02d%04d", area, 1+g.r.IntN(99), 1+g.r.IntN(9999))
	if formatted {
		return s[:3] + "-" + s[3:5] + "-" + s[5:]
	}
	return s
}

func (g gen) nino() string {
	first, second := "ABCEGHJKLMNOPRSTWXYZ", "ABCEGHJKLMNPRSTWXYZ"
	for {
		p := string(first[g.r.IntN(len(first))]) + string(second[g.r.IntN(len(second))])
		switch p {
		case "BG", "GB", "KN", "NK", "NT", "TN", "ZZ":
			continue
		}
		d, suf := g.digits(6), string(rune('A'+g.r.IntN(4)))
		if g.r.IntN(2) == 0 {
			return p + " " + d[:2] + " " + d[2:4] + " " + d[4:] + " " + suf
		}
		return p + d + suf
	}
}

func (g gen) dni() string {
	const letters = "TRWAGMYFPDXBNJZSQVHLCKE"
	if g.r.IntN(3) == 0 {
		p := g.r.IntN(3)
		n := g.r.IntN(10000000)
		return fmt.Sprintf("%c%07d%c", 'X'+p, n, letters[(p*10000000+n)%23])
	}
	n := g.r.IntN(100000000)
	return fmt.Sprintf("%08d%c", n, letters[n%23])
}

func (g gen) bsn() string {
	for {
		d := g.digits(8)
		sum := 0
		for i := 0; i < 8; i++ {
			sum += (9 - i) * int(d[i]-'0')
		}
		if last := sum % 11; last <= 9 {
			return d + string(rune('0'+last))
		}
	}
}

func (g gen) steuerID() string {
	for {
		d := []byte(fmt.Sprint(1+g.r.IntN(9)) + g.digits(9))
		var count [10]int
		for _, c := range d {
			count[c-'0']++
		}
		twice, ok := 0, true
		for _, n := range count {
			if n == 2 {
				twice++
			} else if n > 2 {
				ok = false
			}
		}
		if !ok || twice != 1 {
			continue
		}
		product := 10
		for _, c := range d {
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
		s := string(d) + fmt.Sprint(check)
		if g.r.IntN(3) == 0 {
			return s[:2] + " " + s[2:5] + " " + s[5:8] + " " + s[8:]
		}
		return s
	}
}

func (g gen) nir() string {
	base := fmt.Sprintf("%d%02d%02d%02d%03d%03d", 1+g.r.IntN(2), g.r.IntN(100), 1+g.r.IntN(12), 1+g.r.IntN(95), 1+g.r.IntN(990), 1+g.r.IntN(999))
	n := 0
	for _, c := range base {
		n = (n*10 + int(c-'0')) % 97
	}
	s := fmt.Sprintf("%s%02d", base, 97-n)
	if g.r.IntN(2) == 0 {
		return s[:1] + " " + s[1:3] + " " + s[3:5] + " " + s[5:7] + " " + s[7:10] + " " + s[10:13] + " " + s[13:]
	}
	return s
}

func (g gen) passport(loc string) string {
	switch loc {
	case "en-US":
		if g.r.IntN(2) == 0 {
			return g.letters(1) + g.digits(8)
		}
		return g.digits(9)
	case "en-GB":
		return g.digits(9)
	case "de-DE":
		// Serial numbers such as C01X00T47: mostly digits, a few letters.
		l := func() string { return g.alnum(1, "CFGHJKLMNPRTVWXYZ") }
		return g.pick([]string{"C", "F", "G", "H", "J", "K"}) + g.digits(2) + l() + g.digits(2) + l() + g.digits(2)
	case "fr-FR":
		return g.digits(2) + g.letters(2) + g.digits(5)
	case "es-ES":
		return g.letters(3) + g.digits(6)
	}
	return g.alnum(2, "ABCDEFGHIJKLMNPQRSTUVWXYZ") + g.alnum(6, "ABCDEFGHIJKLMNPQRSTUVWXYZ0123456789") + g.digits(1)
}

// birthDate writes a date between 1940 and 2006 the locale's way.
func (g gen) birthDate(loc string) string {
	y, m, d := 1940+g.r.IntN(67), 1+g.r.IntN(12), 1+g.r.IntN(28)
	if g.r.IntN(4) == 0 {
		return fmt.Sprintf("%04d-%02d-%02d", y, m, d)
	}
	switch loc {
	case "en-US":
		return fmt.Sprintf("%02d/%02d/%04d", m, d, y)
	case "de-DE":
		return fmt.Sprintf("%02d.%02d.%04d", d, m, y)
	case "nl-NL":
		return fmt.Sprintf("%02d-%02d-%04d", d, m, y)
	}
	return fmt.Sprintf("%02d/%02d/%04d", d, m, y)
}

func (g gen) ipv4() string {
	if g.r.IntN(3) == 0 {
		return fmt.Sprintf("10.%d.%d.%d", g.r.IntN(256), g.r.IntN(256), 1+g.r.IntN(254))
	}
	return fmt.Sprintf("%d.%d.%d.%d", 11+g.r.IntN(212), g.r.IntN(256), g.r.IntN(256), 1+g.r.IntN(254))
}

func (g gen) ipv6() string {
	h := func() string { return fmt.Sprintf("%x", g.r.IntN(65536)) }
	if g.r.IntN(2) == 0 {
		return "2001:db8:" + h() + ":" + h() + "::" + h()
	}
	return "fe80::" + h() + ":" + h() + ":" + h() + ":" + h()
}

func (g gen) mac() string {
	sep := g.pick([]string{":", "-"})
	parts := make([]string, 6)
	for i := range parts {
		parts[i] = fmt.Sprintf("%02X", g.r.IntN(256))
	}
	return strings.Join(parts, sep)
}

func (g gen) url(loc string) string {
	host := g.pick([]string{"www.example.com", "shop.example.de", "blog.example.fr", "example.nl", "api.example.co.uk", "tienda.example.es"})
	path := g.pick([]string{"/", "/users/" + g.digits(4), "/products?id=" + g.digits(3), "/en/about", "/blog/2023/post-" + g.digits(2), ""})
	return g.pick([]string{"https://", "http://"}) + host + path
}

func (g gen) secret(flavour int) string {
	switch flavour {
	case 0:
		return "AKIA" + g.alnum(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
	case 1:
		return "ghp_" + g.alnum(36, base62)
	case 2:
		hdr := base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","typ":"JWT"}`))
		body := base64.RawURLEncoding.EncodeToString([]byte(fmt.Sprintf(`{"sub":"%s","iat":%d}`, g.digits(8), 1600000000+g.r.IntN(99999999))))
		return hdr + "." + body + "." + g.alnum(43, base62+"-_")
	case 3:
		return "xoxb-" + g.digits(12) + "-" + g.digits(13) + "-" + g.alnum(24, base62)
	}
	return g.alnum(32+g.r.IntN(9), base62)
}
