package mask

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"math"
	"sort"
	"strconv"
	"unicode/utf8"
	"unsafe"

	"github.com/coffer-vault/coffer/internal/tabular"
)

// KeySize is the length of the hash key.
const KeySize = 32

// ErrKey is returned by Masker for a hash action without a KeySize key.
var ErrKey = errors.New("mask: hash needs the vault's 32-byte key")

// hashDomain separates the key used for hash from every other use of the
// vault key.
const hashDomain = "coffer.view.hash/v1"

var redacted = []byte(Redacted)

// Masker applies one action to cells. It reuses its buffers: a Value it
// returns is valid until the next call to Apply. Not safe for concurrent
// use.
type Masker struct {
	a      Action
	mac    hash.Hash
	labels [][]byte // Bin: label of each interval, len(Edges)+1
	buf    []byte
	text   []byte
	sum    []byte
}

// Masker returns a Masker for a. key is used by hash only and must then
// be KeySize bytes; it is not kept (a key derived from it is).
func (a Action) Masker(key []byte) (*Masker, error) {
	m := &Masker{a: a}
	switch a.Kind {
	case Hash:
		if len(key) != KeySize {
			return nil, ErrKey
		}
		d := hmac.New(sha256.New, key)
		d.Write([]byte(hashDomain))
		m.mac = hmac.New(sha256.New, d.Sum(nil))
	case Bin:
		if len(a.Edges) == 0 {
			return nil, errors.New("mask: bin without edges")
		}
		m.labels = binLabels(a.Edges)
	case Partial, Round:
		if a.N < 1 {
			return nil, errors.New("mask: " + a.Kind.String() + " needs N >= 1")
		}
	}
	return m, nil
}

func binLabels(edges []float64) [][]byte {
	labels := make([][]byte, len(edges)+1)
	labels[0] = []byte("<" + formatNum(edges[0]))
	for i := 1; i < len(edges); i++ {
		labels[i] = []byte(formatNum(edges[i-1]) + "-" + formatNum(edges[i]))
	}
	labels[len(edges)] = []byte(formatNum(edges[len(edges)-1]) + "+")
	return labels
}

// Apply returns the masked cell. ok is false when the action cannot read
// the cell (round or bin of a non-number); the cell returned is then
// null. A null cell stays null under every action except redact, which
// gives Redacted for every cell so that it reveals nothing, not even
// which cells were empty or unreadable.
func (m *Masker) Apply(v tabular.Value) (out tabular.Value, ok bool) {
	if m.a.Kind == Redact {
		return tabular.StringValue(redacted), true
	}
	if v.IsNull() {
		return v, true
	}
	switch m.a.Kind {
	case Keep:
		return v, true
	case Drop, Null:
		return tabular.Value{}, true
	case Hash:
		return m.hash(v), true
	case Partial:
		return m.partial(v), true
	case Round:
		return m.round(v)
	case Bin:
		return m.bin(v)
	}
	return tabular.Value{}, false
}

func (m *Masker) hash(v tabular.Value) tabular.Value {
	m.text = v.AppendText(m.text[:0])
	m.mac.Reset()
	m.mac.Write(m.text)
	m.sum = m.mac.Sum(m.sum[:0])
	m.buf = hex.AppendEncode(m.buf[:0], m.sum)
	return tabular.StringValue(m.buf)
}

func (m *Masker) partial(v tabular.Value) tabular.Value {
	m.text = v.AppendText(m.text[:0])
	keep := min(m.a.N, int64(utf8.RuneCount(m.text)/2))
	start := len(m.text)
	for ; keep > 0; keep-- {
		_, size := utf8.DecodeLastRune(m.text[:start])
		start -= size
	}
	m.buf = append(append(m.buf[:0], "***"...), m.text[start:]...)
	return tabular.StringValue(m.buf)
}

func (m *Masker) round(v tabular.Value) (tabular.Value, bool) {
	n := m.a.N
	switch v.Kind() {
	case tabular.Int:
		r, ok := floorInt(v.Int(), n)
		if !ok {
			return tabular.Value{}, false
		}
		return tabular.IntValue(r), true
	case tabular.Float:
		r := math.Floor(v.Float()/float64(n)) * float64(n)
		if math.IsInf(r, 0) || math.IsNaN(r) {
			return tabular.Value{}, false
		}
		return tabular.FloatValue(r), true
	case tabular.String:
		b := v.Bytes()
		if len(b) == 0 {
			return tabular.Value{}, true
		}
		if i, ok := parseInt(b); ok {
			r, ok := floorInt(i, n)
			if !ok {
				return tabular.Value{}, false
			}
			m.buf = strconv.AppendInt(m.buf[:0], r, 10)
			return tabular.StringValue(m.buf), true
		}
		f, ok := parseFloat(b)
		r := math.Floor(f/float64(n)) * float64(n)
		if !ok || math.IsInf(r, 0) || math.IsNaN(r) {
			return tabular.Value{}, false
		}
		m.buf = strconv.AppendFloat(m.buf[:0], r, 'f', -1, 64)
		return tabular.StringValue(m.buf), true
	}
	return tabular.Value{}, false
}

func floorInt(x, n int64) (int64, bool) {
	q := x / n
	if x%n != 0 && x < 0 {
		q--
	}
	if q < math.MinInt64/n {
		return 0, false
	}
	return q * n, true
}

func (m *Masker) bin(v tabular.Value) (tabular.Value, bool) {
	var f float64
	switch v.Kind() {
	case tabular.Int, tabular.Float:
		f = v.Float()
	case tabular.String:
		if len(v.Bytes()) == 0 {
			return tabular.Value{}, true
		}
		var ok bool
		if f, ok = parseFloat(v.Bytes()); !ok {
			return tabular.Value{}, false
		}
	default:
		return tabular.Value{}, false
	}
	if math.IsNaN(f) {
		return tabular.Value{}, false
	}
	// The number of edges <= f picks the interval [e(i-1), e(i)).
	i := sort.Search(len(m.a.Edges), func(i int) bool { return m.a.Edges[i] > f })
	return tabular.StringValue(m.labels[i]), true
}

// parseInt reads text of an optional '-' and digits as an int64. It
// checks the syntax first: a strconv error allocates.
func parseInt(b []byte) (int64, bool) {
	digits := b
	if len(digits) > 0 && digits[0] == '-' {
		digits = digits[1:]
	}
	if len(digits) == 0 || len(digits) > 19 {
		return 0, false
	}
	for _, c := range digits {
		if c < '0' || c > '9' {
			return 0, false
		}
	}
	i, err := strconv.ParseInt(unsafeString(b), 10, 64)
	return i, err == nil
}

// parseFloat reads text as a finite number.
func parseFloat(b []byte) (float64, bool) {
	f, err := strconv.ParseFloat(unsafeString(b), 64)
	return f, err == nil && !math.IsInf(f, 0) && !math.IsNaN(f)
}

// unsafeString views b as a string for strconv without copying; the
// string does not outlive the call (parse errors are discarded).
func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
