package seal

import (
	"crypto/sha256"
	"encoding/binary"
	"math"
	"slices"
)

// Context is the encryption context an object is sealed for, such as
// {"dataset": "x", "version": "3"}. Opening an object requires the same
// Context, so an object cannot be passed off as another dataset's or
// version's. Context values are not secret: they are bound, not hidden.
type Context map[string]string

// Canonical returns the unambiguous encoding of c that docs/format.md
// specifies: the number of entries as a uint32, then each entry in
// increasing byte order of its key as uint32 key length, key, uint32 value
// length, value (all integers big-endian). Two Contexts have the same
// encoding exactly when they hold the same entries; a nil and an empty
// Context are the same. Package kms uses these bytes as the associated data
// that binds a wrapped data key to its Context.
//
// Canonical panics if a key or value is longer than 2^32-1 bytes, which no
// real Context is.
func (c Context) Canonical() []byte {
	keys := make([]string, 0, len(c))
	size := 4
	for k, v := range c {
		keys = append(keys, k)
		size += 8 + len(k) + len(v)
	}
	slices.Sort(keys) // Go compares strings bytewise, which is what the spec says
	b := make([]byte, 0, size)
	b = binary.BigEndian.AppendUint32(b, uint32(len(keys)))
	for _, k := range keys {
		b = appendString(b, k)
		b = appendString(b, c[k])
	}
	return b
}

func appendString(b []byte, s string) []byte {
	if uint64(len(s)) > math.MaxUint32 {
		panic("seal: context key or value longer than 2^32-1 bytes")
	}
	b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
	return append(b, s...)
}

// Digest is the SHA-256 of c.Canonical(). The header records it, and the
// keys of an object are derived from it.
func (c Context) Digest() [32]byte {
	return sha256.Sum256(c.Canonical())
}
