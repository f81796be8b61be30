package tabular

import "bytes"

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// Sniff names the format of a stream from its first bytes (64 KiB is
// plenty; Open reads that much): Parquet for the "PAR1" magic, JSONL when
// the first non-blank byte opens an object, TSV or CSV for other text
// (by SniffDelimiter), and "" for empty input and for binary data (a
// control byte other than tab, CR, LF or form feed), which the vault keeps
// as an opaque blob.
func Sniff(head []byte) string {
	if bytes.HasPrefix(head, []byte("PAR1")) {
		return Parquet
	}
	head = bytes.TrimPrefix(head, utf8BOM)
	for _, c := range head {
		if c < 0x20 && c != '\t' && c != '\r' && c != '\n' && c != '\f' {
			return ""
		}
	}
	text := bytes.TrimLeft(head, " \t\r\n\f")
	switch {
	case len(text) == 0:
		return ""
	case text[0] == '{':
		return JSONL
	case SniffDelimiter(head) == '\t':
		return TSV
	}
	return CSV
}

// sniffRecords is how many records SniffDelimiter looks at.
const sniffRecords = 32

// delimiters are the candidates, in the order that breaks ties.
var delimiters = [...]byte{',', '\t', ';', '|'}

// SniffDelimiter picks the CSV delimiter among , \t ; and | from the first
// records of head: the one that occurs, outside quotes, as often in every
// record as in the first (the header) and most often there; failing that,
// the one most frequent in the first record; failing that, ','. A last
// record without its line end is ignored when there are others, since head
// may have cut it.
func SniffDelimiter(head []byte) byte {
	counts := countDelimiters(bytes.TrimPrefix(head, utf8BOM))
	if len(counts) == 0 {
		return ','
	}
	best, bestN := -1, 0
	for i := range delimiters {
		n := counts[0][i]
		if n == 0 || n <= bestN {
			continue
		}
		consistent := true
		for _, c := range counts[1:] {
			consistent = consistent && c[i] == n
		}
		if consistent {
			best, bestN = i, n
		}
	}
	if best < 0 {
		for i := range delimiters {
			if counts[0][i] > bestN {
				best, bestN = i, counts[0][i]
			}
		}
	}
	if best < 0 {
		return ','
	}
	return delimiters[best]
}

// countDelimiters counts each candidate outside quotes, per record.
func countDelimiters(head []byte) [][len(delimiters)]int {
	var out [][len(delimiters)]int
	var cur [len(delimiters)]int
	inQuote, empty := false, true
	for _, c := range head {
		switch {
		case c == '"':
			inQuote = !inQuote
		case inQuote:
		case c == '\n':
			if !empty {
				out = append(out, cur)
				if len(out) == sniffRecords {
					return out
				}
			}
			cur, empty = [len(delimiters)]int{}, true
			continue
		case c == '\r':
			continue
		default:
			for i, d := range delimiters {
				if c == d {
					cur[i]++
				}
			}
		}
		empty = false
	}
	if !empty && len(out) == 0 {
		out = append(out, cur)
	}
	return out
}
