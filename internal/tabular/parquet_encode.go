package tabular

import (
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/deprecated"
)

// Errors of encode name kinds and types, never the value.
var errRange = errors.New("value out of range for the column")

func kindError(v Value, l *pqLeaf) error {
	return fmt.Errorf("cannot store a %s cell in column type %s", v.kind, l.typ)
}

// encode turns a non-null cell into a value of leaf l. Byte arrays are
// appended to pw.buf, which is reset per batch; a value keeps pointing at
// the old array when buf grows, which still holds its bytes.
func (pw *parquetWriter) encode(l *pqLeaf, v Value) (parquet.Value, error) {
	switch l.conv {
	case pqBool:
		if v.kind != Bool {
			return parquet.Value{}, kindError(v, l)
		}
		return parquet.BooleanValue(v.Bool()), nil
	case pqInt32, pqUint32, pqInt64, pqUint64:
		return encodeInt(l, v)
	case pqFloat32, pqDouble, pqFloat16:
		return pw.encodeFloat(l, v)
	case pqBytes, pqJSON:
		start := len(pw.buf)
		pw.buf = v.AppendText(pw.buf)
		return fixedOrBytes(l, pw.buf[start:])
	}
	if v.kind == Int {
		return encodeUnits(l, v.Int())
	}
	if v.kind != String {
		return parquet.Value{}, kindError(v, l)
	}
	return pw.encodeText(l, string(v.b))
}

func fixedOrBytes(l *pqLeaf, b []byte) (parquet.Value, error) {
	if l.typ.Kind() != parquet.FixedLenByteArray {
		return parquet.ByteArrayValue(b), nil
	}
	if len(b) != l.typ.Length() {
		return parquet.Value{}, fmt.Errorf("value is not %d bytes long", l.typ.Length())
	}
	return parquet.FixedLenByteArrayValue(b), nil
}

// intRange is the range a leaf's integers must fall in.
func intRange(l *pqLeaf) (lo int64, hi uint64) {
	bits := l.bits
	if bits == 0 {
		bits = l.typ.Length()
	}
	if l.conv == pqUint32 || l.conv == pqUint64 {
		return 0, 1<<bits - 1
	}
	return -1 << (bits - 1), 1<<(bits-1) - 1
}

func encodeInt(l *pqLeaf, v Value) (parquet.Value, error) {
	var i int64
	var u uint64
	neg := false
	switch f := v.Float(); v.kind {
	case Int:
		i = v.Int()
		neg, u = i < 0, uint64(i)
	case Float:
		if f != math.Trunc(f) || f < -(1<<63) || f >= 1<<64 {
			return parquet.Value{}, errRange
		}
		if f < 0 {
			i, neg = int64(f), true
		} else {
			u = uint64(f)
			i = int64(u)
		}
	case String:
		// A UINT64 cell above MaxInt64 reads as its decimal text.
		var err error
		if u, err = strconv.ParseUint(string(v.b), 10, 64); err != nil || l.conv != pqUint64 {
			return parquet.Value{}, kindError(v, l)
		}
		i = int64(u)
	default:
		return parquet.Value{}, kindError(v, l)
	}
	lo, hi := intRange(l)
	if (neg && i < lo) || (!neg && u > hi) {
		return parquet.Value{}, errRange
	}
	if l.typ.Kind() == parquet.Int32 {
		return parquet.Int32Value(int32(i)), nil
	}
	return parquet.Int64Value(i), nil
}

func (pw *parquetWriter) encodeFloat(l *pqLeaf, v Value) (parquet.Value, error) {
	if v.kind != Float && v.kind != Int {
		return parquet.Value{}, kindError(v, l)
	}
	f := v.Float()
	switch l.conv {
	case pqFloat32:
		return parquet.FloatValue(float32(f)), nil
	case pqDouble:
		return parquet.DoubleValue(f), nil
	}
	start := len(pw.buf)
	pw.buf = binary.LittleEndian.AppendUint16(pw.buf, floatToHalf(float32(f)))
	return parquet.FixedLenByteArrayValue(pw.buf[start:]), nil
}

// encodeUnits stores an Int in a DATE, TIME, TIMESTAMP or DECIMAL column
// as its raw count of days, units or unscaled digits.
func encodeUnits(l *pqLeaf, n int64) (parquet.Value, error) {
	switch {
	case l.conv == pqDecimal:
		x := big.NewInt(n)
		return decimalValue(l, x.Mul(x, new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(l.scale)), nil)))
	case l.conv == pqInt96 || l.conv == pqUUID:
		return parquet.Value{}, fmt.Errorf("cannot store an int cell in column type %s", l.typ)
	case l.typ.Kind() == parquet.Int32:
		if n < math.MinInt32 || n > math.MaxInt32 {
			return parquet.Value{}, errRange
		}
		return parquet.Int32Value(int32(n)), nil
	}
	return parquet.Int64Value(n), nil
}

