package corpus

import (
	"fmt"
	"slices"
	"strings"
)

// structured plans the labeled columns of one locale. Column names cycle
// through specific, foreign-language and generic names ("col3", "value")
// so that names help some columns and none at all for others.
func structured(loc string) []spec {
	li := slices.Index(Locales, loc)
	nm := func(opts ...string) string { return opts[li%len(opts)] }
	one := func(t string) []string { return []string{t} }
	s := []spec{
		{nm("email", "col3", "E-Mail", "courriel", "correo", "value"), one("EMAIL"), func(g gen, l string) string { return g.email(l) }, 0.05, ""},
		{nm("phone", "tel", "col4", "telephone", "telefono", "data"), one("PHONE"), func(g gen, l string) string { return g.phone(l, g.r.IntN(5) == 0) }, 0.05, ""},
		{nm("field_7", "mobile", "handy", "col_c", "movil", "f2"), one("PHONE"), func(g gen, l string) string { return g.phone(l, true) }, 0.02, ""},
		{nm("full_name", "name", "col1", "nom_complet", "nombre", "naam"), one("PERSON"), func(g gen, l string) string { return g.fullName(l) }, 0.02, ""},
		{nm("first_name", "given_name", "vorname", "prenom", "nombre_pila", "voornaam"), one("PERSON"), func(g gen, l string) string { f, _ := g.person(l); return f }, 0.02, ""},
		{nm("last_name", "surname", "nachname", "nom", "apellido", "achternaam"), one("PERSON"), func(g gen, l string) string { _, s := g.person(l); return s }, 0.02, ""},
		{nm("col5", "value", "field", "attr_2", "x", "c7"), one("PERSON"), func(g gen, l string) string { return g.fullName(l) }, 0.02, ""},
		{nm("address", "street_address", "anschrift", "adresse", "direccion", "adres"), one("ADDRESS"), func(g gen, l string) string { return g.address(l) }, 0.05, ""},
		{nm("col6", "data", "f3", "v", "col_b", "kolom6"), one("ADDRESS"), func(g gen, l string) string { return g.address(l) }, 0.02, ""},
		{nm("dob", "date_of_birth", "geburtsdatum", "date_naissance", "fecha_nacimiento", "geboortedatum"), one("DATE_OF_BIRTH"), func(g gen, l string) string { return g.birthDate(l) }, 0.05, ""},
		{nm("iban", "bank_account", "col8", "iban", "cuenta", "rekening"), one("IBAN"), func(g gen, l string) string { return g.iban(l) }, 0.02, ""},
		{nm("card_number", "cc", "col9", "carte", "tarjeta", "value2"), one("CREDIT_CARD"), func(g gen, _ string) string { return g.card() }, 0.02, ""},
		{nm("passport_no", "passport", "reisepass_nr", "passeport", "pasaporte", "paspoort"), one("PASSPORT"), func(g gen, l string) string { return g.passport(l) }, 0.05, ""},
		{nm("client_ip", "ip", "col11", "remote_addr", "ip_origen", "ip_adres"), one("IP_ADDRESS"), func(g gen, _ string) string {
			if li%2 == 1 {
				return g.ipv6()
			}
			return g.ipv4()
		}, 0.02, ""},
	}
	return append(s, localColumns(loc)...)
}

