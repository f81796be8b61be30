package tabular

import (
	"bytes"
	"io"
	"strconv"
)

// csvReader reads RFC 4180 records. The cells of a row point into the
// input buffer (or into esc, for quoted fields with doubled quotes), which
// is why a Row is valid only until the next Read: the next refill moves or
// overwrites those bytes.
type csvReader struct {
	input
	opts  Options
	delim byte

	recLine int64 // the line the last record began on
	record  int64
	err     error // sticky

	cols []Column
	row  Row
	esc  []byte // unescaped quoted fields of the current record
}

func newCSVReader(src io.Reader, head []byte, format string, o Options) (*csvReader, error) {
	r := &csvReader{opts: o, delim: o.Delimiter}
	if err := r.init(src, head, format, o.MaxRecordBytes); err != nil {
		return nil, err
	}
	header, err := r.next(-1)
	if err == io.EOF {
		return r, nil // empty input: no columns, no rows
	}
	if err != nil {
		return nil, err
	}
	r.cols = make([]Column, len(header))
	for i, v := range header {
		name := string(v.b)
		r.cols[i] = Column{Name: name, Path: []string{name}, Type: String}
	}
	r.row = make(Row, 0, len(r.cols))
	return r, nil
}

func (r *csvReader) Format() string    { return r.format }
func (r *csvReader) Options() Options  { return r.opts }
func (r *csvReader) Columns() []Column { return r.cols }
func (r *csvReader) Record() int64     { return r.record }
func (r *csvReader) Line() int64       { return r.recLine }

func (r *csvReader) fieldError(line int64, field int, lim bool, format string, args ...any) error {
	e := r.errorf(line, lim, format, args...)
	e.Field = field
	return e
}

func (r *csvReader) Read() (Row, error) {
	if r.err != nil {
		return nil, r.err
	}
	if len(r.cols) == 0 {
		r.err = io.EOF
		return nil, io.EOF
	}
	row, err := r.next(len(r.cols))
	if err != nil {
		r.err = err
		return nil, err
	}
	r.record++
	return row, nil
}

// next returns the cells of the next non-empty record. want is the number
// of columns, or -1 while reading the header.
func (r *csvReader) next(want int) (Row, error) {
	for {
		line, consumed, err := r.nextLine()
		if err != nil {
			return nil, err
		}
		if len(line) == 0 { // blank lines separate nothing; skip them
			r.start += consumed
			r.line++
			continue
		}
		r.recLine = r.line + 1
		if q := bytes.IndexByte(line, '"'); q >= 0 {
			// Most quoted records still end on their first line: an even
			// number of quotes in it says so without a second search.
			if bytes.Count(line[q:], []byte{'"'})%2 == 1 {
				return r.quoted(want)
			}
			r.start += consumed
			r.line++
			return r.parseQuoted(line, want, recordComplete)
		}
		r.start += consumed
		r.line++
		return r.split(line, want)
	}
}

// split is the fast path: a record on one line with no quotes at all.
func (r *csvReader) split(line []byte, want int) (Row, error) {
	limit := r.fieldLimit(want)
	cells := r.row[:0]
	for {
		if len(cells) == limit {
			return nil, r.countError(want)
		}
		i := bytes.IndexByte(line, r.delim)
		if i < 0 {
			cells = appendCell(cells, line[:len(line):len(line)])
			break
		}
		cells = appendCell(cells, line[:i:i])
		line = line[i+1:]
	}
	r.row = cells
	return r.checkCount(cells, want)
}

func (r *csvReader) fieldLimit(want int) int {
	if want < 0 {
		return r.opts.MaxColumns
	}
	return want
}

func (r *csvReader) countError(want int) error {
	if want < 0 {
		return r.errorf(r.recLine, true, "more than %d fields", r.opts.MaxColumns)
	}
	return r.errorf(r.recLine, false, "more fields than the header's %d", want)
}

func (r *csvReader) checkCount(cells Row, want int) (Row, error) {
	if want >= 0 && len(cells) != want {
		return nil, r.errorf(r.recLine, false, "%s, the header has %d", plural(len(cells), "field"), want)
	}
	return cells, nil
}

// plural is "1 field" or "2 fields".
func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return strconv.Itoa(n) + " " + word + "s"
}

// appendCell appends a String cell. It stores the fields one by one rather
// than appending a composite literal: the compiler builds such a literal
// on the stack and copies it with wide loads that stall on the narrow
// stores just made, which cost a third of the parse time.
func appendCell(cells Row, b []byte) Row {
	n := len(cells)
	if n == cap(cells) {
		return append(cells, Value{b: b, kind: String})
	}
	cells = cells[:n+1]
	c := &cells[n]
	c.b, c.bits, c.kind = b, 0, String
	return cells
}
