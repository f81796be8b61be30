package tabular

import (
	"encoding/binary"
	"errors"
)

// thriftWalker checks a Thrift compact-protocol struct (a Parquet footer
// or page header) before parquet-go decodes it. parquet-go allocates what
// a length or count field claims before reading the elements, so a few
// hostile bytes could ask for gigabytes; the walker proves every count
// fits in the bytes that follow and estimates what decoding will allocate,
// in O(len(b)) time and no memory.
type thriftWalker struct {
	b      []byte
	p      int
	budget int64 // estimated bytes of decoded structs still allowed

	// Captured from a page header: fields 1 to 3 at the top level, field 1
	// (num_values) of the data, dictionary or v2 data page header, and the
	// level lengths and is_compressed flag of a v2 data page header.
	pageType, uncompressed, compressed, values int64
	levels                                     int64
	v2Uncompressed                             bool
}

var (
	errThriftShort  = errors.New("truncated")
	errThriftBad    = errors.New("malformed")
	errThriftBudget = errors.New("too large to decode")
)

// Costs charged to the budget, rough upper bounds of parquet-go's decoded
// forms (a format.ColumnChunk with its metadata is several hundred bytes).
const (
	costStruct  = 512
	costElement = 16
)

const (
	tStop = iota
	tTrue
	tFalse
	tI8
	tI16
	tI32
	tI64
	tDouble
	tBinary
	tList
	tSet
	tMap
	tStruct
)

func (w *thriftWalker) charge(n int64) error {
	if w.budget -= n; w.budget < 0 {
		return errThriftBudget
	}
	return nil
}

func (w *thriftWalker) byte() (byte, error) {
	if w.p >= len(w.b) {
		return 0, errThriftShort
	}
	w.p++
	return w.b[w.p-1], nil
}

func (w *thriftWalker) uvarint() (uint64, error) {
	v, n := binary.Uvarint(w.b[w.p:])
	switch {
	case n == 0:
		return 0, errThriftShort
	case n < 0:
		return 0, errThriftBad
	}
	w.p += n
	return v, nil
}

// count reads a length or element count and checks that at least
// minSize bytes per element remain.
func (w *thriftWalker) count(minSize int) (int, error) {
	n, err := w.uvarint()
	if err != nil {
		return 0, err
	}
	if n > uint64(len(w.b)-w.p)/uint64(max(minSize, 1)) {
		return 0, errThriftShort
	}
	return int(n), nil
}

// structure walks a struct up to its stop field. parent is the field id
// that holds it (0 at the top).
func (w *thriftWalker) structure(depth int, parent int16) error {
	if depth > MaxDepth {
		return errThriftBad
	}
	if err := w.charge(costStruct); err != nil {
		return err
	}
	var id int16
	for {
		h, err := w.byte()
		if err != nil {
			return err
		}
		if h == tStop {
			return nil
		}
		if delta := h >> 4; delta != 0 {
			id += int16(delta)
		} else {
			v, err := w.uvarint()
			if err != nil {
				return err
			}
			id = int16(v>>1) ^ -int16(v&1)
		}
		start := w.p
		if err := w.value(h&0x0F, depth, id); err != nil {
			return err
		}
		w.capture(depth, parent, id, h&0x0F, start)
	}
}

// capture keeps the page header fields preflight needs.
func (w *thriftWalker) capture(depth int, parent, id int16, typ byte, start int) {
	if depth == 1 && parent == 8 && id == 7 && typ == tFalse {
		w.v2Uncompressed = true
	}
	if typ != tI32 {
		return
	}
	u, _ := binary.Uvarint(w.b[start:w.p])
	v := int64(int32(uint32(u>>1) ^ -uint32(u&1)))
	switch {
	case depth == 0 && id == 1:
		w.pageType = v
	case depth == 0 && id == 2:
		w.uncompressed = v
	case depth == 0 && id == 3:
		w.compressed = v
	case depth == 1 && id == 1 && (parent == 5 || parent == 7 || parent == 8):
		w.values = v
	case depth == 1 && parent == 8 && (id == 5 || id == 6):
		w.levels += v
	}
}

// value walks one value of type typ.
func (w *thriftWalker) value(typ byte, depth int, id int16) error {
	switch typ {
	case tTrue, tFalse:
		return nil
	case tI8:
		_, err := w.byte()
		return err
	case tI16, tI32, tI64:
		_, err := w.uvarint()
		return err
	case tDouble:
		if len(w.b)-w.p < 8 {
			return errThriftShort
		}
		w.p += 8
		return nil
	case tBinary:
		n, err := w.count(1)
		if err == nil {
			w.p += n
			err = w.charge(int64(n) + costElement)
		}
		return err
	case tList, tSet:
		return w.list(depth)
	case tMap:
		return w.mapping(depth)
	case tStruct:
		return w.structure(depth+1, id)
	}
	return errThriftBad
}

func (w *thriftWalker) list(depth int) error {
	h, err := w.byte()
	if err != nil {
		return err
	}
	n := int(h >> 4)
	if n == 15 {
		if n, err = w.count(1); err != nil {
			return err
		}
	}
	if err := w.charge(int64(n) * costElement); err != nil {
		return err
	}
	for range n {
		// Booleans in a list take a byte each, unlike in a struct.
		if t := h & 0x0F; t == tTrue || t == tFalse {
			if _, err := w.byte(); err != nil {
				return err
			}
			continue
		}
		if err := w.value(h&0x0F, depth+1, 0); err != nil {
			return err
		}
	}
	return nil
}

func (w *thriftWalker) mapping(depth int) error {
	n, err := w.count(2)
	if err != nil || n == 0 {
		return err
	}
	kv, err := w.byte()
	if err != nil {
		return err
	}
	if err := w.charge(int64(n) * 2 * costElement); err != nil {
		return err
	}
	for range n {
		for _, t := range [2]byte{kv >> 4, kv & 0x0F} {
			if t == tTrue || t == tFalse {
				if _, err := w.byte(); err != nil {
					return err
				}
				continue
			}
			if err := w.value(t, depth+1, 0); err != nil {
				return err
			}
		}
	}
	return nil
}
