package pii

import (
	"math/bits"
	"strconv"
	"strings"
	"sync"

	"github.com/nyaruka/phonenumbers"
)

// phoneRegion is one region of libphonenumber's metadata compiled for the
// hot path: its patterns as one digitDFA (bit 0 the general description,
// bits 1.. the number types), the possible lengths of each, and its
// national prefixes when they are literal digit strings.
type phoneRegion struct {
	id       string
	cc       int
	dfa      *digitDFA
	lenMask  [18]uint32 // bit i: pattern i allows this NSN length
	leading  string     // leading-digits pattern, or ""
	prefixes []string   // literal national prefixes for parsing
	complex  bool       // national prefix rules this code does not model
	idd      []string   // literal international (IDD) prefixes, "00", "011"
	ccDigits []byte     // the country calling code in digits
	code     *phoneCode // the compiled regions of cc, this one among them
	// leadDigits has bit d set when a national prefix or the country
	// code starts with digit d: a quick no for most numbers.
	leadDigits uint16
}

// phoneCode is every region of one country calling code, main region
// first, with their leading-digits patterns in one automaton (bit i for
// region i).
type phoneCode struct {
	regions []*phoneRegion
	leading *digitDFA
	hasLead uint32 // bit i: region i has a leading-digits pattern
	// lens has bit l set when a region allows national numbers of l
	// digits (the general description and a number type: matchesAcc).
	lens uint32
}

// The number types getNumberTypeHelper tries after the general
// description; any match makes a number valid.
func phoneDescs(m *phonenumbers.PhoneMetadata) []*phonenumbers.PhoneNumberDesc {
	return []*phonenumbers.PhoneNumberDesc{
		m.GetGeneralDesc(), m.GetPremiumRate(), m.GetTollFree(), m.GetSharedCost(),
		m.GetVoip(), m.GetPersonalNumber(), m.GetPager(), m.GetUan(),
		m.GetVoicemail(), m.GetFixedLine(), m.GetMobile(),
	}
}

func newPhoneRegion(m *phonenumbers.PhoneMetadata) (*phoneRegion, error) {
	r := &phoneRegion{id: m.GetId(), cc: int(m.GetCountryCode()), leading: m.GetLeadingDigits()}
	descs := phoneDescs(m)
	pats := make([]string, len(descs))
	for i, d := range descs {
		pats[i] = d.GetNationalNumberPattern()
		for l := range r.lenMask {
			if len(d.GetPossibleLength()) == 0 || containsLen(d.GetPossibleLength(), l) {
				r.lenMask[l] |= 1 << i
			}
		}
	}
	var err error
	if r.dfa, err = compileDigitDFA(pats); err != nil {
		return nil, err
	}
	npp, tr := m.GetNationalPrefixForParsing(), m.GetNationalPrefixTransformRule()
	if npp == "" {
		npp = m.GetNationalPrefix()
	}
	r.prefixes, r.complex = literalAlternatives(npp)
	r.complex = r.complex || tr != ""
	r.idd, _ = literalAlternatives(m.GetInternationalPrefix())
	r.ccDigits = strconv.AppendInt(nil, int64(r.cc), 10)
	r.leadDigits = 1 << (r.ccDigits[0] - '0')
	for _, p := range r.prefixes {
		r.leadDigits |= 1 << (p[0] - '0')
	}
	return r, nil
}

// literalAlternatives splits a pattern such as "0|180020" into its
// alternatives that are plain digit strings; complex says some were not.
func literalAlternatives(p string) (lits []string, complex bool) {
	if p == "" {
		return nil, false
	}
	for _, a := range strings.Split(p, "|") {
		if a != "" && strings.Trim(a, "0123456789") == "" {
			lits = append(lits, a)
		} else {
			complex = true
		}
	}
	return lits, complex
}

func containsLen(ls []int32, l int) bool {
	for _, x := range ls {
		if int(x) == l {
			return true
		}
	}
	return false
}

// matches reports whether nsn matches the general description and at
// least one number type, as libphonenumber's getNumberTypeHelper does.
// A length that the general description or every number type rules
// out decides without running the automaton (TestMatchesLengthFirst):
// most regions of a shared code (the 25 of +1) are asked about numbers
// of another country's length.
func (r *phoneRegion) matches(nsn []byte) bool {
	if len(nsn) >= len(r.lenMask) {
		return false
	}
	if lm := r.lenMask[len(nsn)]; lm&1 == 0 || lm&^1 == 0 {
		return false
	}
	return r.matchesAcc(nsn, r.dfa.run(nsn))
}

// matchesAcc is matches given the automaton's result for nsn.
func (r *phoneRegion) matchesAcc(nsn []byte, acc uint32) bool {
	if len(nsn) >= len(r.lenMask) {
		return false
	}
	acc &= r.lenMask[len(nsn)]
	return acc&1 != 0 && acc&^1 != 0
}

