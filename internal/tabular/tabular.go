package tabular

import (
	"cmp"
	"errors"
	"io"
	"strings"
)

// Format names.
const (
	CSV     = "csv"     // comma-separated (or another Options.Delimiter), RFC 4180
	TSV     = "tsv"     // CSV with a tab delimiter
	JSONL   = "jsonl"   // JSON Lines: one JSON object per line
	Parquet = "parquet" // Apache Parquet, through parquet-go
)

// Default limits; see Options.
const (
	DefaultMaxRecordBytes = 16 << 20
	DefaultMaxColumns     = 1 << 14
	DefaultMaxPageBytes   = 64 << 20
	// MaxDepth is how deeply JSON objects and arrays may nest, so that
	// hostile input cannot exhaust the stack of a recursive parser.
	MaxDepth = 64
)

// Options tune readers and writers. The zero Options (or a nil *Options)
// sniffs the CSV delimiter and applies the default limits.
type Options struct {
	// Delimiter separates CSV fields. 0 means ',' for writers and, for
	// readers, the one of , ; \t | that SniffDelimiter picks. TSV always
	// uses '\t'.
	Delimiter byte
	// MaxRecordBytes bounds one CSV/TSV record or JSONL line (readers
	// refuse longer ones, writers refuse to write them, so that what is
	// written can be read back). 0 means DefaultMaxRecordBytes.
	MaxRecordBytes int
	// MaxColumns bounds the number of columns (a CSV header, the keys a
	// JSONL file discovers, a Parquet schema's leaves). 0 means
	// DefaultMaxColumns.
	MaxColumns int
	// MaxPageBytes bounds one Parquet page, compressed and as declared
	// uncompressed, and the footer. 0 means DefaultMaxPageBytes.
	MaxPageBytes int
}

func (o *Options) withDefaults() Options {
	var r Options
	if o != nil {
		r = *o
	}
	if r.MaxRecordBytes <= 0 {
		r.MaxRecordBytes = DefaultMaxRecordBytes
	}
	if r.MaxColumns <= 0 {
		r.MaxColumns = DefaultMaxColumns
	}
	if r.MaxPageBytes <= 0 {
		r.MaxPageBytes = DefaultMaxPageBytes
	}
	return r
}

// Column describes one column of a dataset.
type Column struct {
	// Name is the CSV header cell, or Path joined with "." (JSONL, Parquet).
	Name string
	// Path is the keys from the root of a record to the cell: one element
	// for CSV and flat data, address.city is {"address", "city"}. Path, not
	// Name, identifies a column: keys may contain dots.
	Path []string
	// Type is the kind of the column's non-null cells; see docs/tabular.md.
	// CSV columns are String. A JSONL column is Null until a non-null cell
	// is seen, and widens when cells differ (Int and Float to Float,
	// anything else to String); each cell's own Kind is authoritative.
	Type Kind
	// Logical names the Parquet logical type when it changes how a cell
	// reads (for example "date", "timestamp(us,utc)", "decimal(10,2)",
	// "uuid"); empty otherwise.
	Logical string

	// pq is the Parquet leaf this column was read from, so that a Parquet
	// writer given the column back keeps its exact type.
	pq *pqLeaf
}

func (c *Column) path() []string {
	if len(c.Path) > 0 {
		return c.Path
	}
	return []string{c.Name}
}

func joinPath(p []string) string { return strings.Join(p, ".") }

// Reader streams the rows of a dataset.
type Reader interface {
	// Format returns CSV, TSV, JSONL or Parquet.
	Format() string
	// Options returns the options in effect, with the sniffed delimiter and
	// the default limits filled in; pass them to NewWriter to write the
	// same dialect back.
	Options() Options
	// Columns returns the columns known so far. CSV and Parquet know them
	// all once opened; JSONL appends a column when a record first has its
	// key, so Columns can grow (never shrink or reorder) after each Read.
	// The caller must not modify the slice.
	Columns() []Column
	// Read returns the next row, or io.EOF after the last. The row has one
	// cell per column known after the call. It and its cells are valid
	// until the next call to Read. After an error other than io.EOF every
	// later Read returns the same error.
	Read() (Row, error)
	// Record returns the 1-based number of the row Read last returned.
	Record() int64
	// Line returns the 1-based line on which that row began (CSV, TSV,
	// JSONL), or 0 for Parquet.
	Line() int64
}

