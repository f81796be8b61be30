package tabular

import (
	"errors"
	"fmt"
	"io"
	"runtime"
	"strings"

	"github.com/parquet-go/parquet-go"
)

// parquetReader streams the rows of a Parquet file one row group at a
// time, decoding a small batch of rows at once.
type parquetReader struct {
	file   *parquet.File
	ra     io.ReaderAt
	size   int64
	opts   Options
	leaves []*pqLeaf // by Parquet column index, which is our column index
	cols   []Column

	rg     int // row groups started
	rows   parquet.Rows
	batch  []parquet.Row
	n, i   int // rows in batch, rows of batch returned
	row    Row
	text   []byte // text forms of the current row's cells
	elem   []byte // one array element's text
	hdr    []byte // page headers, for preflight
	record int64
	err    error
}

const parquetBatch = 64

// OpenParquet returns a Reader of the Parquet file of size bytes that ra
// reads. Parquet keeps its schema and the offsets of its row groups in a
// footer at the end, so it cannot be read from a stream: a caller with
// only an io.Reader must spool it to a file first (the vault's sealed
// blobs offer an io.ReaderAt through decryption). OpenParquet checks the
// footer and the page headers of each row group against the Options limits
// before parquet-go decodes them. A nil opts means the defaults.
func OpenParquet(ra io.ReaderAt, size int64, opts *Options) (Reader, error) {
	o := opts.withDefaults()
	if err := checkFooter(ra, size, o); err != nil {
		return nil, err
	}
	var f *parquet.File
	err := guard(func() (err error) {
		f, err = parquet.OpenFile(ra, size, parquet.SkipPageIndex(true), parquet.SkipBloomFilters(true))
		return err
	})
	if err != nil {
		return nil, pqError(0, 0, "cannot open", err)
	}
	r := &parquetReader{file: f, ra: ra, size: size, opts: o}
	// parquet-go's types panic on some malformed schemas (Kind of a LIST
	// leaf), so the walk is guarded too.
	if err := guard(func() error { return r.schema(f.Root(), nil, 0, 0, nil) }); err != nil {
		return nil, pqError(0, 0, "schema", err)
	}
	r.row = make(Row, len(r.cols))
	return r, nil
}

// guard runs fn and turns a panic into an error: parquet-go panics on some
// malformed files, and a hostile upload must not crash the vault. The
// reader that saw a panic stays failed.
func guard(fn func() error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			if onPanic != nil {
				onPanic(panicSite())
			}
			err = fmt.Errorf("parquet-go failed on malformed data: %v", p)
		}
	}()
	return fn()
}

// onPanic, when set (by tests), learns the function a recovered panic came
// from, so that a test can fail on panics in tabular's own code, which
// guard would otherwise hide among parquet-go's.
var onPanic func(function string)

// panicSite returns the function that panicked: the first frame of the
// panicking stack outside the runtime.
func panicSite() string {
	pcs := make([]uintptr, 32)
	frames := runtime.CallersFrames(pcs[:runtime.Callers(3, pcs)])
	for {
		f, more := frames.Next()
		if !strings.HasPrefix(f.Function, "runtime.") || !more {
			return f.Function
		}
	}
}

func pqError(rowGroup int, record int64, msg string, err error) error {
	e := &Error{Format: Parquet, RowGroup: rowGroup, Record: record, Msg: msg, Err: ErrMalformed}
	if err != nil {
		var te *Error
		switch {
		case errors.As(err, &te):
			return te
		case errors.Is(err, ErrLimit):
			e.Err = ErrLimit
		default:
			// parquet-go's message names what is wrong (a column, a page);
			// it does not carry cell values.
			e.Msg += ": " + err.Error()
		}
	}
	return e
}

