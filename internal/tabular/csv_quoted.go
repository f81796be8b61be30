package tabular

import (
	"bytes"
)

// recordState says how the search for a quoted record's end finished.
type recordState int

const (
	recordComplete recordState = iota
	recordEOF                  // input ended inside a quoted field
	recordTooLong              // no end within MaxRecordBytes
)

// quoted reads a record whose first line has a quote: such a record may
// span lines. Its end is the first line end after an even number of
// quotes, found with bytes.Count before any parsing, so that the parse
// runs on bytes that no refill moves.
func (r *csvReader) quoted(want int) (Row, error) {
	n, consumed, lines, st, err := r.recordEnd()
	if err != nil {
		return nil, err
	}
	rec := r.buf[r.start : r.start+n]
	row, err := r.parseQuoted(rec, want, st)
	r.start += consumed
	r.line += lines
	return row, err
}

// recordEnd returns the record's length without its line end, the bytes
// to consume, the lines it spans and how it ended. Offsets are relative to
// r.start, which fill may move.
func (r *csvReader) recordEnd() (n, consumed int, lines int64, st recordState, err error) {
	pos, quotes := 0, 0
	for {
		data := r.buf[r.start:r.end]
		i := bytes.IndexByte(data[pos:], '\n')
		if i < 0 {
			if r.eof {
				quotes += bytes.Count(data[pos:], []byte{'"'})
				st = recordComplete
				if quotes%2 == 1 {
					st = recordEOF
				}
				return len(bytes.TrimSuffix(data, []byte{'\r'})), len(data), lines + 1, st, nil
			}
			if len(data) > r.opts.MaxRecordBytes {
				return len(data), len(data), lines, recordTooLong, nil
			}
			quotes += bytes.Count(data[pos:], []byte{'"'})
			pos = len(data)
			if err := r.fill(); err != nil {
				return 0, 0, 0, 0, err
			}
			continue
		}
		quotes += bytes.Count(data[pos:pos+i], []byte{'"'})
		pos += i + 1
		lines++
		if quotes%2 == 0 {
			if pos-1 > r.opts.MaxRecordBytes+1 {
				return pos, pos, lines, recordTooLong, nil
			}
			return len(bytes.TrimSuffix(data[:pos-1], []byte{'\r'})), pos, lines, recordComplete, nil
		}
		if pos > r.opts.MaxRecordBytes {
			return pos, pos, lines, recordTooLong, nil
		}
	}
}

// parseQuoted splits rec into fields. Unquoted fields and quoted fields
// without doubled quotes point into rec; the others are unescaped into
// r.esc. Earlier cells keep pointing at esc's old array when it grows,
// which still holds their bytes.
//
// An unquoted field must hold no quote and no line break. Rather than
// search each field for them, the parse keeps the offset of the next quote
// and the next line break after p and searches again only once p passed
// it: fields are short, and a search costs more than its scan.
func (r *csvReader) parseQuoted(rec []byte, want int, st recordState) (Row, error) {
	limit := r.fieldLimit(want)
	cells := r.row[:0]
	r.esc = r.esc[:0]
	nextQuote, nextLF := -1, -1
	p := 0
	for field := 1; ; field++ {
		if len(cells) == limit {
			return nil, r.countError(want)
		}
		var v []byte
		if p < len(rec) && rec[p] == '"' {
			start := p
			var ok bool
			if v, p, ok = r.quotedField(rec, p+1); !ok {
				if st == recordTooLong {
					break
				}
				return nil, r.fieldError(r.lineAt(rec, start), field, false, "unterminated quoted field")
			}
			if p < len(rec) && rec[p] != r.delim {
				return nil, r.fieldError(r.lineAt(rec, p), field, false, "extraneous character after closing quote")
			}
		} else {
			i := bytes.IndexByte(rec[p:], r.delim)
			if i < 0 {
				i = len(rec) - p
			}
			end := p + i
			if nextQuote < p {
				nextQuote = indexFrom(rec, p, '"')
			}
			if nextQuote < end {
				return nil, r.fieldError(r.lineAt(rec, nextQuote), field, false, "bare quote in unquoted field")
			}
			if nextLF < p {
				nextLF = indexFrom(rec, p, '\n')
			}
			if nextLF < end {
				// Unreachable after the checks above (a line break outside
				// quotes ends the record), kept so a bug cannot turn into
				// a silently merged record.
				return nil, r.fieldError(r.lineAt(rec, nextLF), field, false, "line break in unquoted field")
			}
			v = rec[p:end:end]
			p = end
		}
		cells = appendCell(cells, v)
		if p >= len(rec) {
			break
		}
		p++ // the delimiter
	}
	if st == recordTooLong {
		return nil, r.tooLong(r.recLine)
	}
	r.row = cells
	return r.checkCount(cells, want)
}

// indexFrom is the offset of the first c in b at or after p, or len(b).
func indexFrom(b []byte, p int, c byte) int {
	if i := bytes.IndexByte(b[p:], c); i >= 0 {
		return p + i
	}
	return len(b)
}

// quotedField reads a quoted field's content starting after its opening
// quote, and returns it with the offset after the closing quote; ok is
// false when there is no closing quote.
func (r *csvReader) quotedField(rec []byte, p int) (v []byte, next int, ok bool) {
	seg, escStart := p, -1
	for {
		q := bytes.IndexByte(rec[p:], '"')
		if q < 0 {
			return nil, len(rec), false
		}
		p += q + 1
		if p < len(rec) && rec[p] == '"' { // a doubled quote stands for one
			if escStart < 0 {
				escStart = len(r.esc)
			}
			r.esc = append(r.esc, rec[seg:p]...)
			p++
			seg = p
			continue
		}
		if escStart < 0 {
			return rec[seg : p-1 : p-1], p, true
		}
		r.esc = append(r.esc, rec[seg:p-1]...)
		return r.esc[escStart:len(r.esc):len(r.esc)], p, true
	}
}

// lineAt is the line of rec[pos]; computed only for errors.
func (r *csvReader) lineAt(rec []byte, pos int) int64 {
	return r.recLine + int64(bytes.Count(rec[:pos], []byte{'\n'}))
}
