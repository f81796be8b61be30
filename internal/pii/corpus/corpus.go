// Package corpus generates the labeled corpus that pii's accuracy test
// measures against: columns of synthetic values in six locales (en-US,
// en-GB, de-DE, fr-FR, es-ES, nl-NL), each labeled with the types of
// personal data it holds, with decoys that look like personal data but
// are not (Luhn-failing card-length numbers, invalid SSNs, order ids,
// UUIDs, timestamps, versions, hashes, product codes, city and colour
// names), generic and misleading column names, and free-text columns whose
// personal data is labeled span by span.
//
// The same seed gives the same corpus on every machine. Every value is
// made up: names are drawn from short lists, numbers at random, and
// checksums computed so that the values that should be valid are.
//
// # Security
//
// The corpus holds no real personal data; it exists so that tests never
// need any.
package corpus

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
)

// Column is one labeled column.
type Column struct {
	Name   string   `json:"name"`
	Locale string   `json:"locale"`
	Group  string   `json:"group"`  // "structured", "decoy" or "free_text"
	Labels []string `json:"labels"` // the pii types the column holds
	Values []string `json:"values"`
	Spans  [][]Span `json:"spans,omitempty"` // free text: labeled spans per row
}

// Span is one labeled span of a free-text value, in bytes.
type Span struct {
	Start int    `json:"start"`
	End   int    `json:"end"`
	Type  string `json:"type"`
}

// Seed is the seed of the corpus committed in pii's testdata.
const Seed = 20240601

// Generate makes the corpus: every column of the plan with rows values.
func Generate(seed uint64, rows int) []Column {
	g := gen{rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
	var cols []Column
	for _, loc := range Locales {
		for _, s := range structured(loc) {
			cols = append(cols, g.column(s, loc, rows))
		}
		cols = append(cols, g.freeText(loc, rows, false), g.freeText(loc, 2*rows, true))
	}
	for _, s := range decoys() {
		cols = append(cols, g.column(s, "", rows))
	}
	return cols
}

// Locales are the locales the corpus covers.
var Locales = []string{"en-US", "en-GB", "de-DE", "fr-FR", "es-ES", "nl-NL"}

// spec plans one column: its name, labels, how to make a value, and how
// often a value is blank or junk ("n/a").
type spec struct {
	name   string
	labels []string
	value  func(g gen, loc string) string
	blank  float64
	group  string
}

func (g gen) column(s spec, loc string, rows int) Column {
	c := Column{Name: s.name, Locale: loc, Group: s.group, Labels: s.labels}
	if c.Group == "" {
		c.Group = "structured"
	}
	if c.Labels == nil {
		c.Labels = []string{}
	}
	for range rows {
		switch f := g.r.Float64(); {
		case f < s.blank:
			c.Values = append(c.Values, "")
		case f < s.blank*1.4:
			c.Values = append(c.Values, g.pick([]string{"n/a", "-", "unknown", "NULL"}))
		default:
			c.Values = append(c.Values, s.value(g, loc))
		}
	}
	return c
}

// freeText makes a notes column; with pii, two in three rows hold a
// sentence with personal data, and the labels are the types planted.
func (g gen) freeText(loc string, rows int, pii bool) Column {
	name := g.pick([]string{"notes", "comments", "description", "remarks", "text"})
	c := Column{Name: name, Locale: loc, Group: "free_text", Labels: []string{}}
	if !pii {
		c.Name = "summary"
	}
	tpls := append(append([]string{}, templates["en"]...), templates[loc]...)
	seen := map[string]bool{}
	for range rows {
		var text string
		var spans []Span
		n := 1 + g.r.IntN(2)
		for k := range n {
			tpl := g.pick(cleanTemplates)
			if pii && g.r.IntN(3) > 0 {
				tpl = g.pick(tpls)
			}
			s, sp := g.sentence(tpl, loc)
			if k > 0 {
				text += " "
			}
			for _, x := range sp {
				x.Start += len(text)
				x.End += len(text)
				spans = append(spans, x)
				seen[x.Type] = true
			}
			text += s
		}
		c.Values = append(c.Values, text)
		c.Spans = append(c.Spans, spans)
	}
	for _, t := range allTypes {
		if seen[t] {
			c.Labels = append(c.Labels, t)
		}
	}
	return c
}

var allTypes = []string{"EMAIL", "PHONE", "CREDIT_CARD", "IBAN", "US_SSN", "IP_ADDRESS", "MAC_ADDRESS",
	"URL", "DATE_OF_BIRTH", "PASSPORT", "NATIONAL_ID", "SECRET", "PERSON", "ADDRESS"}

// Write writes cols as JSON Lines, one column a line.
func Write(w io.Writer, cols []Column) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for _, c := range cols {
		if err := enc.Encode(c); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// Read reads what Write wrote.
func Read(r io.Reader) ([]Column, error) {
	var cols []Column
	dec := json.NewDecoder(r)
	for dec.More() {
		var c Column
		if err := dec.Decode(&c); err != nil {
			return nil, fmt.Errorf("corpus: column %d: %w", len(cols)+1, err)
		}
		cols = append(cols, c)
	}
	return cols, nil
}