// schema walks the schema tree and adds a column per leaf, in Parquet's
// column order.
func (r *parquetReader) schema(c *parquet.Column, path []string, rep, def int, defAt []int) error {
	if c.Optional() {
		def++
	}
	if c.Repeated() {
		def++
		rep++
		defAt = append(defAt[:len(defAt):len(defAt)], def)
	}
	if !c.Leaf() {
		for _, k := range c.Columns() {
			p := append(path[:len(path):len(path)], k.Name())
			if err := r.schema(k, p, rep, def, defAt); err != nil {
				return err
			}
		}
		return nil
	}
	if len(r.cols) >= r.opts.MaxColumns {
		return &Error{Format: Parquet, Msg: fmt.Sprintf("more than %d columns", r.opts.MaxColumns), Err: ErrLimit}
	}
	if c.Index() != len(r.cols) {
		return pqError(0, 0, "schema leaves out of order", nil)
	}
	l, logical := classify(c.Type())
	l.optional, l.maxRep, l.maxDef, l.defAt = def > 0, rep, def, defAt
	kind := l.kind
	if rep > 0 {
		kind = JSON
	}
	r.leaves = append(r.leaves, l)
	r.cols = append(r.cols, Column{Name: joinPath(path), Path: path, Type: kind, Logical: logical, pq: l})
	return nil
}

func (r *parquetReader) Format() string    { return Parquet }
func (r *parquetReader) Options() Options  { return r.opts }
func (r *parquetReader) Columns() []Column { return r.cols }
func (r *parquetReader) Record() int64     { return r.record }
func (r *parquetReader) Line() int64       { return 0 }

func (r *parquetReader) Read() (Row, error) {
	if r.err != nil {
		return nil, r.err
	}
	for r.i >= r.n {
		if err := r.nextBatch(); err != nil {
			r.err = err
			return nil, err
		}
	}
	prow := r.batch[r.i]
	r.i++
	r.record++
	if err := guard(func() error { return r.convert(prow) }); err != nil {
		r.err = pqError(r.rg, r.record, "read", err)
		return nil, r.err
	}
	return r.row, nil
}

// nextBatch decodes the next rows, opening the next row group (after its
// preflight) when the current one is done.
func (r *parquetReader) nextBatch() error {
	groups := r.file.RowGroups()
	if r.rows == nil {
		if r.rg >= len(groups) {
			return io.EOF
		}
		if err := r.preflight(r.rg); err != nil {
			return err
		}
		g := groups[r.rg]
		r.rg++
		if err := guard(func() error { r.rows = g.Rows(); return nil }); err != nil {
			return pqError(r.rg, 0, "read", err)
		}
		if r.batch == nil {
			r.batch = make([]parquet.Row, parquetBatch)
		}
	}
	var n int
	err := guard(func() (err error) {
		n, err = r.rows.ReadRows(r.batch)
		return err
	})
	r.n, r.i = n, 0
	if err == io.EOF {
		closeErr := guard(r.rows.Close)
		r.rows = nil
		if closeErr != nil {
			return pqError(r.rg, r.record+int64(n)+1, "read", closeErr)
		}
		return nil
	}
	if err != nil {
		return pqError(r.rg, r.record+1, "read", err)
	}
	return nil
}

// convert fills r.row from one Parquet row, whose values come in column
// order, one per column unless the column is repeated.
func (r *parquetReader) convert(prow parquet.Row) error {
	clear(r.row)
	r.text = r.text[:0]
	for j := 0; j < len(prow); {
		c := prow[j].Column()
		k := j + 1
		for k < len(prow) && prow[k].Column() == c {
			k++
		}
		vals := prow[j:k]
		j = k
		if c < 0 || c >= len(r.leaves) {
			return pqError(r.rg, r.record, "value of an unknown column", nil)
		}
		l := r.leaves[c]
		if l.maxRep > 0 {
			v, err := r.array(l, vals)
			if err != nil {
				return r.cellError(c, err)
			}
			r.row[c] = v
			continue
		}
		if len(vals) != 1 {
			return r.cellError(c, errors.New("several values in a column that does not repeat"))
		}
		if vals[0].IsNull() || vals[0].DefinitionLevel() < l.maxDef {
			continue
		}
		v, err := r.decode(l, vals[0], &r.text)
		if err != nil {
			return r.cellError(c, err)
		}
		r.row[c] = v
	}
	return nil
}

func (r *parquetReader) cellError(col int, err error) error {
	return &Error{Format: Parquet, RowGroup: r.rg, Record: r.record, Column: r.cols[col].Name,
		Msg: err.Error(), Err: ErrMalformed}
}
