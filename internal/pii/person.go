package pii

// Names of people: runs of capitalized words ("Jean-Pierre Dupont",
// "María García López", "Jan van der Berg", "Smith, John", "Dr. A. Jones")
// rated by how many of their words the dictionaries know as given or
// family names. A known given name followed by a capitalized word is a
// fair match; both known is a good one; a title ("Mr", "Frau", "Mme")
// helps; a single known name is weak evidence that only a column of them
// (or context) makes a finding.

var titles = []string{
	"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "herr", "frau", "m", "mme",
	"mlle", "monsieur", "madame", "sr", "sra", "srta", "don", "doña", "dhr", "mevr", "señor",
	"señora",
}

// notNames are capitalized words that end or prevent a name: function
// words that start sentences, greetings, weekdays, company forms and the
// like.
var notNames = []string{
	"the", "a", "an", "in", "on", "at", "for", "and", "or", "of", "to", "from", "with", "by", "i",
	"we", "you", "he", "she", "it", "they", "my", "our", "your", "his", "her", "their", "this",
	"that", "these", "those", "there", "here", "please", "thanks", "thank", "hi", "hello", "dear",
	"regards", "best", "yes", "no", "ok", "if", "when", "monday", "tuesday", "wednesday",
	"thursday", "friday", "saturday", "sunday", "customer", "order", "invoice", "total", "note",
	"call", "email", "meeting", "project", "street", "road", "avenue", "der", "die", "das", "ein",
	"eine", "und", "le", "la", "les", "un", "une", "et", "el", "los", "las", "y", "het", "een",
	"en", "bei", "calle", "rue", "via", "is", "was", "has", "had",
}

// entities are words that make the capitalized words before them the name
// of an organisation, place or event, often one named after a person
// ("Acme Holdings Ltd", "Martin Luther King Day", "John Lennon Airport").
var entities = []string{
	"inc", "ltd", "llc", "gmbh", "ag", "sa", "sas", "sarl", "bv", "nv", "sl", "corp", "co", "plc",
	"group", "bank", "university", "hospital", "school", "company", "team", "industries",
	"holdings", "foundation", "day", "center", "centre", "building", "hall", "award", "prize",
	"institute", "airport", "station", "bridge", "church", "museum", "stadium", "festival",
	"memorial", "library", "college", "academy", "hotel", "trust", "fund", "tag", "dag", "día",
	"jour", "fête",
}

// nameShaped: token k is a capital, then letters, apostrophes or hyphens.
func (sc *scanner) nameShaped(k int) bool {
	t := &sc.toks[k]
	w := sc.text[t.cs:t.ce]
	if len(w) < 2 || len(w) > 30 || !isCapital(w) || t.mask&^(cAlpha|cHex|cHigh|cDash|cOther) != 0 {
		return false
	}
	if t.mask&cOther != 0 {
		for _, c := range w {
			if classes[c]&cOther != 0 && c != '\'' {
				return false
			}
		}
	}
	return true
}

// acronym reports whether w is all capitals ("NINO", "BSN", "IBM").
func acronym(w []byte) bool { return len(w) >= 2 && allOf(w, cUpper) }

// nameRun is what person learned about a run of name-like tokens.
type nameRun struct {
	bits     [6]uint16
	words    int
	title    bool
	reversed bool // "Smith, John"
	end      int  // token after the run
}

// person reads a name starting at token i.
func (sc *scanner) person(i int) int {
	r := sc.nameRun(i)
	if r.words == 0 {
		return 1
	}
	if r.words >= 3 && !r.title && r.bits[0]&(lexFirst|lexLast) == 0 && r.bits[1]&lexFirst != 0 {
		return 1 // "Contact John Smith": the name starts at the next word
	}
	s := r.score()
	sc.add(kPerson, sc.toks[i].cs, sc.toks[r.end-1].ce, s)
	if s < ReportThreshold {
		return 1 // a weak run keeps no tokens from the other recognizers
	}
	return r.end - i
}