// encodeText parses the text forms that decode produces.
func (pw *parquetWriter) encodeText(l *pqLeaf, s string) (parquet.Value, error) {
	switch l.conv {
	case pqDate:
		t, err := time.Parse(layoutDate, s)
		if err != nil {
			return parquet.Value{}, errors.New("not a date (want 2006-01-02)")
		}
		return encodeUnits(l, floorDiv(t.Unix(), 86400))
	case pqTime:
		t, err := time.Parse(layoutTime, s)
		if err != nil {
			return parquet.Value{}, errors.New("not a time of day (want 15:04:05.999999999)")
		}
		sec := int64(t.Hour()*3600 + t.Minute()*60 + t.Second())
		return encodeUnits(l, sec*l.perSec+int64(t.Nanosecond())/(1e9/l.perSec))
	case pqTimestamp, pqInt96:
		t, err := time.Parse(layoutUTC, s)
		if err != nil {
			if t, err = time.Parse(layoutLocal, s); err != nil {
				return parquet.Value{}, errors.New("not an RFC 3339 timestamp")
			}
		}
		if l.conv == pqInt96 {
			return int96Value(t), nil
		}
		return timestampValue(l, t)
	case pqUUID:
		b, err := hex.DecodeString(strings.ReplaceAll(s, "-", ""))
		if err != nil || len(b) != 16 || len(s) != 36 {
			return parquet.Value{}, errors.New("not a UUID")
		}
		return parquet.FixedLenByteArrayValue(b), nil
	case pqDecimal:
		x, err := parseDecimal(s, l.scale)
		if err != nil {
			return parquet.Value{}, err
		}
		return decimalValue(l, x)
	}
	return parquet.Value{}, errors.New("unsupported type")
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func timestampValue(l *pqLeaf, t time.Time) (parquet.Value, error) {
	sec, frac := t.Unix(), int64(t.Nanosecond())/(1e9/l.perSec)
	if sec > math.MaxInt64/l.perSec-1 || sec < math.MinInt64/l.perSec+1 {
		return parquet.Value{}, errRange
	}
	return parquet.Int64Value(sec*l.perSec + frac), nil
}

func int96Value(t time.Time) parquet.Value {
	sec := t.Unix()
	day := floorDiv(sec, 86400)
	nanos := uint64(sec-day*86400)*1e9 + uint64(t.Nanosecond())
	return parquet.Int96Value(deprecated.Int96{uint32(nanos), uint32(nanos >> 32), uint32(day + julianUnixDays)})
}

// parseDecimal parses -?digits[.digits] with at most scale fraction
// digits into the unscaled integer.
func parseDecimal(s string, scale int) (*big.Int, error) {
	errDec := errors.New("not a decimal with at most the column's scale of fraction digits")
	intPart, frac, _ := strings.Cut(s, ".")
	sign := ""
	if strings.HasPrefix(intPart, "-") {
		sign, intPart = "-", intPart[1:]
	}
	if len(frac) > scale || intPart == "" || !allDigits(intPart) || !allDigits(frac) ||
		(strings.Contains(s, ".") && frac == "") || len(s) > 2*maxDecimalScale+2 {
		return nil, errDec
	}
	x, ok := new(big.Int).SetString(sign+intPart+frac+strings.Repeat("0", scale-len(frac)), 10)
	if !ok {
		return nil, errDec
	}
	return x, nil
}

func allDigits(s string) bool {
	for _, c := range []byte(s) {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// decimalValue stores an unscaled decimal in the leaf's physical type:
// INT32, INT64, or big-endian two's complement bytes.
func decimalValue(l *pqLeaf, x *big.Int) (parquet.Value, error) {
	switch l.typ.Kind() {
	case parquet.Int32, parquet.Int64:
		if !x.IsInt64() {
			return parquet.Value{}, errRange
		}
		return encodeUnits(&pqLeaf{typ: l.typ, conv: pqInt64}, x.Int64())
	}
	n := x.BitLen()/8 + 1
	y := x
	if x.Sign() < 0 {
		y = new(big.Int).Add(x, new(big.Int).Lsh(big.NewInt(1), uint(8*n)))
	}
	b := y.FillBytes(make([]byte, n))
	if l.typ.Kind() == parquet.ByteArray {
		return parquet.ByteArrayValue(b), nil
	}
	size := l.typ.Length()
	if n > size {
		return parquet.Value{}, errRange
	}
	fixed := make([]byte, size)
	if x.Sign() < 0 {
		for i := range fixed {
			fixed[i] = 0xFF
		}
	}
	copy(fixed[size-n:], b)
	return parquet.FixedLenByteArrayValue(fixed), nil
}

// floatToHalf converts a float32 to IEEE 754 binary16, rounding to
// nearest even.
func floatToHalf(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	e := int(b>>23) & 0xFF
	frac := b & 0x7FFFFF
	switch exp := e - 127 + 15; {
	case e == 0xFF && frac != 0:
		return sign | 0x7E00
	case e == 0xFF || exp >= 0x1F:
		return sign | 0x7C00
	case exp <= 0:
		if exp < -10 {
			return sign
		}
		frac |= 0x800000
		shift := uint(14 - exp)
		h := uint16(frac >> shift)
		rem, half := frac&(1<<shift-1), uint32(1)<<(shift-1)
		if rem > half || (rem == half && h&1 == 1) {
			h++
		}
		return sign | h
	default:
		h := sign | uint16(exp)<<10 | uint16(frac>>13)
		if rem := frac & 0x1FFF; rem > 0x1000 || (rem == 0x1000 && h&1 == 1) {
			h++
		}
		return h
	}
}
