package tabular

import (
	"errors"
	"strconv"
)

// Categories of *Error, to test with errors.Is.
var (
	// ErrMalformed: the input is not valid in its format.
	ErrMalformed = errors.New("tabular: malformed input")
	// ErrLimit: the input is larger than an Options limit allows.
	ErrLimit = errors.New("tabular: limit exceeded")
	// ErrInvalid: a caller passed something that cannot be read or written
	// (an unknown format, a row that does not fit the writer's columns, a
	// value its column cannot hold).
	ErrInvalid = errors.New("tabular: invalid argument")
)

// Error is a failure at a known place in the input or output. It names the
// place (line, field, record, row group, column name) and what is wrong,
// and never the content of a cell: cells can be personal data.
type Error struct {
	Format   string // "csv", "tsv", "jsonl" or "parquet"
	Line     int64  // text formats: 1-based line; 0 if unknown
	Field    int    // CSV and TSV: 1-based field in the record; 0 if none
	RowGroup int    // Parquet: 1-based row group; 0 if none
	Record   int64  // Parquet and writers: 1-based record; 0 if none
	Column   string // the column's name when one is concerned and known
	Msg      string // what is wrong
	// Err is ErrMalformed, ErrLimit or ErrInvalid, or the I/O error of the
	// underlying reader or writer (wrapped, so errors.Is sees through it).
	Err error
}

func (e *Error) Error() string {
	b := []byte("tabular: ")
	b = append(b, e.Format...)
	sep := byte(' ')
	add := func(label string, n int64) {
		b = append(b, sep)
		if sep == ',' {
			b = append(b, ' ')
		}
		b = append(b, label...)
		b = append(b, ' ')
		b = strconv.AppendInt(b, n, 10)
		sep = ','
	}
	if e.Line > 0 {
		add("line", e.Line)
	}
	if e.Field > 0 {
		add("field", int64(e.Field))
	}
	if e.RowGroup > 0 {
		add("row group", int64(e.RowGroup))
	}
	if e.Record > 0 {
		add("record", e.Record)
	}
	if e.Column != "" {
		b = append(b, sep)
		if sep == ',' {
			b = append(b, ' ')
		}
		b = append(b, "column "...)
		b = strconv.AppendQuote(b, e.Column)
	}
	b = append(b, ": "...)
	b = append(b, e.Msg...)
	if e.Err != nil && !isCategory(e.Err) {
		b = append(b, ": "...)
		b = append(b, e.Err.Error()...)
	}
	return string(b)
}

func (e *Error) Unwrap() error { return e.Err }

func isCategory(err error) bool {
	return err == ErrMalformed || err == ErrLimit || err == ErrInvalid
}
