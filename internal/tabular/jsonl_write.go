package tabular

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"unicode/utf8"
)

// jsonlWriter writes one JSON object per row, nesting columns by their
// Path, so that address.city is written back as {"address":{"city":...}}.
//
// Null cells are written as null, with one exception that keeps what is
// written readable as the same row: when a column's path is a prefix of
// another's (a key that held a scalar in one record and an object in
// another), the object is written if any cell under it is non-null, and
// the scalar otherwise.
type jsonlWriter struct {
	w      *bufio.Writer
	max    int
	cols   []Column
	root   *wnode
	nodes  int
	record int64
	rec    []byte
	under  []bool // per node: a cell below it is non-null in this row
	scan   jsonScanner
	err    error
}

// wnode is one key path of the output objects.
type wnode struct {
	key   string
	col   int // index in cols, or -1
	id    int
	kids  []*wnode
	byKey map[string]*wnode
}

func newJSONLWriter(w io.Writer, cols []Column, o Options) (*jsonlWriter, error) {
	jw := &jsonlWriter{w: bufio.NewWriterSize(w, 64<<10), max: o.MaxRecordBytes}
	if err := jw.setColumns(cols); err != nil {
		return nil, err
	}
	return jw, nil
}

func (w *jsonlWriter) errorf(col string, lim bool, format string, args ...any) error {
	e := &Error{Format: JSONL, Record: w.record, Column: col, Msg: fmt.Sprintf(format, args...), Err: ErrInvalid}
	if lim {
		e.Err = ErrLimit
	}
	return e
}

// setColumns builds the key tree of cols.
func (w *jsonlWriter) setColumns(cols []Column) error {
	root, nodes := &wnode{col: -1}, 1
	for i := range cols {
		n := root
		for _, k := range cols[i].path() {
			if !utf8.ValidString(k) {
				return w.errorf(cols[i].Name, false, "column name is not valid UTF-8")
			}
			kid := n.byKey[k]
			if kid == nil {
				kid = &wnode{key: k, col: -1, id: nodes}
				nodes++
				if n.byKey == nil {
					n.byKey = make(map[string]*wnode)
				}
				n.byKey[k] = kid
				n.kids = append(n.kids, kid)
			}
			n = kid
		}
		if n.col >= 0 {
			return w.errorf(cols[i].Name, false, "two columns have the same path")
		}
		n.col = i
	}
	w.cols, w.root, w.nodes = slices.Clone(cols), root, nodes
	w.under = make([]bool, nodes)
	return nil
}

func (w *jsonlWriter) Grow(cols []Column) error {
	if !hasPrefix(cols, w.cols) {
		return w.errorf("", false, "new columns must begin with the current ones")
	}
	return w.setColumns(cols)
}

// Write encodes row. A row shorter than the columns is padded with nulls:
// a JSONL reader returns such rows for records read before its schema grew.
func (w *jsonlWriter) Write(row Row) error {
	if w.err != nil {
		return w.err
	}
	w.record++
	if len(row) > len(w.cols) {
		return w.errorf("", false, "row has %s, the writer has %s", plural(len(row), "cell"), plural(len(w.cols), "column"))
	}
	if _, err := w.mark(w.root, row); err != nil {
		return err
	}
	var err error
	if w.rec, err = w.object(w.rec[:0], w.root, row); err != nil {
		return err
	}
	if len(w.rec) > w.max {
		return w.errorf("", true, "record longer than %d bytes", w.max)
	}
	w.rec = append(w.rec, '\n')
	if _, err := w.w.Write(w.rec); err != nil {
		w.err = &Error{Format: JSONL, Record: w.record, Msg: "write", Err: err}
		return w.err
	}
	return nil
}

func cell(row Row, col int) Value {
	if col >= 0 && col < len(row) {
		return row[col]
	}
	return Value{}
}

// mark records in w.under which nodes have a non-null cell below them,
// and reports whether n or a node below it has one.
func (w *jsonlWriter) mark(n *wnode, row Row) (bool, error) {
	below := false
	for _, k := range n.kids {
		has, err := w.mark(k, row)
		if err != nil {
			return false, err
		}
		below = below || has
	}
	w.under[n.id] = below
	own := !cell(row, n.col).IsNull()
	if own && below {
		return false, w.errorf(w.cols[n.col].Name, false, "column has a value and so does a column under it")
	}
	return own || below, nil
}

