package pii

import (
	"net/netip"
	"testing"
)

// recognizerTests: what each validator must accept and reject. The
// values are made up (test card numbers, documentation IBANs and
// addresses, numbers computed to pass or fail their checks).
var recognizerTests = []struct {
	name string
	fn   func([]byte) float32
	ok   []string
	bad  []string
}{
	{"email", emailStrength,
		[]string{"john.smith@example.com", "a@b.co", "Jörg.Müller@web.de", "x+tag@mail.example.org", "j_o-e@xn--bcher-kva.de"},
		[]string{"john@localhost", "@example.com", "john@", "john..smith@example.com", ".john@example.com", "icon@2x.png", "a@b", "a@b.c", "a b@example.com", "john@ex_ample.com", "a@@b.com", "john@-example.com"}},
	{"card", cardStrength,
		[]string{"4111111111111111", "4111 1111 1111 1111", "5555-5555-5555-4444", "378282246310005", "6011111111111117", "3530111333300000", "2223003122003222"},
		[]string{"4111111111111112", "1234567812345678", "4111 1111-1111 1111", "411111111111", "9111111111111111", " 4111111111111111", "4111  1111 1111 1111"}},
	{"iban", ibanStrength,
		[]string{"DE89370400440532013000", "DE89 3704 0044 0532 0130 00", "GB29NWBK60161331926819", "NL91ABNA0417164300", "FR1420041010050500013M02606", "ES9121000418450200051332"},
		[]string{"DE89370400440532013001", "DE8937040044053201300", "XX89370400440532013000", "de89370400440532013000", "GB29NWBK6016133192681"}},
	{"ssn", ssnStrength,
		[]string{"123-45-6780", "536-22-1234", "536 22 1234", "536221234"},
		[]string{"000-12-3456", "666-12-3456", "912-12-3456", "123-00-4567", "123-45-0000", "078-05-1120", "123-45-6789", "111-11-1111", "123-456-789", "12-345-6789"}},
	{"ipv4", ipv4Strength,
		[]string{"192.168.1.20", "10.0.0.1", "8.8.8.8", "255.255.255.255"},
		[]string{"256.1.1.1", "1.2.3", "01.2.3.4", "1.2.3.4.5", "1..2.3", "a.b.c.d"}},
	{"ipv6", ipv6Strength,
		[]string{"2001:db8::1", "fe80::1ff:fe23:4567:890a", "::1", "2001:0db8:0000:0000:0000:ff00:0042:8329", "::ffff:192.0.2.128"},
		[]string{"2001:db8:::1", "1:2:3:4:5:6:7:8:9", "12345::1", "10:30:00", "fe80::1::2", "::ffff:999.0.2.128"}},
	{"mac", macStrength,
		[]string{"00:1A:2B:3C:4D:5E", "00-1a-2b-3c-4d-5e", "001a.2b3c.4d5e"},
		[]string{"00:1A:2B:3C:4D", "00:1A-2B:3C:4D:5E", "00:1G:2B:3C:4D:5E", "001a2b3c4d5e"}},
	{"url", urlStrength,
		[]string{"https://example.com", "http://shop.example.de/produkt?id=5", "www.example.org/a", "https://user@example.com:8443/x", "http://[2001:db8::1]:80/", "ftp://10.0.0.1/pub"},
		[]string{"https://", "example.com", "http://exa mple.com", "https://example", "javascript:alert(1)", "http://[zz]/"}},
	{"nino", ninoStrength,
		[]string{"AB123456C", "AB 12 34 56 C", "JG103759A"},
		[]string{"AB123456E", "DA123456C", "BG123456C", "AO123456C", "ab123456c", "AB12345C"}},
	{"dni", dniStrength,
		[]string{"12345678Z", "X1234567L", "Y1234567X", "12345678-Z"},
		[]string{"12345678A", "X1234567A", "1234567Z", "W1234567L"}},
	{"bsn", bsnStrength,
		[]string{"111222333", "123456782"},
		[]string{"111222334", "000000000", "12345678"}},
	{"steuer-id", steuerIDStrength,
		[]string{"86095742719", "47036892816", "65929970489"},
		[]string{"86095742718", "01234567890", "11111111111", "12345678901"}},
	{"nir", nirStrength,
		[]string{"185057800608491", "1 85 05 78 006 084 91", "269052A12345688"},
		[]string{"185057800608490", "385057800608491", "185137800608491"}},
	{"passport-mrz", passportMRZ,
		[]string{"L898902C36UTO7408122F1204159ZE184226B<<<<<10"},
		[]string{"L898902C37UTO7408122F1204159ZE184226B<<<<<10", "L898902C36UTO7408122F1204159ZE184226B<<<<<1"}},
	{"secret", secretStrength,
		[]string{"AKIAIOSFODNN7EXAMPLE", "ghp_abcdefghijklmnopqrstuvwxyz0123456789", "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
			"eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
			"sk_live_4eC39HqLyjWDarjtT1zdp7dc", "AIzaSyA-1234567890abcdefghijklmnopqrstu"},
		[]string{"AKIAIOSFODNN7EXAMPL", "ghp_short", "550e8400-e29b-41d4-a716-446655440000", "this_is_a_long_identifier_name"}},
}

