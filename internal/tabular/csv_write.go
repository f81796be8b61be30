package tabular

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"slices"
)

// csvWriter writes RFC 4180 records with "\n" line ends. It quotes a field
// only when the reader would otherwise read it differently: when it holds
// the delimiter, a quote, CR or LF; when it is the only field of a record
// and empty (a blank line is skipped on reading); and when it is the first
// header field and starts with a byte-order mark (the reader strips one).
type csvWriter struct {
	w       *bufio.Writer
	format  string
	delim   byte
	max     int
	cols    []Column
	started bool
	record  int64
	rec     []byte // the record being encoded
	cell    []byte // the text of the cell being encoded
	err     error
}

func newCSVWriter(w io.Writer, format string, cols []Column, o Options) *csvWriter {
	return &csvWriter{w: bufio.NewWriterSize(w, 64<<10), format: format, delim: o.Delimiter,
		max: o.MaxRecordBytes, cols: slices.Clone(cols)}
}

func (w *csvWriter) errorf(lim bool, format string, args ...any) error {
	e := &Error{Format: w.format, Record: w.record, Msg: fmt.Sprintf(format, args...), Err: ErrInvalid}
	if lim {
		e.Err = ErrLimit
	}
	return e
}

func (w *csvWriter) Grow(cols []Column) error {
	if w.started {
		return w.errorf(false, "cannot add columns after the header is written")
	}
	if !hasPrefix(cols, w.cols) {
		return w.errorf(false, "new columns must begin with the current ones")
	}
	w.cols = slices.Clone(cols)
	return nil
}

// hasPrefix reports whether cols begins with the columns of prefix (same
// names and paths).
func hasPrefix(cols, prefix []Column) bool {
	if len(cols) < len(prefix) {
		return false
	}
	for i := range prefix {
		if cols[i].Name != prefix[i].Name || !slices.Equal(cols[i].path(), prefix[i].path()) {
			return false
		}
	}
	return true
}

func (w *csvWriter) header() error {
	w.started = true
	if len(w.cols) == 0 {
		return nil
	}
	w.rec = w.rec[:0]
	for i, c := range w.cols {
		w.rec = w.appendField(w.rec, []byte(c.Name), i, true)
	}
	return w.flushRecord()
}

func (w *csvWriter) Write(row Row) error {
	if w.err != nil {
		return w.err
	}
	if !w.started {
		if w.err = w.header(); w.err != nil {
			return w.err
		}
	}
	w.record++
	if len(w.cols) == 0 {
		return w.errorf(false, "no columns to write")
	}
	if len(row) != len(w.cols) {
		return w.errorf(false, "row has %s, the writer has %s", plural(len(row), "cell"), plural(len(w.cols), "column"))
	}
	w.rec = w.rec[:0]
	for i, v := range row {
		w.cell = v.AppendText(w.cell[:0])
		w.rec = w.appendField(w.rec, w.cell, i, false)
	}
	if err := w.flushRecord(); err != nil {
		w.err = err
		return err
	}
	return nil
}

// appendField appends the i-th field of a record with its separator,
// quoted if it must be.
func (w *csvWriter) appendField(dst, field []byte, i int, header bool) []byte {
	if i > 0 {
		dst = append(dst, w.delim)
	}
	quote := bytes.IndexByte(field, w.delim) >= 0 || bytes.IndexByte(field, '"') >= 0 ||
		bytes.IndexByte(field, '\r') >= 0 || bytes.IndexByte(field, '\n') >= 0 ||
		(len(field) == 0 && len(w.cols) == 1) ||
		(header && i == 0 && bytes.HasPrefix(field, utf8BOM))
	if !quote {
		return append(dst, field...)
	}
	dst = append(dst, '"')
	for {
		i := bytes.IndexByte(field, '"')
		if i < 0 {
			break
		}
		dst = append(dst, field[:i+1]...)
		dst = append(dst, '"')
		field = field[i+1:]
	}
	dst = append(dst, field...)
	return append(dst, '"')
}

func (w *csvWriter) flushRecord() error {
	if len(w.rec) > w.max {
		return w.errorf(true, "record longer than %d bytes", w.max)
	}
	w.rec = append(w.rec, '\n')
	if _, err := w.w.Write(w.rec); err != nil {
		return &Error{Format: w.format, Record: w.record, Msg: "write", Err: err}
	}
	return nil
}

func (w *csvWriter) Close() error {
	if w.err != nil {
		return w.err
	}
	if !w.started {
		if w.err = w.header(); w.err != nil {
			return w.err
		}
	}
	if err := w.w.Flush(); err != nil {
		w.err = &Error{Format: w.format, Msg: "write", Err: err}
		return w.err
	}
	return nil
}
