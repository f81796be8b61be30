package pii

// The lexicon: every word list the recognizers consult (names, titles,
// months, street types, particles, words that end or prevent a name), in
// one map from the lower-cased word to its roles, so that a token costs
// one lookup whatever asks about it.

const (
	lexFirst          uint16 = 1 << iota // a given name
	lexLast                              // a family name
	lexCommon                            // a name that is also an ordinary word
	lexTitle                             // Mr, Frau, Mme, ...
	lexEntity                            // makes the words before it an organisation, place or event
	lexNotName                           // function words, greetings, weekdays
	lexStreetBefore                      // rue, calle, via: the street type comes first
	lexStreetAfter                       // street, road, lane: the street type comes last
	lexStreetParticle                    // de, la, of: inside street names
	lexNameParticle                      // van, von, de: inside names
	lexMonthShift     = 12               // bits 12-15: month number, 0 if not a month
)

var lexicon = buildLexicon()

// A wordTable maps lower-cased words to bits: an open-addressing hash
// table whose lookups lower-case and hash a word in one pass, with no map
// machinery and no allocation. The lexicon and the file extensions that
// are not top-level domains use one.
type wordTable struct {
	keys  []string
	roles []uint16
	mask  uint32
}

var lexiconTable = newWordTable(lexicon)

func newWordTable(m map[string]uint16) *wordTable {
	size := 1
	for size < 4*len(m) {
		size <<= 1
	}
	t := &wordTable{keys: make([]string, size), roles: make([]uint16, size), mask: uint32(size - 1)}
	for k, v := range m {
		i := fnv(k) & t.mask
		for t.keys[i] != "" {
			i = (i + 1) & t.mask
		}
		t.keys[i], t.roles[i] = k, v
	}
	return t
}

const (
	fnvOffset = 2166136261
	fnvPrime  = 16777619
)

func fnv(s string) uint32 {
	h := uint32(fnvOffset)
	for i := 0; i < len(s); i++ {
		h = (h ^ uint32(s[i])) * fnvPrime
	}
	return h
}

// get looks up w, lower-casing it as lowerWord does.
func (t *wordTable) get(w []byte) uint16 {
	var buf [24]byte
	if len(w) > len(buf) {
		return 0
	}
	// ASCII by table, without a branch per byte; a word with a byte
	// above 0x7f (a Latin-1 capital in UTF-8 is lowered by its second
	// byte) is lowered again by getUTF8 (TestWordTableGet).
	h := uint32(fnvOffset)
	var high byte
	for i, c := range w {
		high |= c
		c = lowerASCII[c]
		buf[i] = c
		h = (h ^ uint32(c)) * fnvPrime
	}
	if high >= 0x80 {
		return t.getUTF8(w)
	}
	return t.find(buf[:len(w)], h)
}

// lowerASCII lower-cases ASCII capitals and leaves every other byte.
var lowerASCII = func() (t [256]byte) {
	for c := range t {
		t[c] = lower(byte(c))
	}
	return t
}()

// getUTF8 is get for a word with a byte above 0x7f: Latin-1 capitals
// in UTF-8 (0xc3 and a second byte 0x80-0x9e but 0x97) are lowered too.
func (t *wordTable) getUTF8(w []byte) uint16 {
	var buf [24]byte
	h := uint32(fnvOffset)
	for i, c := range w {
		switch {
		case isUpper(c):
			c += 'a' - 'A'
		case c >= 0x80 && c <= 0x9e && c != 0x97 && i > 0 && w[i-1] == 0xc3:
			c += 0x20
		}
		buf[i] = c
		h = (h ^ uint32(c)) * fnvPrime
	}
	return t.find(buf[:len(w)], h)
}

// find looks up the lower-cased word k whose hash is h.
func (t *wordTable) find(k []byte, h uint32) uint16 {
	for i := h & t.mask; t.keys[i] != ""; i = (i + 1) & t.mask {
		if t.keys[i] == string(k) {
			return t.roles[i]
		}
	}
	return 0
}

func buildLexicon() map[string]uint16 {
	lx := map[string]uint16{}
	for w, bits := range loadNames() {
		var role uint16
		if bits&nFirst != 0 {
			role |= lexFirst
		}
		if bits&nLast != 0 {
			role |= lexLast
		}
		if bits&nCommon != 0 {
			role |= lexCommon
		}
		lx[w] |= role
	}
	for role, words := range map[uint16][]string{
		lexTitle: titles, lexEntity: entities, lexNotName: notNames,
		lexStreetBefore: streetBefore, lexStreetAfter: streetAfter,
		lexStreetParticle: streetParticles, lexNameParticle: nameParticles,
	} {
		for _, w := range words {
			lx[w] |= role
		}
	}
	for w, m := range monthNames {
		lx[w] |= uint16(m) << lexMonthShift
	}
	return lx
}

// lookupWord returns the lexicon roles of w (any case, a trailing '.'
// ignored).
func lookupWord(w []byte) uint16 {
	if len(w) > 1 && w[len(w)-1] == '.' {
		w = w[:len(w)-1]
	}
	return lexiconTable.get(w)
}

// lex returns the lexicon roles of token k's core, looked up once.
func (sc *scanner) lex(k int) uint16 {
	t := &sc.toks[k]
	if !t.looked {
		t.looked = true
		// Lexicon words are letters, with '.', '/', '-' or an apostrophe
		// at most ("c/", "d'"): anything with digits is none of them.
		if t.mask&cDigit == 0 && t.ce-t.cs <= 24 {
			t.lex = lookupWord(sc.text[t.cs:t.ce])
		}
	}
	return t.lex
}

func (sc *scanner) is(k int, role uint16) bool { return sc.lex(k)&role != 0 }

func monthOfLex(l uint16) int { return int(l >> lexMonthShift) }
