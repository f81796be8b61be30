package pii

import "bytes"

// Context: words near a value in text, and the name of the column it came
// from, raise the confidence of the types they name and lower that of
// ambiguous types when they name something else (an order number, a
// version). They only ever adjust a value that a recognizer matched.

// keywords holds, per kind, lower-case words that suggest it. Words of
// three letters or fewer must stand alone (bounded by non-letters); longer
// ones may begin a longer word ("birthdate", "telefonnummer").
var keywords = [numKinds][]string{
	kEmail: {"email", "e-mail", "mail", "correo", "courriel"},
	kPhone: {"phone", "tel", "mobile", "cell", "fax", "contact", "whatsapp", "telefon", "handy",
		"téléphone", "telephone", "portable", "teléfono", "telefono", "móvil", "movil",
		"telefoon", "mobiel", "gsm", "tél", "call"},
	kCard: {"card", "credit", "visa", "mastercard", "amex", "pan", "kreditkarte", "carte", "tarjeta", "creditcard"},
	kIBAN: {"iban", "account", "bank", "konto", "rekening", "cuenta", "compte", "rib"},
	kSSN:  {"ssn", "social security", "social_security", "socialsecurity", "soc sec", "ss#"},
	kIP:   {"ip", "ipv4", "ipv6", "ip_address", "ipaddress", "remote_addr", "client_ip", "host", "addr"},
	kMAC:  {"mac", "hwaddr", "ether", "bssid", "macaddress", "mac_address"},
	kURL:  {"url", "uri", "link", "website", "homepage", "href", "web"},
	kDate: {"born", "birth", "dob", "d.o.b", "birthday", "geboren", "geburt", "geb.", "né le", "née le", "naissance", "nacido", "nacida", "nacimiento", "geboorte", "fecha_nac", "date_naiss"},
	kPassport: {"passport", "reisepass", "passeport", "pasaporte", "paspoort", "passnummer",
		"pass-nr", "pass_nr", "passport_no"},
	kNationalID: {"national insurance", "nino", "ni number", "ni_number", "dni", "nie", "nif", "bsn",
		"burgerservicenummer", "sofi", "steuer", "idnr", "identifikationsnummer", "tax id", "tax_id",
		"taxid", "insee", "sécurité sociale", "securite sociale", "secu", "nir", "national id",
		"national_id", "nationalid", "identity", "id card", "id_card", "personalausweis", "documento"},
	kSecret: {"secret", "token", "api key", "apikey", "api_key", "password", "passwd", "pwd",
		"credential", "bearer", "authorization", "private key", "private_key", "access key",
		"access_key", "auth", "key"},
	kPerson: {"name", "first", "last", "surname", "given", "family", "fullname", "customer",
		"patient", "employee", "contact", "author", "owner", "person", "mr", "mrs", "ms", "dr",
		"dear", "nombre", "apellido", "nom", "prénom", "prenom", "vorname", "nachname", "naam",
		"voornaam", "achternaam", "client", "user", "member", "recipient", "sender", "signed"},
	kAddress: {"address", "addr", "street", "adresse", "anschrift", "dirección", "direccion", "adres",
		"residence", "billing", "shipping", "lives at", "live at", "located at", "domicile", "domicilio",
		"woonadres", "straße", "strasse", "rue", "calle", "straat"},
}

// antiKeywords in a column name say its values are identifiers, codes,
// counts or times rather than personal data: they lower ambiguous kinds
// (all but the one a positive keyword names).
var antiKeywords = []string{
	"id", "uuid", "guid", "hash", "sha", "sha1", "sha256", "md5", "checksum", "sku", "order",
	"invoice", "version", "ver", "build", "release", "product", "item", "ref", "reference",
	"serial", "count", "amount", "price", "qty", "quantity", "timestamp", "created", "updated",
	"modified", "epoch", "ts", "lat", "lon", "lng", "batch", "lot", "tracking", "session",
	"request", "trace", "commit", "digest", "code", "status", "color", "colour", "city", "country",
	"company", "category", "title", "label", "tag",
}

// hasKeyword reports whether lower-case text t contains kw at a word start
// (and, for short keywords, as a whole word).
func hasKeyword(t []byte, kw string) bool {
	for off := 0; off+len(kw) <= len(t); {
		j := bytes.Index(t[off:], []byte(kw))
		if j < 0 {
			return false
		}
		i, end := off+j, off+j+len(kw)
		if (i == 0 || !isAlpha(t[i-1])) && (len(kw) > 3 || end == len(t) || !isAlpha(t[end])) {
			return true
		}
		off = i + 1
	}
	return false
}

// colContext is what a column's name says, computed once per column.
type colContext struct {
	boost [numKinds]float32
}

const (
	nameBoost   = 0.3  // the column name names the kind
	nameLower   = 0.25 // the column name names an identifier, code or time
	nearbyBoost = 0.35 // a keyword precedes the value in text
	dobBase     = 0.45 // a plausible birth date before context
	evidence    = 0.25 // a positive boost applies in full from this strength
)

// amplify adds a context boost to a strength. A positive boost scales
// with the evidence already there: context amplifies what the values
// show, it does not stand in for it.
func amplify(s, boost float32) float32 {
	if boost > 0 && s < evidence {
		boost *= s / evidence
	}
	return s + boost
}

// newColContext reads a column name: "customerEmail", "DOB", "tel_2".
func newColContext(name string) colContext {
	var c colContext
	var buf [96]byte
	t := normalizeName(buf[:0], name)
	anti := false
	for _, kw := range antiKeywords {
		if hasKeyword(t, kw) {
			anti = true
			break
		}
	}
	for k := range c.boost {
		named := false
		for _, kw := range keywords[k] {
			if hasKeyword(t, kw) {
				named = true
				break
			}
		}
		switch {
		case named:
			c.boost[k] = nameBoost
		case anti:
			c.boost[k] = -nameLower
		}
	}
	// A date of birth is a date with birth context.
	c.boost[kDOB] = c.boost[kDate]
	return c
}

// normalizeName lower-cases a column name and turns separators and
// camelCase boundaries into single spaces.
func normalizeName(dst []byte, name string) []byte {
	for i := 0; i < len(name) && len(dst) < cap(dst)-1; i++ {
		c := name[i]
		switch {
		case isUpper(c):
			if i > 0 && isLower(name[i-1]) {
				dst = append(dst, ' ')
			}
			dst = append(dst, lower(c))
		case c == '_' || c == '-' || c == '.' || c == ' ' || c == '/':
			if len(dst) > 0 && dst[len(dst)-1] != ' ' {
				dst = append(dst, ' ')
			}
		default:
			dst = append(dst, c)
		}
	}
	return dst
}

// nearby reports whether a keyword of kind k occurs in the 48 bytes of
// text before position start (or in hint, the caller's context).
func nearby(text []byte, start int, k kind) bool {
	if start == 0 || len(keywords[k]) == 0 {
		return false
	}
	from := max(0, start-48)
	var buf [48]byte
	w := buf[:0]
	for _, c := range text[from:start] {
		w = append(w, lower(c))
	}
	for _, kw := range keywords[k] {
		if hasKeyword(w, kw) {
			return true
		}
	}
	return false
}