// localColumns plans the columns only some locales have: national ids,
// secrets, and the harder cases (generic names, case, extensions).
func localColumns(loc string) []spec {
	one := func(t string) []string { return []string{t} }
	var s []spec
	switch loc {
	case "en-US":
		s = append(s,
			spec{"col_p", one("PASSPORT"), func(g gen, l string) string { return g.passport(l) }, 0.02, ""},
			spec{"contact_phone", one("PHONE"), func(g gen, l string) string {
				p := g.phone(l, false)
				if g.r.IntN(3) == 0 {
					p += g.pick([]string{" x", " ext. ", " ext "}) + g.digits(2+g.r.IntN(2))
				}
				return p
			}, 0.02, ""},
			spec{"col10", one("US_SSN"), func(g gen, _ string) string { return g.ssn(true) }, 0.02, ""},
			spec{"ssn", one("US_SSN"), func(g gen, _ string) string { return g.ssn(false) }, 0.02, ""},
			spec{"employee_ssn", one("US_SSN"), func(g gen, _ string) string { return strings.ReplaceAll(g.ssn(true), "-", " ") }, 0.02, ""},
			spec{"SSN", one("US_SSN"), func(g gen, _ string) string { return g.ssn(g.r.IntN(2) == 0) }, 0.02, ""},
			spec{"col16", one("US_SSN"), func(g gen, _ string) string { return g.ssn(false) }, 0.02, ""},
			spec{"aws_access_key_id", one("SECRET"), func(g gen, _ string) string { return g.secret(0) }, 0.02, ""},
			spec{"api_key", one("SECRET"), func(g gen, _ string) string { return g.secret(4) }, 0.02, ""},
			spec{"device_mac", one("MAC_ADDRESS"), func(g gen, _ string) string { return g.mac() }, 0.02, ""},
			spec{"website", one("URL"), func(g gen, l string) string { return g.url(l) }, 0.05, ""})
	case "en-GB":
		s = append(s,
			spec{"ni_number", one("NATIONAL_ID"), func(g gen, _ string) string { return g.nino() }, 0.02, ""},
			spec{"col10", one("NATIONAL_ID"), func(g gen, _ string) string { return g.nino() }, 0.02, ""},
			spec{"github_token", one("SECRET"), func(g gen, _ string) string { return g.secret(1) }, 0.02, ""},
			spec{"customer", one("PERSON"), func(g gen, l string) string { return strings.ToLower(g.fullName(l)) }, 0.02, ""},
			spec{"EMAIL", one("EMAIL"), func(g gen, l string) string { return strings.ToUpper(g.email(l)) }, 0.02, ""},
			spec{"contact", []string{"EMAIL", "PHONE"}, func(g gen, l string) string {
				if g.r.IntN(2) == 0 {
					return g.email(l)
				}
				return g.phone(l, false)
			}, 0.02, ""})
	case "de-DE":
		s = append(s,
			spec{"steuer_id", one("NATIONAL_ID"), func(g gen, _ string) string { return g.steuerID() }, 0.02, ""},
			spec{"datum", one("DATE_OF_BIRTH"), func(g gen, l string) string { return g.birthDate(l) }, 0.02, ""},
			spec{"auth_token", one("SECRET"), func(g gen, _ string) string { return g.secret(2) }, 0.02, ""},
			spec{"mac", one("MAC_ADDRESS"), func(g gen, _ string) string { return g.mac() }, 0.02, ""})
	case "fr-FR":
		s = append(s,
			spec{"nir", one("NATIONAL_ID"), func(g gen, _ string) string { return g.nir() }, 0.02, ""},
			spec{"client", one("PERSON"), func(g gen, l string) string { f, s := g.person(l); return strings.ToUpper(s) + " " + f }, 0.02, ""},
			spec{"col10", one("NATIONAL_ID"), func(g gen, _ string) string { return g.nir() }, 0.02, ""},
			spec{"slack_token", one("SECRET"), func(g gen, _ string) string { return g.secret(3) }, 0.02, ""},
			spec{"site_web", one("URL"), func(g gen, l string) string { return g.url(l) }, 0.05, ""})
	case "es-ES":
		s = append(s,
			spec{"dni", one("NATIONAL_ID"), func(g gen, _ string) string { return g.dni() }, 0.02, ""},
			spec{"col10", one("NATIONAL_ID"), func(g gen, _ string) string { return g.dni() }, 0.02, ""},
			spec{"contacto", []string{"EMAIL", "PHONE"}, func(g gen, l string) string {
				if g.r.IntN(2) == 0 {
					return g.email(l)
				}
				return g.phone(l, false)
			}, 0.02, ""},
			spec{"col12", one("SECRET"), func(g gen, _ string) string { return g.secret(4) }, 0.02, ""})
	case "nl-NL":
		s = append(s,
			spec{"bsn", one("NATIONAL_ID"), func(g gen, _ string) string { return g.bsn() }, 0.02, ""},
			spec{"col10", one("NATIONAL_ID"), func(g gen, _ string) string { return g.bsn() }, 0.02, ""},
			spec{"secret", one("SECRET"), func(g gen, _ string) string { return g.secret(4) }, 0.02, ""})
	}
	return s
}

