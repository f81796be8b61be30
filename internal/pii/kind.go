package pii

// The types of personal data and secrets that pii recognizes, as they appear
// in Finding.Type, TypeResult.Type, reports and the classification rules.
const (
	Email       = "EMAIL"
	Phone       = "PHONE"
	CreditCard  = "CREDIT_CARD"
	IBAN        = "IBAN"
	USSSN       = "US_SSN"
	IPAddress   = "IP_ADDRESS"
	MACAddress  = "MAC_ADDRESS"
	URL         = "URL"
	DateOfBirth = "DATE_OF_BIRTH"
	Passport    = "PASSPORT"
	NationalID  = "NATIONAL_ID"
	Secret      = "SECRET"
	Person      = "PERSON"
	Address     = "ADDRESS"
)

// kind is the index form of a type, used in the hot path so that a
// per-column count is an array slot, not a map entry.
type kind uint8

const (
	kNone kind = iota
	kEmail
	kPhone
	kCard
	kIBAN
	kSSN
	kIP
	kMAC
	kURL
	kDOB
	kPassport
	kNationalID
	kSecret
	kPerson
	kAddress
	kDate // a calendar date without birth context; evidence for kDOB only
	numKinds
)

var kindNames = [numKinds]string{
	kNone: "", kEmail: Email, kPhone: Phone, kCard: CreditCard, kIBAN: IBAN,
	kSSN: USSSN, kIP: IPAddress, kMAC: MACAddress, kURL: URL, kDOB: DateOfBirth,
	kPassport: Passport, kNationalID: NationalID, kSecret: Secret,
	kPerson: Person, kAddress: Address, kDate: "",
}

func (k kind) String() string { return kindNames[k] }

// reported says whether k is a type that results and findings carry.
func (k kind) reported() bool { return k > kNone && k < kDate }

// Types lists every type pii reports, in a stable order.
func Types() []string {
	var ts []string
	for k := kind(1); k < numKinds; k++ {
		if k.reported() {
			ts = append(ts, kindNames[k])
		}
	}
	return ts
}

func kindOf(t string) kind {
	for k := kind(1); k < numKinds; k++ {
		if k.reported() && kindNames[k] == t {
			return k
		}
	}
	return kNone
}

// Finding is one span of personal data or a secret in a text: its type,
// the byte offsets [Start, End) in the scanned text, and a confidence in
// [0, 1]. A Finding never holds the matched bytes.
type Finding struct {
	Type       string
	Start, End int
	Confidence float64
}
