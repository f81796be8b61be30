package pii

import (
	"bufio"
	"bytes"
	"embed"
)

// The name dictionaries: given and family names common in the locales pii
// covers (en-US, en-GB, de-DE, fr-FR, es-ES, nl-NL, some it, pt, pl and
// frequent international names), and ordinary words that are also names.
//
//go:embed names/*.txt
var nameFiles embed.FS

const (
	nFirst  uint8 = 1 << iota // a given name
	nLast                     // a family name
	nCommon                   // also an ordinary word, month, colour or place
)

func loadNames() map[string]uint8 {
	d := map[string]uint8{}
	for _, f := range []struct {
		file string
		bit  uint8
	}{{"names/first.txt", nFirst}, {"names/last.txt", nLast}, {"names/common.txt", nCommon}} {
		b, err := nameFiles.ReadFile(f.file)
		if err != nil {
			panic("pii: embedded name list missing: " + f.file)
		}
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			line := sc.Bytes()
			if len(line) == 0 || line[0] == '#' {
				continue
			}
			for _, w := range bytes.Fields(line) {
				var buf [32]byte
				if k := lowerWord(buf[:], w); k != nil {
					d[string(k)] |= f.bit
				}
			}
		}
	}
	return d
}

// NameDictionarySize returns the number of given and family names pii
// knows, for documentation and tests.
func NameDictionarySize() (first, last int) {
	for _, role := range lexicon {
		if role&lexFirst != 0 {
			first++
		}
		if role&lexLast != 0 {
			last++
		}
	}
	return first, last
}

// KnownName reports whether pii's dictionaries hold w as a given or family
// name; the accuracy test uses it to report the dictionary's coverage of
// its corpus.
func KnownName(w string) bool { return lookupWord([]byte(w))&(lexFirst|lexLast) != 0 }
