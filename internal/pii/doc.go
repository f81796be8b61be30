// Package pii finds personal data and secrets in datasets: in free text
// as spans (Scan), and in tables column by column (ColumnScanner), with
// masked examples only (Mask).
//
// API:
//
//	Scan(text, contextHint)           -> []Finding{Type, Start, End, Confidence}
//	NewColumnScanner(Options)         -> *ColumnScanner
//	  AddColumn(i, name); Observe(i, cell); Results() -> []ColumnResult
//	  Merge(other)                       (scan parts in parallel, then add)
//	Mask(type, value)                 -> "j***@example.com"
//	Types()                           -> EMAIL, PHONE, CREDIT_CARD, IBAN, US_SSN, IP_ADDRESS,
//	                                     MAC_ADDRESS, URL, DATE_OF_BIRTH, PASSPORT, NATIONAL_ID,
//	                                     SECRET, PERSON, ADDRESS
//
// Every recognizer validates beyond a pattern: Luhn and issuer ranges for
// cards, mod-97 and per-country lengths for IBANs, the SSA's rules for
// SSNs, check digits for national ids, libphonenumber's metadata for phone
// numbers, dictionaries for names. Context (words before a value in text,
// the column's name) raises or lowers a confidence; it never makes a
// finding on its own. docs/pii.md lists what each recognizer checks and
// its measured precision and recall.
//
// Cheap byte-class prefilters decide which recognizers run on a token;
// there are no regular expressions on the scanning path. Phone numbers are
// checked against libphonenumber's patterns compiled to digit automata
// (phonemeta.go, digitdfa.go), which agree with phonenumbers.IsValidNumber
// (phone_test.go) at a fraction of its cost. A ColumnScanner allocates
// nothing per cell once each column has its examples.
//
// # Security
//
// pii never returns, logs or puts in an error a value it scanned:
// Findings carry offsets, results carry counts, shares, confidences and
// examples masked by Mask, which keeps at most what identifies the kind
// of value (an e-mail domain, a card's last four digits, an IP address's
// first octet, a MAC's vendor prefix, initials). Observe does not keep
// the cells it is given.
//
// pii does not promise to find everything. Recognition is statistical:
// names outside the dictionaries, addresses in shapes it does not know,
// identifiers of countries it does not cover and values whose only sign
// is context it does not see are missed, and some look-alikes are found.
// Results say how confident they are; classification (package classify)
// decides what a finding means for a dataset.
package pii
