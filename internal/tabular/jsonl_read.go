package tabular

import (
	"io"
	"strconv"
)

// jsonlReader reads one JSON object per line and flattens nested objects
// into columns named by their key path. Arrays are kept whole, as JSON
// text, in one cell. Keys are held in a tree of nodes, one per key path,
// so a record costs one map lookup per key and no allocation once its
// columns are known.
type jsonlReader struct {
	input
	opts Options
	scan jsonScanner

	nodes   []jnode // nodes[0] is the record itself
	cols    []Column
	row     Row
	recLine int64
	record  int64
	err     error
}

// jnode is one key path.
type jnode struct {
	kids map[string]int32
	// order is the children in the order the last object here listed
	// them. Records of one file mostly list keys in the same order, so
	// comparing the i-th key with order[i] finds it without hashing.
	order  []int32
	parent int32
	col    int32 // index in cols, or -1 while no scalar was seen here
	key    string
	seen   int64 // the last record that had this key, to catch duplicates
}

func newJSONLReader(src io.Reader, head []byte, o Options) (*jsonlReader, error) {
	r := &jsonlReader{opts: o, nodes: []jnode{{col: -1}}}
	if err := r.init(src, head, JSONL, o.MaxRecordBytes); err != nil {
		return nil, err
	}
	return r, nil
}

func (r *jsonlReader) Format() string    { return JSONL }
func (r *jsonlReader) Options() Options  { return r.opts }
func (r *jsonlReader) Columns() []Column { return r.cols }
func (r *jsonlReader) Record() int64     { return r.record }
func (r *jsonlReader) Line() int64       { return r.recLine }

func (r *jsonlReader) Read() (Row, error) {
	if r.err != nil {
		return nil, r.err
	}
	for {
		line, consumed, err := r.nextLine()
		if err != nil {
			r.err = err
			return nil, err
		}
		r.start += consumed
		r.line++
		if blank(line) {
			continue
		}
		r.recLine = r.line
		if err := r.parse(line); err != nil {
			r.err = err
			return nil, err
		}
		r.record++
		return r.row, nil
	}
}

func blank(line []byte) bool {
	for _, c := range line {
		if c != ' ' && c != '\t' && c != '\r' {
			return false
		}
	}
	return true
}

// parse fills r.row from one line.
func (r *jsonlReader) parse(line []byte) error {
	r.row = r.row[:len(r.cols)]
	clear(r.row)
	s := &r.scan
	s.reset(line)
	s.skipSpace()
	if s.peek() != '{' {
		return r.errorf(r.line, false, "not a JSON object")
	}
	if err := r.object(0, 1); err != nil {
		return r.wrap(err)
	}
	s.skipSpace()
	if s.p != len(s.b) {
		return r.wrap(s.fail("unexpected data after the object"))
	}
	return nil
}

// wrap turns a scanner error into an *Error with the line and the byte.
func (r *jsonlReader) wrap(err error) error {
	if je, ok := err.(*jsonError); ok {
		return r.errorf(r.line, false, "byte %d: %s", je.pos+1, je.msg)
	}
	return err
}

// object reads the object at the scan position, whose key path is node.
func (r *jsonlReader) object(node int32, depth int) error {
	s := &r.scan
	if depth > MaxDepth {
		return s.fail("nested deeper than " + strconv.Itoa(MaxDepth))
	}
	s.p++
	s.skipSpace()
	if s.peek() == '}' {
		s.p++
		return nil
	}
	for i := 0; ; i++ {
		keyPos := s.p
		key, err := s.key()
		if err != nil {
			return err
		}
		kid, err := r.child(node, key, i)
		if err != nil {
			return err
		}
		if r.nodes[kid].seen == r.record+1 {
			return r.errorf(r.line, false, "byte %d: duplicate key %s", keyPos+1,
				strconv.Quote(r.pathName(kid)))
		}
		r.nodes[kid].seen = r.record + 1
		if err := r.value(kid, depth); err != nil {
			return err
		}
		s.skipSpace()
		switch s.peek() {
		case ',':
			s.p++
			s.skipSpace()
		case '}':
			s.p++
			return nil
		default:
			return s.fail("expected , or }")
		}
	}
}

