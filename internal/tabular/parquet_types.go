package tabular

import (
	"fmt"
	"time"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/format"
)

// pqConv says how the values of a Parquet leaf become cells and back.
type pqConv uint8

const (
	pqBool      pqConv = iota
	pqInt32            // INT32, INT(8|16|32, signed)
	pqUint32           // INT(8|16|32, unsigned), stored in INT32
	pqInt64            // INT64, INT(64, signed)
	pqUint64           // INT(64, unsigned); above MaxInt64 a cell reads as decimal text
	pqFloat32          // FLOAT
	pqDouble           // DOUBLE
	pqBytes            // BYTE_ARRAY, FIXED_LEN_BYTE_ARRAY: STRING, ENUM, BSON or none
	pqJSON             // BYTE_ARRAY annotated JSON: a JSON cell
	pqDate             // DATE: "2006-01-02"
	pqTime             // TIME: "15:04:05.999999999"
	pqTimestamp        // TIMESTAMP: RFC 3339, with Z when adjusted to UTC
	pqDecimal          // DECIMAL: "-123.45"
	pqUUID             // UUID: "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx"
	pqInt96            // INT96 (legacy Impala/Spark timestamps): RFC 3339 in UTC
	pqFloat16          // FLOAT16
)

// pqLeaf is what tabular knows about one Parquet leaf column.
type pqLeaf struct {
	typ      parquet.Type
	conv     pqConv
	kind     Kind  // the Kind its cells read as
	perSec   int64 // TIME, TIMESTAMP: units per second
	utc      bool  // TIME, TIMESTAMP: adjusted to UTC
	scale    int   // DECIMAL
	bits     int   // INT(bits, signed): the width to check on writing
	optional bool  // the leaf or an ancestor is optional or repeated
	maxRep   int
	maxDef   int
	// defAt[k] is the definition level at which the k-th repeated node on
	// the path (1-based) holds at least one element.
	defAt []int
}

// maxDecimalScale bounds a DECIMAL's scale: a hostile schema could ask for
// billions of zeros after the point. 76 digits is DECIMAL256's precision.
const maxDecimalScale = 76

// classify picks the conversion of a leaf of type t and the name reported
// in Column.Logical.
func classify(t parquet.Type) (*pqLeaf, string) {
	l := &pqLeaf{typ: t}
	phys := t.Kind()
	var lt format.LogicalTypeValue
	if p := t.LogicalType(); p != nil {
		lt = p.Value
	}
	switch v := lt.(type) {
	case *format.DateType:
		if phys == parquet.Int32 {
			return l.set(pqDate, String), "date"
		}
	case *format.TimestampType:
		if phys == parquet.Int64 && l.setUnit(v.Unit, v.IsAdjustedToUTC) {
			return l.set(pqTimestamp, String), "timestamp(" + unitName(l.perSec) + utcName(l.utc) + ")"
		}
	case *format.TimeType:
		if (phys == parquet.Int32 || phys == parquet.Int64) && l.setUnit(v.Unit, v.IsAdjustedToUTC) {
			return l.set(pqTime, String), "time(" + unitName(l.perSec) + utcName(l.utc) + ")"
		}
	case *format.DecimalType:
		if v.Scale >= 0 && v.Scale <= maxDecimalScale && (phys != parquet.FixedLenByteArray || t.Length() > 0) {
			l.scale = int(v.Scale)
			return l.set(pqDecimal, String), fmt.Sprintf("decimal(%d,%d)", v.Precision, v.Scale)
		}
	case *format.UUIDType:
		if phys == parquet.FixedLenByteArray && t.Length() == 16 {
			return l.set(pqUUID, String), "uuid"
		}
	case *format.Float16Type:
		if phys == parquet.FixedLenByteArray && t.Length() == 2 {
			return l.set(pqFloat16, Float), "float16"
		}
	case *format.IntType:
		return classifyInt(l, phys, v)
	case *format.JsonType:
		if phys == parquet.ByteArray {
			return l.set(pqJSON, JSON), "json"
		}
	case *format.EnumType:
		return l.set(pqBytes, String), "enum"
	case *format.BsonType:
		return l.set(pqBytes, String), "bson"
	case *format.StringType:
		if phys == parquet.ByteArray {
			return l.set(pqBytes, String), ""
		}
	}
	return classifyPhysical(l, phys)
}

func classifyInt(l *pqLeaf, phys parquet.Kind, v *format.IntType) (*pqLeaf, string) {
	name := fmt.Sprintf("int%d", v.BitWidth)
	if v.BitWidth == 8 || v.BitWidth == 16 || v.BitWidth == 32 || v.BitWidth == 64 {
		l.bits = int(v.BitWidth)
	}
	if !v.IsSigned {
		name = "u" + name
	}
	switch {
	case phys == parquet.Int32 && v.IsSigned:
		l.set(pqInt32, Int)
	case phys == parquet.Int32:
		l.set(pqUint32, Int)
	case phys == parquet.Int64 && v.IsSigned:
		l.set(pqInt64, Int)
	case phys == parquet.Int64:
		l.set(pqUint64, Int)
	default:
		return classifyPhysical(l, phys)
	}
	if name == "int32" || name == "int64" {
		name = ""
	}
	return l, name
}

func classifyPhysical(l *pqLeaf, phys parquet.Kind) (*pqLeaf, string) {
	switch phys {
	case parquet.Boolean:
		return l.set(pqBool, Bool), ""
	case parquet.Int32:
		return l.set(pqInt32, Int), ""
	case parquet.Int64:
		return l.set(pqInt64, Int), ""
	case parquet.Int96:
		return l.set(pqInt96, String), "int96"
	case parquet.Float:
		return l.set(pqFloat32, Float), ""
	case parquet.Double:
		return l.set(pqDouble, Float), ""
	}
	return l.set(pqBytes, String), "binary"
}

func (l *pqLeaf) set(c pqConv, k Kind) *pqLeaf {
	l.conv, l.kind = c, k
	return l
}

func (l *pqLeaf) setUnit(u format.TimeUnit, utc bool) bool {
	if u.Value == nil {
		return false
	}
	switch u.Value.(type) {
	case *format.MilliSeconds:
		l.perSec = 1e3
	case *format.MicroSeconds:
		l.perSec = 1e6
	case *format.NanoSeconds:
		l.perSec = 1e9
	default:
		return false
	}
	l.utc = utc
	return true
}

func unitName(perSec int64) string {
	switch perSec {
	case 1e3:
		return "ms"
	case 1e6:
		return "us"
	}
	return "ns"
}

func utcName(utc bool) string {
	if utc {
		return ",utc"
	}
	return ""
}

// Layouts of the text forms of dates and times. A timestamp adjusted to
// UTC ends in Z; a local one (wall-clock time, no zone) has no suffix.
const (
	layoutDate     = "2006-01-02"
	layoutTime     = "15:04:05.999999999"
	layoutLocal    = "2006-01-02T15:04:05.999999999"
	layoutUTC      = "2006-01-02T15:04:05.999999999Z07:00"
	julianUnixDays = 2440588 // the Julian day of 1970-01-01, for INT96
	nanosPerDay    = 86400 * 1e9
)

// unixUnits returns the time that is n units (perSec a second) after the
// epoch.
func unixUnits(n, perSec int64) time.Time {
	sec, frac := n/perSec, n%perSec
	if frac < 0 {
		sec, frac = sec-1, frac+perSec
	}
	return time.Unix(sec, frac*(1e9/perSec)).UTC()
}
