package corpus

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// Pool returns n values of one kind, for benchmarks that need realistic
// cells in bulk: the pii types ("EMAIL", "PHONE", "PERSON", ...) and
// "FIRST", "LAST", "UUID", "TIMESTAMP", "AMOUNT", "INT", "STATUS", "SKU",
// "SHA256" and "NOTE" (a sentence, personal data in about a third).
// Values hold no commas, so a CSV of them needs no quoting.
func Pool(kind string, n int, seed uint64) []string {
	g := gen{rand.New(rand.NewPCG(seed, seed^0x2545f4914f6cdd1d))}
	out := make([]string, n)
	for i := range out {
		loc := Locales[g.r.IntN(len(Locales))]
		out[i] = strings.ReplaceAll(g.poolValue(kind, loc), ",", ";")
	}
	return out
}

func (g gen) poolValue(kind, loc string) string {
	switch kind {
	case "FIRST":
		f, _ := g.person(loc)
		return f
	case "LAST":
		_, l := g.person(loc)
		return l
	case "PERSON":
		return g.fullName(loc)
	case "UUID":
		return uuid(g)
	case "TIMESTAMP":
		return fmt.Sprintf("2024-%02d-%02dT%02d:%02d:%02dZ", 1+g.r.IntN(12), 1+g.r.IntN(28), g.r.IntN(24), g.r.IntN(60), g.r.IntN(60))
	case "AMOUNT":
		return fmt.Sprintf("%d.%02d", g.r.IntN(10000), g.r.IntN(100))
	case "INT":
		return fmt.Sprint(g.r.IntN(10000000))
	case "STATUS":
		return g.pick(statusDecoys)
	case "SKU":
		return g.letters(2) + "-" + g.digits(5) + "-" + g.letters(1)
	case "SHA256":
		return g.alnum(64, "0123456789abcdef")
	case "NOTE":
		tpl := g.pick(cleanTemplates)
		if g.r.IntN(3) == 0 {
			tpl = g.pick(templates["en"])
		}
		s, _ := g.sentence(tpl, loc)
		return s
	case "DATE_OF_BIRTH":
		return g.birthDate(loc)
	}
	v, _ := g.slot(kind, loc)
	return v
}