func (w *jsonlWriter) object(dst []byte, n *wnode, row Row) ([]byte, error) {
	dst = append(dst, '{')
	for i, k := range n.kids {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst, _ = appendJSONString(dst, []byte(k.key))
		dst = append(dst, ':')
		var err error
		if dst, err = w.node(dst, k, row); err != nil {
			return dst, err
		}
	}
	return append(dst, '}'), nil
}

func (w *jsonlWriter) node(dst []byte, n *wnode, row Row) ([]byte, error) {
	v := cell(row, n.col)
	switch {
	case !v.IsNull():
		return w.value(dst, v, n.col)
	case w.under[n.id] || n.col < 0:
		return w.object(dst, n, row)
	}
	return append(dst, "null"...), nil
}

func (w *jsonlWriter) value(dst []byte, v Value, col int) ([]byte, error) {
	switch v.kind {
	case String:
		out, ok := appendJSONString(dst, v.b)
		if !ok {
			return dst, w.errorf(w.cols[col].Name, false, "string is not valid UTF-8")
		}
		return out, nil
	case Int, Bool:
		return v.AppendText(dst), nil
	case Float:
		f := v.Float()
		if math.IsNaN(f) || math.IsInf(f, 0) && v.b == nil {
			return dst, w.errorf(w.cols[col].Name, false, "NaN and infinities have no JSON form")
		}
		return appendJSONFloat(dst, v), nil
	case JSON:
		return w.rawJSON(dst, v.b, col)
	}
	return append(dst, "null"...), nil
}

// appendJSONFloat writes a float so that it reads back as a Float: a
// literal from JSON as it was, otherwise with a fraction or exponent.
func appendJSONFloat(dst []byte, v Value) []byte {
	if v.b != nil {
		return append(dst, v.b...)
	}
	start := len(dst)
	dst = strconv.AppendFloat(dst, v.Float(), 'g', -1, 64)
	if !bytes.ContainsAny(dst[start:], ".e") {
		dst = append(dst, ".0"...)
	}
	return dst
}

// rawJSON checks that b is one JSON value and writes it without the line
// breaks that may sit between its tokens (a line break would end the
// record).
func (w *jsonlWriter) rawJSON(dst, b []byte, col int) ([]byte, error) {
	s := &w.scan
	s.reset(b)
	s.skipSpace()
	if err := s.skip(0); err != nil {
		return dst, w.errorf(w.cols[col].Name, false, "JSON cell: byte %d: %v", s.p+1, err)
	}
	s.skipSpace()
	if s.p != len(b) {
		return dst, w.errorf(w.cols[col].Name, false, "JSON cell: byte %d: data after the value", s.p+1)
	}
	for _, c := range bytes.TrimSpace(b) {
		if c != '\n' {
			dst = append(dst, c)
		}
	}
	return dst, nil
}

// appendJSONString appends s quoted; ok is false when s is not UTF-8.
func appendJSONString(dst, s []byte) ([]byte, bool) {
	if !utf8.Valid(s) {
		return dst, false
	}
	dst = append(dst, '"')
	start := 0
	for i, c := range s {
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		dst = append(dst, s[start:i]...)
		start = i + 1
		switch c {
		case '"', '\\':
			dst = append(dst, '\\', c)
		case '\n':
			dst = append(dst, '\\', 'n')
		case '\r':
			dst = append(dst, '\\', 'r')
		case '\t':
			dst = append(dst, '\\', 't')
		default:
			dst = append(dst, '\\', 'u', '0', '0', hexDigit[c>>4], hexDigit[c&0xF])
		}
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"'), true
}

const hexDigit = "0123456789abcdef"

func (w *jsonlWriter) Close() error {
	if w.err != nil {
		return w.err
	}
	if err := w.w.Flush(); err != nil {
		w.err = &Error{Format: JSONL, Msg: "write", Err: err}
	}
	return w.err
}