// generalLength reports whether len(nsn) is a possible length.
func (r *phoneRegion) generalLength(nsn []byte) bool {
	return len(nsn) < len(r.lenMask) && r.lenMask[len(nsn)]&1 != 0
}

// phoneTable holds the compiled regions, built on first use per country
// calling code (compiling all 250 regions up front would cost a second).
type phoneTable struct {
	once   sync.Once
	byCode map[int][]*phonenumbers.PhoneMetadata
	byID   map[string]*phonenumbers.PhoneMetadata
	codes  [1000]struct {
		once sync.Once
		code *phoneCode
	}
}

var phones phoneTable

func (t *phoneTable) load() {
	t.once.Do(func() {
		t.byCode = map[int][]*phonenumbers.PhoneMetadata{}
		t.byID = map[string]*phonenumbers.PhoneMetadata{}
		coll, err := phonenumbers.MetadataCollection()
		if err != nil {
			return // no metadata: every number is invalid
		}
		nonGeo := map[int]*phonenumbers.PhoneMetadata{}
		for _, m := range coll.GetMetadata() {
			if m.GetId() == "001" {
				nonGeo[int(m.GetCountryCode())] = m
			} else {
				t.byID[m.GetId()] = m
			}
		}
		for code := range phonenumbers.GetSupportedCallingCodes() {
			for _, id := range phonenumbers.GetRegionCodesForCountryCode(code) {
				m := t.byID[id]
				if id == "001" {
					m = nonGeo[code]
				}
				if m != nil {
					t.byCode[code] = append(t.byCode[code], m)
				}
			}
		}
	})
}

// forCode returns the compiled regions of a country calling code, or nil
// if the code is not assigned.
func (t *phoneTable) forCode(code int) *phoneCode {
	if code <= 0 || code >= len(t.codes) {
		return nil
	}
	t.load()
	e := &t.codes[code]
	e.once.Do(func() { e.code = compileCode(t.byCode[code]) })
	return e.code
}

func compileCode(ms []*phonenumbers.PhoneMetadata) *phoneCode {
	if len(ms) == 0 || len(ms) > 32 {
		return nil
	}
	pc := &phoneCode{}
	var leads []string
	for _, m := range ms {
		r, err := newPhoneRegion(m)
		if err != nil {
			return nil // a region we cannot compile: treat the code as unknown
		}
		if r.leading != "" {
			pc.hasLead |= 1 << len(pc.regions)
		}
		leads = append(leads, r.leading)
		pc.regions = append(pc.regions, r)
		r.code = pc
		for l, lm := range r.lenMask {
			if lm&1 != 0 && lm&^1 != 0 {
				pc.lens |= 1 << l
			}
		}
	}
	if pc.hasLead != 0 {
		var err error
		if pc.leading, err = compileDigitDFA(leads); err != nil {
			return nil
		}
	}
	return pc
}

// region returns the compiled region for a region code such as "GB".
func (t *phoneTable) region(id string) *phoneRegion {
	t.load()
	m := t.byID[id]
	if m == nil {
		return nil
	}
	pc := t.forCode(int(m.GetCountryCode()))
	if pc == nil {
		return nil
	}
	for _, r := range pc.regions {
		if r.id == id {
			return r
		}
	}
	return nil
}

// valid reports whether a national significant number is valid for the
// country calling code, as phonenumbers.IsValidNumber decides: the first
// region whose leading digits match decides alone; otherwise any region
// whose patterns match makes it valid.
func (pc *phoneCode) valid(nsn []byte) bool { return pc.validKnown(nsn, nil, 0) }

// validKnown is valid when region known's automaton already gave acc for
// nsn (known may be nil).
func (pc *phoneCode) validKnown(nsn []byte, known *phoneRegion, acc uint32) bool {
	match := func(r *phoneRegion) bool {
		if r == known {
			return r.matchesAcc(nsn, acc)
		}
		return r.matches(nsn)
	}
	if len(pc.regions) == 1 {
		return match(pc.regions[0])
	}
	var lead uint32
	if pc.leading != nil {
		lead = pc.leading.prefixes(nsn)
	}
	// In order, only the regions that can decide: those without a
	// leading-digits pattern, and those whose pattern nsn starts with
	// (most regions of +1 are neither; TestValidKnownBits).
	for try := (^pc.hasLead | lead) & (1<<len(pc.regions) - 1); try != 0; try &= try - 1 {
		i := bits.TrailingZeros32(try)
		r := pc.regions[i]
		if pc.hasLead&(1<<i) != 0 {
			return match(r) // the first region whose leading digits match decides
		}
		if match(r) {
			return true
		}
	}
	return false
}