// decoys plans columns that hold no personal data, many of them shaped
// or named like columns that do.
func decoys() []spec {
	d := func(name string, f func(g gen) string) spec {
		return spec{name, nil, func(g gen, _ string) string { return f(g) }, 0.02, "decoy"}
	}
	return []spec{
		d("order_id", func(g gen) string { return luhnFailing(g, 16) }),
		d("transaction_ref", func(g gen) string { return fmt.Sprint(1+g.r.IntN(9)) + g.digits(15) }),
		d("ssn", func(g gen) string { return invalidSSN(g) }),
		d("id", func(g gen) string { return uuid(g) }),
		d("col13", func(g gen) string { return uuid(g) }),
		d("created_at", func(g gen) string {
			return fmt.Sprintf("2024-%02d-%02dT%02d:%02d:%02dZ", 1+g.r.IntN(12), 1+g.r.IntN(28), 1+g.r.IntN(23), g.r.IntN(60), g.r.IntN(60))
		}),
		d("updated", func(g gen) string {
			return fmt.Sprintf("2023-%02d-%02d %02d:%02d:%02d", 1+g.r.IntN(12), 1+g.r.IntN(28), 1+g.r.IntN(23), g.r.IntN(60), g.r.IntN(60))
		}),
		d("event_time", func(g gen) string { return fmt.Sprint(1600000000 + g.r.IntN(120000000)) }),
		d("version", func(g gen) string {
			if g.r.IntN(4) == 0 {
				return fmt.Sprintf("%d.%d.%d.%d", g.r.IntN(5), g.r.IntN(20), g.r.IntN(30), g.r.IntN(200))
			}
			return fmt.Sprintf("%d.%d.%d", g.r.IntN(5), g.r.IntN(20), g.r.IntN(30))
		}),
		d("sha256", func(g gen) string { return g.alnum(64, "0123456789abcdef") }),
		d("data", func(g gen) string { return g.alnum(32, "0123456789abcdef") }),
		d("commit", func(g gen) string { return g.alnum(40, "0123456789abcdef") }),
		d("sku", func(g gen) string { return g.letters(2) + "-" + g.digits(5) + "-" + g.letters(1) }),
		d("product_code", func(g gen) string { return g.letters(2) + g.digits(6) + g.letters(1) }),
		d("order_no", func(g gen) string { return fmt.Sprintf("ORD-%d-%06d", 2020+g.r.IntN(5), g.r.IntN(1000000)) }),
		d("amount", func(g gen) string { return fmt.Sprintf("%d.%02d", g.r.IntN(100000), g.r.IntN(100)) }),
		d("quantity", func(g gen) string { return fmt.Sprint(1 + g.r.IntN(500)) }),
		d("email", func(g gen) string {
			return g.pick([]string{"none", "john at example dot com", "@jsmith", "ask reception", "foo@bar", "icon@2x.png", "see notes", "user@localhost"})
		}),
		d("phone", func(g gen) string {
			return g.pick([]string{"ext. 12", "555", "call reception", "0", "12", "x401", "tbd"})
		}),
		d("name", func(g gen) string { return g.pick(productDecoys) }),
		d("city", func(g gen) string { return g.pick(cityDecoys) }),
		d("color", func(g gen) string { return g.pick(colorDecoys) }),
		d("company", func(g gen) string { return g.pick(companyDecoys) }),
		d("job_title", func(g gen) string { return g.pick(jobDecoys) }),
		d("status", func(g gen) string { return g.pick(statusDecoys) }),
		d("customer_no", func(g gen) string { return fmt.Sprint(1+g.r.IntN(9)) + g.digits(9) }),
		d("col14", func(g gen) string { return fmt.Sprint(1+g.r.IntN(9)) + g.digits(8) }),
		d("lat", func(g gen) string { return fmt.Sprintf("%.6f", -90+g.r.Float64()*180) }),
		d("zip", func(g gen) string { return g.digits(5) }),
		d("country", func(g gen) string { return g.pick([]string{"DE", "FR", "ES", "NL", "GB", "US"}) }),
		d("ship_date", func(g gen) string { return fmt.Sprintf("2024-%02d-%02d", 1+g.r.IntN(12), 1+g.r.IntN(28)) }),
		d("tracking", func(g gen) string { return "1Z" + g.alnum(16, "0123456789ABCDEFGHJKLMNPRSTUVWXYZ") }),
		d("isbn", func(g gen) string { return "978" + g.digits(10) }),
		d("device_imei", func(g gen) string { b := "35" + g.digits(12); return b + fmt.Sprint(luhnDigit(b)) }),
		d("col15", func(g gen) string { return strings.ToUpper(g.alnum(10, base62)) }),
		d("username", func(g gen) string {
			return g.pick([]string{"jsmith", "mary_k", "dev0ps", "admin", "guest", "bob.builder", "x_ray"}) + g.digits(g.r.IntN(3))
		}),
		d("title", func(g gen) string {
			return g.pick([]string{"The Old Man and the Sea", "Pride and Prejudice", "War and Peace", "Great Expectations", "The Great Gatsby", "Brave New World", "The Name of the Rose", "One Hundred Years of Solitude", "Crime and Punishment", "The Magic Mountain"})
		}),
		d("hostname", func(g gen) string {
			return g.pick([]string{"srv-db-", "web-", "cache-", "k8s-node-"}) + g.digits(2) + ".internal"
		}),
		d("path", func(g gen) string {
			return g.pick([]string{"/var/log/app.log", "/home/svc/data.csv", "C:\\Users\\Public\\report.xlsx", "/etc/nginx/nginx.conf"})
		}),
		d("holiday", func(g gen) string {
			return g.pick([]string{"Martin Luther King Day", "Saint Patrick's Day", "Boxing Day", "Tag der Deutschen Einheit", "Fête Nationale", "Koningsdag", "Día de Reyes"})
		}),
		d("file", func(g gen) string {
			return g.pick([]string{"report_final.pdf", "logo@2x.png", "data.csv", "model.onnx", "README.md"})
		}),
		// Hard decoys for US_SSN: nine-digit numbers that pass the SSA's
		// rules in most or all values. Integer ids between 100000000 and
		// 899999999 (99 % pass; never a leading zero):
		d("col17", func(g gen) string { return fmt.Sprint(100000000 + g.r.IntN(800000000)) }),
		// sequential invoice numbers (all pass; one prefix):
		d("col18", func() func(g gen) string {
			n := 0
			return func(g gen) string {
				if n == 0 {
					n = 100000000 + g.r.IntN(700000000)
				}
				n += 1 + g.r.IntN(3)
				return fmt.Sprint(n)
			}
		}()),
		// bare ZIP+4 codes:
		d("col19", func(g gen) string { return g.digits(5) + g.digits(4) }),
		// zero-padded random ids, which nothing in the values tells from
		// SSNs; the name (an id) keeps them from being reported:
		d("member_id", func(g gen) string { return fmt.Sprintf("%09d", 1+g.r.IntN(899999998)) }),
	}
}

// luhnFailing makes an n-digit number that fails the Luhn check.
func luhnFailing(g gen, n int) string {
	body := fmt.Sprint(1+g.r.IntN(9)) + g.digits(n-2)
	return body + fmt.Sprint((luhnDigit(body)+1+g.r.IntN(9))%10)
}

// invalidSSN makes a number the SSA never issues: area 000, 666 or 9xx,
// group 00 or serial 0000.
func invalidSSN(g gen) string {
	a, gr, s := fmt.Sprintf("%03d", 1+g.r.IntN(899)), fmt.Sprintf("%02d", 1+g.r.IntN(99)), fmt.Sprintf("%04d", 1+g.r.IntN(9999))
	switch g.r.IntN(5) {
	case 0:
		a = "000"
	case 1:
		a = "666"
	case 2:
		a = fmt.Sprint(900 + g.r.IntN(100))
	case 3:
		gr = "00"
	default:
		s = "0000"
	}
	return a + "-" + gr + "-" + s
}

func uuid(g gen) string {
	h := g.alnum(32, "0123456789abcdef")
	return h[:8] + "-" + h[8:12] + "-4" + h[13:16] + "-" + h[16:20] + "-" + h[20:]
}