// value reads the value of key path node.
func (r *jsonlReader) value(node int32, depth int) error {
	s := &r.scan
	var v Value
	var err error
	switch c := s.peek(); {
	case c == '{':
		return r.object(node, depth+1)
	case c == '[':
		start := s.p
		if err = s.skipContainer(depth + 1); err == nil {
			v = JSONValue(s.b[start:s.p:s.p])
		}
	case c == '"':
		var b []byte
		b, err = s.string()
		v = StringValue(b)
	case c == 't' || c == 'f' || c == 'n':
		v, err = s.literal()
	case c == '-' || (c >= '0' && c <= '9'):
		v, err = s.number()
	case s.p >= len(s.b):
		err = s.fail("unexpected end of line")
	default:
		err = s.fail("unexpected character")
	}
	if err != nil {
		return err
	}
	return r.set(node, v)
}

// child returns the node of the i-th key of an object at parent, adding
// it if new.
func (r *jsonlReader) child(parent int32, key []byte, i int) (int32, error) {
	p := &r.nodes[parent]
	if i < len(p.order) && r.nodes[p.order[i]].key == string(key) {
		return p.order[i], nil
	}
	if kid, ok := p.kids[string(key)]; ok {
		r.remember(parent, i, kid)
		return kid, nil
	}
	if len(r.nodes) > 2*r.opts.MaxColumns {
		return 0, r.errorf(r.line, true, "more than %d distinct keys", 2*r.opts.MaxColumns)
	}
	kid := int32(len(r.nodes))
	r.nodes = append(r.nodes, jnode{parent: parent, col: -1, key: string(key)})
	if r.nodes[parent].kids == nil {
		r.nodes[parent].kids = make(map[string]int32)
	}
	r.nodes[parent].kids[string(key)] = kid
	r.remember(parent, i, kid)
	return kid, nil
}

// remember notes that the i-th key at parent was kid. order only grows
// when i is its length, so it is never longer than the largest object.
func (r *jsonlReader) remember(parent int32, i int, kid int32) {
	p := &r.nodes[parent]
	switch {
	case i < len(p.order):
		p.order[i] = kid
	case i == len(p.order):
		p.order = append(p.order, kid)
	}
}

// set stores a scalar or array at node, adding its column if new.
func (r *jsonlReader) set(node int32, v Value) error {
	n := &r.nodes[node]
	if n.col < 0 {
		if len(r.cols) >= r.opts.MaxColumns {
			return r.errorf(r.line, true, "more than %d columns", r.opts.MaxColumns)
		}
		n.col = int32(len(r.cols))
		path := r.path(node)
		r.cols = append(r.cols, Column{Name: joinPath(path), Path: path})
		r.row = append(r.row, Value{})
	}
	// Field by field: copying a whole Value stalls on the stores that just
	// built it (see appendCell).
	cell := &r.row[n.col]
	cell.b, cell.bits, cell.kind = v.b, v.bits, v.kind
	if c := &r.cols[n.col]; c.Type != v.kind {
		c.Type = widen(c.Type, v.kind)
	}
	return nil
}

// widen is the column type that covers both t and a cell of kind k.
func widen(t, k Kind) Kind {
	switch {
	case k == Null || t == k:
		return t
	case t == Null:
		return k
	case (t == Int && k == Float) || (t == Float && k == Int):
		return Float
	}
	return String
}

// path returns the keys from the root to node.
func (r *jsonlReader) path(node int32) []string {
	depth := 0
	for n := node; n != 0; n = r.nodes[n].parent {
		depth++
	}
	p := make([]string, depth)
	for n := node; n != 0; n = r.nodes[n].parent {
		depth--
		p[depth] = r.nodes[n].key
	}
	return p
}

func (r *jsonlReader) pathName(node int32) string { return joinPath(r.path(node)) }
