package pii

// Tokens of letters and digits: IBANs, national ids, passport numbers,
// MAC and IPv6 addresses, dates with times, and secrets.

// alnum handles a token with both letters and digits.
func (sc *scanner) alnum(i int) int {
	t := &sc.toks[i]
	w := sc.text[t.cs:t.ce]
	if isUUID(w) {
		return 1
	}
	if len(w) >= 4 && isUpper(w[0]) && isUpper(w[1]) && isDigit(w[2]) && isDigit(w[3]) {
		if n := sc.iban(i); n > 0 {
			return n
		}
	}
	if t.all&cHex != 0 && len(w) >= 20 {
		// Hex strings: hashes and ids, sometimes keys. No known token
		// format is all hex, so only the generic rating applies: what
		// genericSecret gives a hex string that is not a UUID.
		if len(w) <= 256 {
			sc.add(kSecret, t.cs, t.ce, 0.25)
		}
		return 1
	}
	if isDigit(w[0]) && len(w) <= 32 {
		if n := sc.addressFromNumber(i); n > 0 {
			return n
		}
		if di, ok := numericDate(w); ok {
			if !di.hasTime {
				sc.cands = append(sc.cands, cand{k: kDate, birth: di.birthYear(sc.thisYear), start: t.cs, end: t.ce, s: 0.9})
			}
			return 1
		}
	}
	if t.mask&(cColon|cDash|cDot) != 0 && t.mask&^(cHex|cDigit|cColon|cDash|cDot|cUpper|cLower) == 0 {
		if s := macStrength(w); s > 0 {
			sc.add(kMAC, t.cs, t.ce, s)
			return 1
		}
		if t.mask&cColon != 0 {
			if s := ipv6Strength(w); s > 0 {
				sc.add(kIP, t.cs, t.ce, s)
				return 1
			}
		}
	}
	sc.idLike(*t, w)
	return 1
}

// idLike tries the identifiers and secrets that are one token and reports
// whether one matched.
func (sc *scanner) idLike(t token, w []byte) bool {
	n := len(sc.cands)
	switch len(w) {
	case 8, 9:
		sc.add(kNationalID, t.cs, t.ce, ninoStrength(w))
		sc.add(kNationalID, t.cs, t.ce, dniStrength(w))
		sc.add(kPassport, t.cs, t.ce, passportStrength(w))
	case 10:
		sc.add(kNationalID, t.cs, t.ce, dniStrength(w))
	case 44:
		sc.add(kPassport, t.cs, t.ce, passportMRZ(w))
	}
	if len(sc.cands) > n || len(w) < 16 {
		return len(sc.cands) > n
	}
	// "api_key=...", "token:...": the value is the candidate; the key
	// before it is context that nearby() sees.
	if k := keyValueSplit(w); k > 0 {
		t.cs += int32(k)
		w = w[k:]
	}
	sc.add(kSecret, t.cs, t.ce, secretStrength(w))
	return len(sc.cands) > n
}

// keyValueSplit returns the offset of the value in "key=value" or
// "key:value" when the key is a short identifier, or 0.
func keyValueSplit(w []byte) int {
	for i, c := range w {
		if c == '=' || c == ':' {
			if i > 0 && i < 40 && len(w)-i > 8 {
				return i + 1
			}
			return 0
		}
		if !isAlnum(c) && c != '_' && c != '-' {
			return 0
		}
	}
	return 0
}

// iban reads an IBAN that starts at token i, compact or in groups of four.
func (sc *scanner) iban(i int) int {
	end := i + 1
	for end < len(sc.toks) && end-i < 9 {
		t := sc.toks[end]
		if t.ce-t.cs > 4 || t.mask&^(cDigit|cUpper|cHex) != 0 || t.start-sc.toks[end-1].end > 1 {
			break
		}
		end++
	}
	for e := end; e > i; e-- {
		start, stop := sc.toks[i].cs, sc.toks[e-1].ce
		if s := ibanStrength(sc.text[start:stop]); s > 0 {
			sc.add(kIBAN, start, stop, s)
			return e - i
		}
	}
	return 0
}
