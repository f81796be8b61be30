package tabular

import (
	"bytes"
	"fmt"
	"log/slog"
	"math"
	"strconv"
)

// Kind is the type of one cell.
type Kind uint8

const (
	Null   Kind = iota // no value: JSON null, an absent JSONL key, a Parquet null
	String             // text or bytes; every CSV cell
	Int                // a 64-bit signed integer
	Float              // a 64-bit IEEE 754 float
	Bool               // true or false
	JSON               // raw JSON text: a JSONL array, a repeated Parquet column
)

var kindNames = [...]string{"null", "string", "int", "float", "bool", "json"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Value is one cell. The zero Value is Null.
//
// A Value returned by a Reader may point into the Reader's buffers: it is
// valid until the next call to Read. Clone it to keep it longer.
//
// Cells can hold personal data, so a Value prints as its kind and size
// only (Format, LogValue) and has no String method: a value that prints
// itself ends up in logs and error messages by accident. AppendText and
// Bytes give the content to code that means to look at it.
type Value struct {
	// b holds the bytes of a String or JSON value. For an Int or Float read
	// from JSON Lines it holds the number as written, so that a row written
	// back unchanged keeps "1.50" rather than becoming "1.5".
	b    []byte
	bits uint64 // Int, Float (IEEE bits) and Bool (0 or 1)
	kind Kind
}

// StringValue returns a String value that shares b (it does not copy).
func StringValue(b []byte) Value { return Value{b: b, kind: String} }

// IntValue returns an Int value.
func IntValue(i int64) Value { return Value{bits: uint64(i), kind: Int} }

// FloatValue returns a Float value.
func FloatValue(f float64) Value { return Value{bits: math.Float64bits(f), kind: Float} }

// BoolValue returns a Bool value.
func BoolValue(v bool) Value {
	if v {
		return Value{bits: 1, kind: Bool}
	}
	return Value{kind: Bool}
}

// JSONValue returns a JSON value holding the JSON text b (shared, not
// copied). Writers check that b is valid JSON before they emit it.
func JSONValue(b []byte) Value { return Value{b: b, kind: JSON} }

// numberValue is an Int or Float read from JSON that keeps its literal.
func numberValue(k Kind, bits uint64, lit []byte) Value { return Value{b: lit, bits: bits, kind: k} }

// Format prints v's kind and size, never its content, so that a cell
// handed to fmt or a logger by mistake does not leak (%v of a Row too).
func (v Value) Format(f fmt.State, _ rune) {
	if v.kind == String || v.kind == JSON {
		fmt.Fprintf(f, "%s(%d bytes)", v.kind, len(v.b))
		return
	}
	fmt.Fprint(f, v.kind.String())
}

// LogValue gives log/slog the same redacted form as Format.
func (v Value) LogValue() slog.Value { return slog.StringValue(fmt.Sprint(v)) }

// Kind returns the type of v.
func (v Value) Kind() Kind { return v.kind }

// IsNull reports whether v is Null.
func (v Value) IsNull() bool { return v.kind == Null }

// Bytes returns the bytes of a String or JSON value, and nil for other
// kinds. The slice shares memory with v.
func (v Value) Bytes() []byte {
	if v.kind == String || v.kind == JSON {
		return v.b
	}
	return nil
}

// Int returns the integer of an Int value, and 0 for other kinds.
func (v Value) Int() int64 {
	if v.kind != Int {
		return 0
	}
	return int64(v.bits)
}

// Float returns the number of a Float or Int value, and 0 for other kinds.
func (v Value) Float() float64 {
	switch v.kind {
	case Float:
		return math.Float64frombits(v.bits)
	case Int:
		return float64(int64(v.bits))
	}
	return 0
}

// Bool returns the truth of a Bool value, and false for other kinds.
func (v Value) Bool() bool { return v.kind == Bool && v.bits != 0 }

// AppendText appends the text of v to dst and returns the extended slice:
// the bytes of a String or JSON value, a number as read (JSON Lines) or in
// strconv's shortest form, "true" or "false", and nothing for Null. It does
// not allocate when dst has room, which is what a scanner that looks at
// every cell needs.
func (v Value) AppendText(dst []byte) []byte {
	switch v.kind {
	case String, JSON:
		return append(dst, v.b...)
	case Int:
		if v.b != nil {
			return append(dst, v.b...)
		}
		return strconv.AppendInt(dst, int64(v.bits), 10)
	case Float:
		if v.b != nil {
			return append(dst, v.b...)
		}
		return strconv.AppendFloat(dst, math.Float64frombits(v.bits), 'g', -1, 64)
	case Bool:
		return strconv.AppendBool(dst, v.bits != 0)
	}
	return dst
}

// Equal reports whether v and w are the same cell: the same kind and the
// same value. The literal a JSON number was written with does not count
// (1.50 equals 1.5), and NaN equals NaN so that a row equals itself.
func (v Value) Equal(w Value) bool {
	if v.kind != w.kind {
		return false
	}
	switch v.kind {
	case String, JSON:
		return bytes.Equal(v.b, w.b)
	case Float:
		a, b := math.Float64frombits(v.bits), math.Float64frombits(w.bits)
		return a == b || (math.IsNaN(a) && math.IsNaN(b))
	}
	return v.bits == w.bits
}

// Clone returns a copy of v that shares no memory with a Reader.
func (v Value) Clone() Value {
	if v.b != nil {
		v.b = bytes.Clone(v.b)
	}
	return v
}

// Row is one record: Row[i] is the cell of Columns()[i]. A Row returned by
// a Reader is valid until the next call to Read; Clone keeps it longer.
type Row []Value

// Clone returns a deep copy of r with all cell bytes in one allocation.
func (r Row) Clone() Row {
	n := 0
	for _, v := range r {
		n += len(v.b)
	}
	buf := make([]byte, 0, n)
	out := make(Row, len(r))
	for i, v := range r {
		if v.b != nil {
			start := len(buf)
			buf = append(buf, v.b...)
			v.b = buf[start:len(buf):len(buf)]
		}
		out[i] = v
	}
	return out
}

// Equal reports whether r and s have the same length and equal cells.
func (r Row) Equal(s Row) bool {
	if len(r) != len(s) {
		return false
	}
	for i := range r {
		if !r[i].Equal(s[i]) {
			return false
		}
	}
	return true
}
