package tabular

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"math"
	"math/big"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/parquet-go/parquet-go"
)

// maxDecimalBytes bounds a byte-array DECIMAL (256 bits): converting a
// longer one to text costs time quadratic in its length.
const maxDecimalBytes = 32

// decode turns one non-null Parquet value into a cell. Text forms are
// appended to *text, which is reset per row; earlier cells keep pointing
// at its old array when it grows.
func (r *parquetReader) decode(l *pqLeaf, v parquet.Value, text *[]byte) (Value, error) {
	switch l.conv {
	case pqBool:
		return BoolValue(v.Boolean()), nil
	case pqInt32:
		return IntValue(int64(v.Int32())), nil
	case pqUint32:
		return IntValue(int64(uint32(v.Int32()))), nil
	case pqInt64:
		return IntValue(v.Int64()), nil
	case pqUint64:
		if u := uint64(v.Int64()); u > math.MaxInt64 {
			// Exact as text; a Float would round it.
			start := len(*text)
			*text = strconv.AppendUint(*text, u, 10)
			return StringValue((*text)[start:len(*text):len(*text)]), nil
		}
		return IntValue(v.Int64()), nil
	case pqFloat32:
		return FloatValue(float64(v.Float())), nil
	case pqDouble:
		return FloatValue(v.Double()), nil
	case pqFloat16:
		b := v.ByteArray()
		if len(b) != 2 {
			return Value{}, errors.New("FLOAT16 value is not 2 bytes")
		}
		return FloatValue(float64(halfToFloat(binary.LittleEndian.Uint16(b)))), nil
	case pqBytes, pqJSON:
		b := v.ByteArray()
		if l.conv == pqJSON {
			return JSONValue(b[:len(b):len(b)]), nil
		}
		return StringValue(b[:len(b):len(b)]), nil
	}
	start := len(*text)
	out, err := r.appendText(*text, l, v)
	if err != nil {
		return Value{}, err
	}
	*text = out
	return StringValue(out[start:len(out):len(out)]), nil
}

// appendText appends the text form of a value of a logical type.
func (r *parquetReader) appendText(dst []byte, l *pqLeaf, v parquet.Value) ([]byte, error) {
	switch l.conv {
	case pqDate:
		return unixUnits(int64(v.Int32())*86400, 1).AppendFormat(dst, layoutDate), nil
	case pqTime:
		n := v.Int64()
		if l.typ.Kind() == parquet.Int32 {
			n = int64(v.Int32())
		}
		return unixUnits(n, l.perSec).AppendFormat(dst, layoutTime), nil
	case pqTimestamp:
		layout := layoutLocal
		if l.utc {
			layout = layoutUTC
		}
		return unixUnits(v.Int64(), l.perSec).AppendFormat(dst, layout), nil
	case pqInt96:
		i := v.Int96()
		nanos := uint64(i[1])<<32 | uint64(i[0])
		sec := (int64(i[2])-julianUnixDays)*86400 + int64(nanos/1e9)
		return time.Unix(sec, int64(nanos%1e9)).UTC().AppendFormat(dst, layoutUTC), nil
	case pqUUID:
		return appendUUID(dst, v.ByteArray()), nil
	case pqDecimal:
		return appendDecimalValue(dst, l, v)
	}
	return dst, errors.New("unsupported type")
}

func appendUUID(dst, b []byte) []byte {
	if len(b) != 16 {
		return hex.AppendEncode(dst, b)
	}
	dst = hex.AppendEncode(dst, b[:4])
	for _, part := range [][]byte{b[4:6], b[6:8], b[8:10], b[10:]} {
		dst = append(dst, '-')
		dst = hex.AppendEncode(dst, part)
	}
	return dst
}

func appendDecimalValue(dst []byte, l *pqLeaf, v parquet.Value) ([]byte, error) {
	switch l.typ.Kind() {
	case parquet.Int32:
		return appendDecimal(dst, int64(v.Int32()), l.scale), nil
	case parquet.Int64:
		return appendDecimal(dst, v.Int64(), l.scale), nil
	}
	b := v.ByteArray()
	if len(b) > maxDecimalBytes {
		return dst, errors.New("DECIMAL wider than 256 bits")
	}
	x := new(big.Int).SetBytes(b)
	if len(b) > 0 && b[0]&0x80 != 0 { // two's complement
		x.Sub(x, new(big.Int).Lsh(big.NewInt(1), uint(8*len(b))))
	}
	neg := x.Sign() < 0
	return insertPoint(dst, neg, x.Abs(x).Append(nil, 10), l.scale), nil
}

