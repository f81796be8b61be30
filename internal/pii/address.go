package pii

// Street addresses, in the three shapes of the locales pii covers:
//
//	number first:   "221B Baker Street", "12 rue de la Paix"           (en, fr)
//	type first:     "Calle Mayor 10", "Via Roma 1", "Avenida de X, 5"  (es, it)
//	suffix word:    "Hauptstraße 5", "Kerkstraat 12", "Berliner Str. 3" (de, nl)
//
// optionally followed by ", " and a postcode, city, state or flat. An
// address needs a street type and a house number; a postcode or a city
// alone is not one.

var streetAfter = []string{
	"street", "st", "avenue", "ave", "road", "rd", "lane", "ln", "drive", "dr", "boulevard",
	"blvd", "court", "ct", "place", "pl", "way", "close", "crescent", "cres", "terrace", "square",
	"sq", "gardens", "parkway", "pkwy", "highway", "hwy", "circle", "cir", "trail", "row", "mews",
	"grove", "walk", "alley", "plaza", "hill",
}

var streetBefore = []string{
	"rue", "avenue", "av", "bd", "boulevard", "place", "chemin", "allée", "allee", "impasse",
	"quai", "route", "cours", "passage", "square", "voie", "calle", "c/", "avenida", "avda",
	"plaza", "pza", "paseo", "camino", "carretera", "ronda", "travesía", "travesia", "glorieta",
	"via", "viale", "piazza", "corso", "vicolo",
}

// streetSuffixes end German and Dutch street names ("Hauptstraße").
var streetSuffixes = []string{
	"straße", "strasse", "str.", "str", "weg", "allee", "platz", "gasse", "ring", "damm", "ufer",
	"chaussee", "steig", "pfad", "markt", "straat", "laan", "plein", "gracht", "kade",
	"singel", "dijk", "hof", "steeg", "dreef",
}

// suffixesByEnd groups the street suffixes by their last byte (either
// case), so that a word is compared with the few that could match.
var suffixesByEnd = func() (t [256][]string) {
	for _, s := range streetSuffixes {
		c := s[len(s)-1]
		t[c] = append(t[c], s)
		if u := upper(c); u != c {
			t[u] = append(t[u], s)
		}
	}
	return t
}()

func hasStreetSuffix(w []byte) bool {
	if len(w) < 4 || !isCapital(w) {
		return false
	}
	for _, s := range suffixesByEnd[w[len(w)-1]] {
		if hasSuffixFold(w, s) { // "Hauptstraße", or "Straße" after "Berliner"
			return true
		}
	}
	return false
}

// houseNumber: 1-5 digits, optionally a letter or a range ("221B", "12-14").
func houseNumber(w []byte) bool {
	n := 0
	for n < len(w) && isDigit(w[n]) {
		n++
	}
	if n == 0 || n > 5 || w[0] == '0' {
		return false
	}
	rest := w[n:]
	return len(rest) == 0 || (len(rest) == 1 && isAlpha(rest[0])) ||
		(len(rest) <= 5 && rest[0] == '-' && allDigits(rest[1:]))
}

// addressFromNumber reads a number-first address at token i.
func (sc *scanner) addressFromNumber(i int) int {
	if i+1 >= len(sc.toks) || !houseNumber(sc.core(i)) {
		return 0
	}
	j := i + 1
	if sc.is(j, lexStreetBefore) && j+1 < len(sc.toks) {
		// "12 rue de la Paix": the name runs to the next comma or number.
		end := sc.nameWords(j+1, 5)
		if end == j+1 {
			return 0
		}
		return sc.finishAddress(i, end, 0.7)
	}
	for k := j; k < len(sc.toks) && k < j+5; k++ {
		w := sc.core(k)
		if k > j && sc.is(k, lexStreetAfter) {
			end := k + 1
			if end < len(sc.toks) && isDirection(sc.core(end)) {
				end++
			}
			return sc.finishAddress(i, end, 0.7)
		}
		if !isCapital(w) || sc.endsClause(k) {
			return 0
		}
	}
	return 0
}