func (sc *scanner) nameRun(i int) nameRun {
	r := nameRun{end: i + 1}
	k := i
	if sc.is(k, lexTitle) {
		r.title = true
		k++
	}
	for ; k < len(sc.toks) && r.words < len(r.bits); k++ {
		w := sc.core(k)
		switch {
		case initial(w) || (len(w) == 1 && isUpper(w[0])):
		case r.words > 0 && sc.is(k, lexNameParticle) && sc.particleThenName(k):
		case sc.is(k, lexEntity):
			r.words = 0
			r.end = k + 1
			return r
		case sc.nameShaped(k) && !sc.is(k, lexNotName) && (sc.toks[k].all&cUpper == 0 || sc.is(k, lexFirst|lexLast)):
			r.bits[r.words] = sc.lex(k)
			r.words++
		default:
			r.end = max(r.end, k)
			return r
		}
		r.end = k + 1
		if sc.endsClause(k) {
			if sc.text[sc.toks[k].end-1] == ',' && r.words == 1 && k+1 < len(sc.toks) && sc.is(k+1, lexFirst) {
				r.bits[1] = sc.lex(k + 1)
				r.words, r.reversed, r.end = 2, true, k+2
			}
			break
		}
	}
	return r
}

// score rates a run of name words.
func (r nameRun) score() float32 {
	first, last := r.bits[0], r.bits[r.words-1]
	if r.reversed {
		first, last = r.bits[1], r.bits[0]
	}
	var s float32
	switch {
	case r.words == 1:
		switch {
		case r.title:
			return 0.7
		case first&(lexFirst|lexLast) != 0 && first&lexCommon == 0:
			return 0.35
		case first&(lexFirst|lexLast) != 0:
			return 0.1
		}
		return 0
	case first&lexFirst != 0 && last&lexLast != 0:
		s = 0.85
	case first&lexFirst != 0 && first&lexCommon == 0:
		s = 0.65
	case last&lexLast != 0 && last&lexCommon == 0:
		s = 0.5
	case first&lexFirst != 0 || last&lexLast != 0:
		s = 0.3
	default:
		s = 0.1 // capitalized words, none a known name
	}
	if r.title {
		s = max(s, 0.5) + 0.2
	}
	if r.words > 4 {
		s *= 0.5
	}
	return s
}

// word handles a capitalized word without digits.
func (sc *scanner) word(i int) int {
	w := sc.core(i)
	if len(w) >= 16 { // a key id or token of letters only ("AKIA...")
		if sc.idLike(sc.toks[i], w) {
			return 1
		}
	}
	if m := monthOfLex(sc.lex(i)); m > 0 {
		if n := sc.monthDayYear(i, m); n > 0 {
			return n
		}
	}
	if len(w) == 2 && isUpper(w[0]) && isUpper(w[1]) {
		if n := sc.spacedNINO(i); n > 0 {
			return n
		}
	}
	if n := sc.addressFromWord(i); n > 0 {
		return n
	}
	return sc.person(i)
}

// spacedNINO reads "AB 12 34 56 C" or "AB 123456 C".
func (sc *scanner) spacedNINO(i int) int {
	for _, n := range []int{5, 3} {
		if i+n > len(sc.toks) {
			continue
		}
		start, stop := sc.toks[i].cs, sc.toks[i+n-1].ce
		if s := ninoStrength(sc.text[start:stop]); s > 0 {
			sc.add(kNationalID, start, stop, s)
			return n
		}
	}
	return 0
}

// nameParticles join the words of names ("Jan van der Berg").
var nameParticles = []string{
	"van", "von", "de", "der", "den", "del", "della", "di", "da", "du", "le", "la", "dos", "das",
	"ter", "ten", "y", "bin", "ibn", "al", "zu",
}

// particleThenName reports whether the particles from token k on ("van",
// "van der") are followed by a capitalized word.
func (sc *scanner) particleThenName(k int) bool {
	for ; k < len(sc.toks) && sc.is(k, lexNameParticle); k++ {
		if sc.endsClause(k) {
			return false
		}
	}
	return k < len(sc.toks) && isCapital(sc.core(k))
}
