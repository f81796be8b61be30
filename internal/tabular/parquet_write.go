package tabular

import (
	"fmt"
	"io"
	"reflect"
	"slices"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
	"github.com/parquet-go/parquet-go/encoding"
)

// parquetWriter writes rows as one Snappy-compressed Parquet file. A
// column that came from a Parquet reader keeps its exact leaf type (INT32
// stays INT32, DATE stays DATE) unless it is repeated or its Type was
// changed; other columns are optional STRING, INT64, DOUBLE, BOOLEAN or
// JSON by Type. Columns nest into groups by Path and keep their order.
type parquetWriter struct {
	out    io.Writer
	opts   Options
	w      *parquet.GenericWriter[any] // made at the first Write or Close, after any Grow
	schema *parquet.Schema
	cols   []Column
	leaves []wleaf       // in Parquet column order
	batch  []parquet.Row // rows waiting for parquet-go, each slice reused
	n      int           // rows in batch
	buf    []byte        // encoded byte-array values of the batch
	size   int64         // approximate bytes buffered in the current row group
	record int64
	err    error
}

type wleaf struct {
	col      int // index in cols
	l        *pqLeaf
	optional bool
}

// rowGroupBytes is roughly how much cell data makes one row group:
// parquet-go keeps a row group's pages in memory until it is flushed.
const rowGroupBytes = 64 << 20

func newParquetWriter(w io.Writer, cols []Column, o Options) (*parquetWriter, error) {
	pw := &parquetWriter{out: w, opts: o}
	if err := pw.setColumns(cols); err != nil {
		return nil, err
	}
	return pw, nil
}

func (pw *parquetWriter) errorf(col string, lim bool, format string, args ...any) *Error {
	e := &Error{Format: Parquet, Record: pw.record, Column: col, Msg: fmt.Sprintf(format, args...), Err: ErrInvalid}
	if lim {
		e.Err = ErrLimit
	}
	return e
}

// pnode is a node of the output schema while it is built.
type pnode struct {
	name   string
	col    int // -1 for a group
	kids   []*pnode
	byName map[string]*pnode
}

func (pw *parquetWriter) setColumns(cols []Column) error {
	if len(cols) == 0 {
		return pw.errorf("", false, "no columns")
	}
	root := &pnode{col: -1}
	for i := range cols {
		if err := pw.insert(root, cols, i); err != nil {
			return err
		}
	}
	pw.cols, pw.leaves = slices.Clone(cols), nil
	pw.schema = parquet.NewSchema("tabular", pw.build(root))
	return nil
}

// start makes the parquet-go writer.
func (pw *parquetWriter) start() error {
	if pw.w != nil {
		return nil
	}
	err := guard(func() error {
		pw.w = parquet.NewGenericWriter[any](pw.out, pw.schema,
			parquet.Compression(&parquet.Snappy), parquet.CreatedBy("coffer", "", ""))
		return nil
	})
	if err != nil {
		pw.err = pw.errorf("", false, "schema rejected: %v", err)
	}
	return pw.err
}

// insert adds column i under root by its path.
func (pw *parquetWriter) insert(root *pnode, cols []Column, i int) error {
	n := root
	path := cols[i].path()
	for j, name := range path {
		kid := n.byName[name]
		if kid == nil {
			kid = &pnode{name: name, col: -1}
			if n.byName == nil {
				n.byName = make(map[string]*pnode)
			}
			n.byName[name] = kid
			n.kids = append(n.kids, kid)
		}
		if kid.col >= 0 || (j == len(path)-1 && len(kid.kids) > 0) {
			return pw.errorf(cols[i].Name, false, "a column path is both a value and a group, or used twice")
		}
		n = kid
	}
	n.col = i
	return nil
}

// build turns the tree into parquet-go nodes and records the leaves in
// the order parquet-go numbers them (depth first).
func (pw *parquetWriter) build(n *pnode) parquet.Node {
	if n.col >= 0 {
		l, optional := leafFor(&pw.cols[n.col])
		pw.leaves = append(pw.leaves, wleaf{col: n.col, l: l, optional: optional})
		node := parquet.Leaf(l.typ)
		if optional {
			return parquet.Optional(node)
		}
		return parquet.Required(node)
	}
	g := &orderedGroup{}
	for _, k := range n.kids {
		g.fields = append(g.fields, &namedField{Node: pw.build(k), name: k.name})
	}
	return g
}

