package corpus

import (
	"fmt"
	"strings"
)

// A sentence template: literal text with {SLOT}s. A slot that names a pii
// type is labeled as a span of that type; the others (ORDER, VERSION,
// HASH, ...) are decoys written into the text without a label.
var templates = map[string][]string{
	"en": {
		"Customer {PERSON} called about order {ORDER}; call back on {PHONE}.",
		"Please send the invoice to {EMAIL} by Friday.",
		"{PERSON} (born {DOB}) moved to {ADDRESS}.",
		"Payment failed for card {CREDIT_CARD}, customer notified by email.",
		"Refund to IBAN {IBAN} approved by {PERSON}.",
		"Login from {IP_ADDRESS} at 10:42, nothing unusual.",
		"Shipped 3 items, tracking {TRACKING}, expected {DATE}.",
		"No issues reported. Follow up next week.",
		"Version {VERSION} deployed; build {HASH} passed all checks.",
		"Passport number {PASSPORT} checked at the front desk.",
		"Use the key {SECRET} for the staging API until Monday.",
		"Meeting moved to Monday, room 4B, bring the Q3 report.",
		"Ticket {ORDER} closed after 2 days; the customer was satisfied.",
		"Spoke with {PERSON} about the renewal, she prefers email: {EMAIL}",
		"Device {MAC_ADDRESS} kept dropping off the network.",
		"See {URL} for the full write-up.",
		"Total 1,234.56 EUR paid on {DATE} by bank transfer.",
		"Paris and London teams agreed on the Green Line rollout.",
	},
	"en-US": {
		"SSN on file: {US_SSN}, verified by phone.",
		"Mailing address updated to {ADDRESS}.",
	},
	"en-GB": {
		"NI number {NATIONAL_ID} confirmed for payroll.",
		"Delivery address: {ADDRESS}.",
	},
	"de-DE": {
		"Herr {PERSON} hat angerufen, Rückruf unter {PHONE}.",
		"Bitte die Unterlagen an {EMAIL} schicken.",
		"Neue Anschrift: {ADDRESS}.",
		"Kundin {PERSON}, geboren am {DOB}, wünscht Rückruf.",
		"Steuer-ID {NATIONAL_ID} liegt vor.",
	},
	"fr-FR": {
		"Mme {PERSON} a appelé, rappeler au {PHONE}.",
		"Adresse de livraison : {ADDRESS}.",
		"{PERSON}, né le {DOB}, client depuis 2019.",
		"Numéro de sécurité sociale {NATIONAL_ID} reçu.",
	},
	"es-ES": {
		"Llamó {PERSON}, teléfono {PHONE}, sobre el pedido {ORDER}.",
		"Dirección de envío: {ADDRESS}.",
		"DNI {NATIONAL_ID} verificado en recepción.",
		"{PERSON}, nacido el {DOB}, solicita información.",
	},
	"nl-NL": {
		"{PERSON} belde over de bestelling, terugbellen op {PHONE}.",
		"Nieuw adres: {ADDRESS}.",
		"BSN {NATIONAL_ID} gecontroleerd bij de balie.",
		"Geboortedatum {DOB} van {PERSON} gecorrigeerd.",
	},
}

// cleanTemplates have no personal data (decoys at most).
var cleanTemplates = []string{
	"No issues reported. Follow up next week.",
	"Version {VERSION} deployed; build {HASH} passed all checks.",
	"Meeting moved to Monday, room 4B, bring the Q3 report.",
	"Ticket {ORDER} closed after 2 days; the customer was satisfied.",
	"Shipped 3 items, tracking {TRACKING}, expected {DATE}.",
	"Total 1,234.56 EUR paid on {DATE} by bank transfer.",
	"Paris and London teams agreed on the Green Line rollout.",
	"Restocked the Blue Widget and the Travel Mug in aisle 12.",
	"Server rebooted at 03:15 after kernel update {VERSION}.",
	"Quarterly review scheduled for March with the Sales team.",
	"Dear Customer, your order {ORDER} is on its way.",
	"May deliveries resumed after the Easter break.",
	"Will the Apple Pay outage affect the Black Friday sale?",
	"Office closed on Martin Luther King Day and Boxing Day.",
	"Contact Center hours changed; see the Help Desk page.",
	"Build {HASH} failed on Windows Server 2019, passed on Ubuntu 22.04.",
	"Reference {TRACKING} matched invoice INV-{VERSION} for 19.99 USD.",
}

// sentence fills a template, returning the text and its labeled spans.
func (g gen) sentence(tpl, loc string) (string, []Span) {
	var b strings.Builder
	var spans []Span
	for {
		i := strings.IndexByte(tpl, '{')
		if i < 0 {
			b.WriteString(tpl)
			return b.String(), spans
		}
		b.WriteString(tpl[:i])
		j := strings.IndexByte(tpl, '}')
		slot := tpl[i+1 : j]
		tpl = tpl[j+1:]
		v, typ := g.slot(slot, loc)
		start := b.Len()
		b.WriteString(v)
		if typ != "" {
			spans = append(spans, Span{Start: start, End: b.Len(), Type: typ})
		}
	}
}

// slot makes a value for a template slot and says which type it is.
func (g gen) slot(slot, loc string) (string, string) {
	switch slot {
	case "PERSON":
		f, l := g.person(loc)
		return f + " " + l, slot
	case "EMAIL":
		return g.email(loc), slot
	case "PHONE":
		return g.phone(loc, g.r.IntN(3) == 0), slot
	case "DOB":
		return g.birthDate(loc), "DATE_OF_BIRTH"
	case "ADDRESS":
		return g.address(loc), slot
	case "CREDIT_CARD":
		return g.card(), slot
	case "IBAN":
		return g.iban(loc), slot
	case "IP_ADDRESS":
		return g.ipv4(), slot
	case "MAC_ADDRESS":
		return g.mac(), slot
	case "URL":
		return g.url(loc), slot
	case "US_SSN":
		return g.ssn(true), slot
	case "PASSPORT":
		return g.passport(loc), slot
	case "SECRET":
		return g.secret(g.r.IntN(4)), slot
	case "NATIONAL_ID":
		return g.nationalID(loc), slot
	case "ORDER":
		return fmt.Sprintf("ORD-%d-%06d", 2020+g.r.IntN(5), g.r.IntN(1000000)), ""
	case "TRACKING":
		return "1Z" + g.alnum(16, "0123456789ABCDEFGHJKLMNPRSTUVWXYZ"), ""
	case "VERSION":
		return fmt.Sprintf("%d.%d.%d", g.r.IntN(5), g.r.IntN(20), g.r.IntN(30)), ""
	case "HASH":
		return g.alnum(12, "0123456789abcdef"), ""
	case "DATE":
		return fmt.Sprintf("2024-%02d-%02d", 1+g.r.IntN(12), 1+g.r.IntN(28)), ""
	}
	panic("corpus: unknown slot " + slot)
}

func (g gen) nationalID(loc string) string {
	switch loc {
	case "en-GB":
		return g.nino()
	case "de-DE":
		return g.steuerID()
	case "fr-FR":
		return g.nir()
	case "es-ES":
		return g.dni()
	case "nl-NL":
		return g.bsn()
	}
	return g.ssn(true)
}