func TestRecognizers(t *testing.T) {
	for _, tt := range recognizerTests {
		for _, v := range tt.ok {
			if s := tt.fn([]byte(v)); s <= 0 {
				t.Errorf("%s(%s) = %v, want > 0", tt.name, Mask("", []byte(v)), s)
			}
		}
		for _, v := range tt.bad {
			if s := tt.fn([]byte(v)); s != 0 {
				t.Errorf("%s(%s) = %v, want 0", tt.name, Mask("", []byte(v)), s)
			}
		}
	}
}

func TestDates(t *testing.T) {
	for _, tt := range []struct {
		in      string
		ok      bool
		year    int
		hasTime bool
	}{
		{"1985-03-12", true, 1985, false},
		{"12/03/1985", true, 1985, false},
		{"03/31/1985", true, 1985, false},
		{"12.03.85", true, 1985, false},
		{"1985-03-12 00:00:00", true, 1985, false},
		{"2024-01-15T10:30:00Z", true, 2024, true},
		{"19850312", true, 1985, false},
		{"1985-02-30", false, 0, false},
		{"31/31/1985", false, 0, false},
		{"1.2.3", false, 0, false},
		{"2024-01-15T25:00", false, 0, false},
	} {
		di, ok := numericDate([]byte(tt.in))
		if ok != tt.ok || (ok && (di.year != tt.year || di.hasTime != tt.hasTime)) {
			t.Errorf("numericDate(%q) = %+v, %v; want year %d, time %v, %v", tt.in, di, ok, tt.year, tt.hasTime, tt.ok)
		}
	}
}

// FuzzIPv6 checks the byte-level IPv6 parser against net/netip on every
// input without a zone: both accept or both reject.
func FuzzIPv6(f *testing.F) {
	for _, tt := range recognizerTests {
		if tt.name == "ipv6" || tt.name == "ipv4" {
			for _, v := range append(tt.ok, tt.bad...) {
				f.Add(v)
			}
		}
	}
	f.Fuzz(func(t *testing.T, s string) {
		for i := 0; i < len(s); i++ {
			if s[i] == '%' {
				return // zones: netip accepts them, pii does not
			}
		}
		a, err := netip.ParseAddr(s)
		want := err == nil && a.Is6()
		if got := parseIPv6([]byte(s)); got != want {
			t.Fatalf("parseIPv6(%q) = %v, netip says %v (%v)", s, got, want, err)
		}
		want4 := err == nil && a.Is4()
		if got := parseIPv4([]byte(s)); got != want4 {
			t.Fatalf("parseIPv4(%q) = %v, netip says %v (%v)", s, got, want4, err)
		}
	})
}