// Writer encodes rows. Close flushes what is buffered and writes any
// trailer (the Parquet footer); it does not close the underlying writer.
type Writer interface {
	// Write encodes one row: one cell per column, in the order of the
	// columns the writer was given.
	Write(Row) error
	// Grow replaces the columns with cols, which must begin with the
	// current ones: it follows a JSONL reader whose schema grew. JSONL
	// writers accept it at any time, CSV, TSV and Parquet writers only
	// before the first Write (their header or schema is written once).
	Grow(cols []Column) error
	Close() error
}

// sniffLen is how much of a stream Open reads to sniff its format.
const sniffLen = 64 << 10

// Open returns a Reader of r in format (CSV, TSV, JSONL, or "" to sniff).
// Parquet needs random access: use OpenParquet, and spool a stream that
// has no io.ReaderAt to a file first. A nil opts means the defaults.
func Open(r io.Reader, format string, opts *Options) (Reader, error) {
	o := opts.withDefaults()
	switch format {
	case "", CSV, TSV, JSONL:
	case Parquet:
		return nil, errParquetStream
	default:
		return nil, &Error{Format: format, Msg: "unknown format", Err: ErrInvalid}
	}
	var head []byte
	if format == "" || (format == CSV && o.Delimiter == 0) {
		var err error
		if head, err = readHead(r, sniffLen); err != nil {
			return nil, &Error{Format: cmp.Or(format, "input"), Msg: "read", Err: err}
		}
	}
	if format == "" {
		switch format = Sniff(head); format {
		case "":
			return nil, &Error{Format: "input", Msg: "not CSV, TSV, JSON Lines or Parquet", Err: ErrInvalid}
		case Parquet:
			return nil, errParquetStream
		}
	}
	if format == JSONL {
		return newJSONLReader(r, head, o)
	}
	if format == TSV {
		o.Delimiter = '\t'
	} else if o.Delimiter == 0 {
		o.Delimiter = SniffDelimiter(head)
	}
	if !validDelimiter(o.Delimiter) {
		return nil, &Error{Format: format, Msg: "invalid delimiter", Err: ErrInvalid}
	}
	return newCSVReader(r, head, format, o)
}

var errParquetStream = &Error{Format: Parquet, Msg: "needs random access: use OpenParquet with an io.ReaderAt", Err: ErrInvalid}

// readHead reads up to n bytes, fewer only at the end of r.
func readHead(r io.Reader, n int) ([]byte, error) {
	head := make([]byte, n)
	k, err := io.ReadFull(r, head)
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		err = nil
	}
	return head[:k], err
}

// validDelimiter accepts ASCII bytes that cannot be confused with quoting,
// line ends or the bytes of multi-byte UTF-8 sequences.
func validDelimiter(d byte) bool {
	return d != 0 && d < 0x80 && d != '"' && d != '\r' && d != '\n'
}

// NewWriter returns a Writer of format to w with cols as its columns. For
// CSV and TSV the first line written is the header of column names. A nil
// opts means the defaults (',' for CSV).
func NewWriter(w io.Writer, format string, cols []Column, opts *Options) (Writer, error) {
	o := opts.withDefaults()
	if len(cols) > o.MaxColumns {
		return nil, &Error{Format: format, Msg: "more columns than MaxColumns", Err: ErrLimit}
	}
	switch format {
	case CSV, TSV:
		if format == TSV {
			o.Delimiter = '\t'
		} else if o.Delimiter == 0 {
			o.Delimiter = ','
		}
		if !validDelimiter(o.Delimiter) {
			return nil, &Error{Format: format, Msg: "invalid delimiter", Err: ErrInvalid}
		}
		return newCSVWriter(w, format, cols, o), nil
	case JSONL:
		return newJSONLWriter(w, cols, o)
	case Parquet:
		return newParquetWriter(w, cols, o)
	}
	return nil, &Error{Format: format, Msg: "unknown format", Err: ErrInvalid}
}