// addressFromWord reads a type-first or suffix-word address at token i.
func (sc *scanner) addressFromWord(i int) int {
	if i+1 >= len(sc.toks) {
		return 0 // every shape below needs a house number after the word
	}
	w := sc.core(i)
	j := i
	switch {
	case sc.is(i, lexStreetBefore) && isCapital(w):
		j = sc.nameWords(i+1, 5)
		if j == i+1 {
			return 0
		}
	case hasStreetSuffix(w):
		j = i + 1
	case i+1 < len(sc.toks) && hasStreetSuffix(sc.core(i+1)) && !sc.endsClause(i):
		j = i + 2 // "Berliner Straße"
	default:
		return 0
	}
	if j >= len(sc.toks) || !houseNumber(sc.core(j)) {
		return 0
	}
	return sc.finishAddress(i, j+1, 0.7)
}

// nameWords returns the end of up to n name words from token j: capitalized
// words and the particles of street names (de, la, del, des, du, of, the).
func (sc *scanner) nameWords(j, n int) int {
	k := j
	for k < len(sc.toks) && k < j+n {
		w := sc.core(k)
		if !isCapital(w) && !sc.is(k, lexStreetParticle) {
			break
		}
		k++
		if sc.endsClause(k - 1) {
			break
		}
	}
	return k
}

// endsClause reports whether token k is followed by a comma or ends a
// sentence, judged from its raw bytes.
func (sc *scanner) endsClause(k int) bool {
	t := sc.toks[k]
	last := sc.text[t.end-1]
	return last == ',' || last == ';' || last == ':' || (last == '.' && !initial(sc.text[t.start:t.end]) && !sc.is(k, lexStreetAfter))
}

// streetParticles join the words of street names ("rue de la Paix").
var streetParticles = []string{
	"de", "la", "le", "les", "del", "des", "du", "of", "the", "los", "las", "d'", "y", "el",
	"der", "den", "van", "von", "di", "della",
}

func isDirection(w []byte) bool {
	switch string(w) {
	case "N", "S", "E", "W", "NE", "NW", "SE", "SW":
		return true
	}
	return false
}

// finishAddress adds an address ending at token end, extended over a
// following ", [flat,] postcode city[, state]" of up to six tokens.
func (sc *scanner) finishAddress(i, end int, s float32) int {
	last := end
	for k := end; k < len(sc.toks) && k < end+6; k++ {
		if sc.toks[k].start-sc.toks[k-1].end > 2 {
			break
		}
		w := sc.core(k)
		pc := postcode(w)
		// The lexicon last: a particle role matters only for a word the
		// other tests would stop at (the same result, fewer lookups).
		if !pc && !isDirection(w) && (!isCapital(w) || sc.startsSentence(k) || (acronym(w) && len(w) > 2) || sc.toks[k].mask&(cDash|cUnder) != 0) && !sc.is(k, lexStreetParticle) {
			break
		}
		if pc {
			s = 0.85
		}
		last = k + 1
		if c := sc.text[sc.toks[k].end-1]; c == '.' || c == ';' {
			break
		}
	}
	if last > end && s < 0.85 {
		s = 0.8
	}
	sc.add(kAddress, sc.toks[i].cs, sc.toks[last-1].ce, s)
	return last - i
}

// startsSentence reports whether token k follows a sentence end.
func (sc *scanner) startsSentence(k int) bool {
	if k == 0 {
		return true
	}
	p := sc.text[sc.toks[k-1].end-1]
	return p == '.' || p == '!' || p == '?'
}

// postcode recognizes the postcode shapes of the covered locales: five
// digits (US, DE, FR, ES), ZIP+4, four digits (NL, with letters in the
// next token), and the outward or inward half of a UK postcode.
func postcode(w []byte) bool {
	switch {
	case len(w) == 5 && allDigits(w):
		return true
	case len(w) == 10 && allDigits(w[:5]) && w[5] == '-' && allDigits(w[6:]):
		return true
	case len(w) == 4 && allDigits(w) && w[0] != '0':
		return true
	case len(w) == 2 && isUpper(w[0]) && isUpper(w[1]):
		return true // NL "GP", US state "IL"
	case len(w) >= 2 && len(w) <= 4 && isUpper(w[0]) && allOf(w, cUpper|cDigit) && isDigit(w[len(w)-1]) || (len(w) == 3 && isDigit(w[0]) && isUpper(w[1]) && isUpper(w[2])):
		return true // UK "NW1", "SW1A" / "6XE"
	}
	return false
}