// leafFor returns the conversion of a column and whether it is optional.
func leafFor(c *Column) (*pqLeaf, bool) {
	if c.pq != nil && c.pq.maxRep == 0 && c.Type == c.pq.kind {
		l := *c.pq
		return &l, c.pq.optional
	}
	var t parquet.Type
	switch c.Type {
	case Int:
		t = parquet.Int(64).Type()
	case Float:
		t = parquet.DoubleType
	case Bool:
		t = parquet.BooleanType
	case JSON:
		t = parquet.JSON().Type()
	default:
		t = parquet.String().Type()
	}
	l, _ := classify(t)
	return l, true
}

// orderedGroup is a required group whose fields keep the order they were
// given: parquet.Group is a map and sorts them by name.
type orderedGroup struct{ fields []parquet.Field }

func (g *orderedGroup) ID() int                         { return 0 }
func (g *orderedGroup) String() string                  { return "group" }
func (g *orderedGroup) Type() parquet.Type              { return parquet.Group{}.Type() }
func (g *orderedGroup) Optional() bool                  { return false }
func (g *orderedGroup) Repeated() bool                  { return false }
func (g *orderedGroup) Required() bool                  { return true }
func (g *orderedGroup) Leaf() bool                      { return false }
func (g *orderedGroup) Fields() []parquet.Field         { return g.fields }
func (g *orderedGroup) Encoding() encoding.Encoding     { return nil }
func (g *orderedGroup) Compression() compress.Codec     { return nil }
func (g *orderedGroup) GoType() reflect.Type            { return reflect.TypeFor[map[string]any]() }
func (f *namedField) Name() string                      { return f.name }
func (f *namedField) Value(reflect.Value) reflect.Value { return reflect.Value{} }

type namedField struct {
	parquet.Node
	name string
}

func (pw *parquetWriter) Grow(cols []Column) error {
	if pw.w != nil {
		return pw.errorf("", false, "cannot add columns after the first row")
	}
	if !hasPrefix(cols, pw.cols) {
		return pw.errorf("", false, "new columns must begin with the current ones")
	}
	return pw.setColumns(cols)
}

func (pw *parquetWriter) Write(row Row) error {
	if err := pw.start(); err != nil {
		return err
	}
	pw.record++
	if len(row) != len(pw.cols) {
		return pw.errorf("", false, "row has %s, the writer has %s", plural(len(row), "cell"), plural(len(pw.cols), "column"))
	}
	if pw.batch == nil {
		pw.batch = make([]parquet.Row, parquetBatch)
	}
	prow := pw.batch[pw.n][:0]
	for i, wl := range pw.leaves {
		v := row[wl.col]
		if v.IsNull() {
			if !wl.optional {
				return pw.errorf(pw.cols[wl.col].Name, false, "null in a required column")
			}
			prow = append(prow, parquet.NullValue().Level(0, 0, i))
			continue
		}
		pv, err := pw.encode(wl.l, v)
		if err != nil {
			return pw.errorf(pw.cols[wl.col].Name, false, "%v", err)
		}
		def := 0
		if wl.optional {
			def = 1
		}
		prow = append(prow, pv.Level(0, def, i))
		pw.size += int64(len(v.b)) + 8
	}
	pw.batch[pw.n] = prow
	if pw.n++; pw.n == len(pw.batch) {
		return pw.flush()
	}
	return nil
}

// flush hands the batch to parquet-go (once per batch: its per-call cost
// is most of the write time for single rows) and cuts a row group when
// enough data is buffered.
func (pw *parquetWriter) flush() error {
	if pw.n == 0 {
		return nil
	}
	err := guard(func() error {
		_, err := pw.w.WriteRows(pw.batch[:pw.n])
		if err == nil && pw.size > rowGroupBytes {
			pw.size = 0
			err = pw.w.Flush()
		}
		return err
	})
	pw.n, pw.buf = 0, pw.buf[:0]
	if err != nil {
		pw.err = &Error{Format: Parquet, Record: pw.record, Msg: "write", Err: err}
	}
	return pw.err
}

func (pw *parquetWriter) Close() error {
	if err := pw.start(); err != nil {
		return err
	}
	if err := pw.flush(); err != nil {
		return err
	}
	if err := guard(pw.w.Close); err != nil {
		pw.err = &Error{Format: Parquet, Msg: "write", Err: err}
	}
	return pw.err
}