// appendDecimal appends unscaled × 10^-scale.
func appendDecimal(dst []byte, unscaled int64, scale int) []byte {
	var buf [20]byte
	abs := uint64(unscaled)
	if unscaled < 0 {
		abs = -abs
	}
	return insertPoint(dst, unscaled < 0, strconv.AppendUint(buf[:0], abs, 10), scale)
}

// insertPoint appends the decimal digits with a point scale digits from
// the right, padding with zeros: 5 at scale 3 is 0.005.
func insertPoint(dst []byte, neg bool, digits []byte, scale int) []byte {
	if neg {
		dst = append(dst, '-')
	}
	if scale == 0 {
		return append(dst, digits...)
	}
	if len(digits) > scale {
		dst = append(dst, digits[:len(digits)-scale]...)
		dst = append(dst, '.')
		return append(dst, digits[len(digits)-scale:]...)
	}
	dst = append(dst, '0', '.')
	for range scale - len(digits) {
		dst = append(dst, '0')
	}
	return append(dst, digits...)
}

// halfToFloat converts IEEE 754 binary16 bits to a float32.
func halfToFloat(h uint16) float32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1F
	frac := uint32(h) & 0x3FF
	switch {
	case exp == 0x1F: // infinity or NaN
		return math.Float32frombits(sign | 0xFF<<23 | frac<<13)
	case exp == 0 && frac == 0:
		return math.Float32frombits(sign)
	case exp == 0: // subnormal: frac × 2^-24
		f := float32(frac) / (1 << 24)
		if sign != 0 {
			f = -f
		}
		return f
	}
	return math.Float32frombits(sign | (exp+127-15)<<23 | frac<<13)
}

// array builds the JSON array text of a repeated leaf's values in one
// row, nesting by repetition level. A value whose definition level stops
// short of a repeated node is an empty list there, or a null when it stops
// short of an optional node in between; a row whose top list is absent is
// a Null cell.
func (r *parquetReader) array(l *pqLeaf, vals []parquet.Value) (Value, error) {
	first := vals[0]
	if len(vals) == 1 && first.DefinitionLevel() < l.defAt[0] {
		if first.DefinitionLevel() == l.defAt[0]-1 {
			start := len(r.text)
			r.text = append(r.text, "[]"...)
			return JSONValue(r.text[start:len(r.text):len(r.text)]), nil
		}
		return Value{}, nil
	}
	start := len(r.text)
	out := r.text
	open := 0
	for i, v := range vals {
		rep, def := v.RepetitionLevel(), v.DefinitionLevel()
		if i == 0 {
			rep = 0
		} else if rep < 1 || rep > l.maxRep {
			return Value{}, errors.New("invalid repetition level")
		}
		for ; open > rep; open-- {
			out = append(out, ']')
		}
		if i > 0 {
			out = append(out, ',')
		}
		for open < l.maxRep && def >= l.defAt[open] {
			out = append(out, '[')
			open++
		}
		switch {
		case open < l.maxRep && def == l.defAt[open]-1:
			out = append(out, '[', ']')
		case open < l.maxRep || def < l.maxDef:
			out = append(out, "null"...)
		default:
			var err error
			if out, err = r.appendElement(out, l, v); err != nil {
				return Value{}, err
			}
		}
	}
	for ; open > 0; open-- {
		out = append(out, ']')
	}
	r.text = out
	return JSONValue(out[start:len(out):len(out)]), nil
}

// appendElement appends one array element as JSON.
func (r *parquetReader) appendElement(dst []byte, l *pqLeaf, v parquet.Value) ([]byte, error) {
	r.elem = r.elem[:0]
	c, err := r.decode(l, v, &r.elem)
	if err != nil {
		return dst, err
	}
	switch c.kind {
	case Int, Bool:
		return c.AppendText(dst), nil
	case Float:
		if f := c.Float(); math.IsNaN(f) || math.IsInf(f, 0) {
			return append(dst, "null"...), nil
		}
		return appendJSONFloat(dst, c), nil
	}
	return appendJSONStringLossy(dst, c.b), nil
}

// appendJSONStringLossy quotes b, replacing bytes that are not UTF-8 with
// U+FFFD (a Parquet byte array need not be text).
func appendJSONStringLossy(dst, b []byte) []byte {
	if out, ok := appendJSONString(dst, b); ok {
		return out
	}
	var fixed []byte
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		fixed = utf8.AppendRune(fixed, r)
		b = b[n:]
	}
	out, _ := appendJSONString(dst, fixed)
	return out
}
