package seal

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
)

const (
	// HeaderSize is the size in bytes of the header that starts every
	// sealed object: macOffset + macSize, which a test checks.
	HeaderSize = 123

	// MinChunkSize and MaxChunkSize bound the plaintext bytes per chunk.
	// The upper bound caps what a reader allocates for a header it has not
	// yet authenticated; the lower bound keeps the 16-byte tag per chunk a
	// small overhead and the 2^32-chunk limit above 4 TiB per object.
	MinChunkSize = 1 << 10
	MaxChunkSize = 16 << 20

	// DefaultChunkSize is the chunk size when Options leave it zero.
	DefaultChunkSize = 64 << 10
)

// magic opens every object; the version in it changes with any
// incompatible change to the format.
const magic = "coffer.seal/v1\n"

// algAES256GCM is the only algorithm: AES-256-GCM chunks under keys derived
// by HKDF-SHA256.
const algAES256GCM = 1

// Header layout: offsets of each field, in order.
const (
	algOffset    = 15 // len(magic), kept untyped so HeaderSize is too
	chunkOffset  = algOffset + 1
	saltOffset   = chunkOffset + 4
	saltSize     = 32
	prefixOffset = saltOffset + saltSize
	prefixSize   = 7
	digestOffset = prefixOffset + prefixSize
	digestSize   = 32
	macOffset    = digestOffset + digestSize
	macSize      = 32
)

// Header is the parsed header of a sealed object. ParseHeader fills it
// without authenticating it; NewReader and NewReaderAt authenticate it.
type Header struct {
	Algorithm     uint8            // always 1: AES-256-GCM, HKDF-SHA256
	ChunkSize     int              // plaintext bytes per chunk, MinChunkSize..MaxChunkSize
	Salt          [saltSize]byte   // HKDF salt, random per object
	NoncePrefix   [prefixSize]byte // first 7 bytes of every chunk nonce, random per object
	ContextDigest [digestSize]byte // Context.Digest of the Context the object was sealed for
	MAC           [macSize]byte    // HMAC-SHA256 of all the bytes before it
}

// ParseHeader parses exactly HeaderSize bytes into a Header. It checks the
// magic, the algorithm and the chunk size bounds but does not authenticate
// anything: the MAC needs the data key. Errors match ErrIntegrity.
func ParseHeader(b []byte) (*Header, error) {
	if len(b) != HeaderSize {
		return nil, errHeader("malformed header: %d bytes, want %d", len(b), HeaderSize)
	}
	if !bytes.Equal(b[:algOffset], []byte(magic)) {
		return nil, errHeader("malformed header: not a coffer.seal/v1 object")
	}
	h := &Header{
		Algorithm: b[algOffset],
		ChunkSize: int(binary.BigEndian.Uint32(b[chunkOffset:])),
	}
	copy(h.Salt[:], b[saltOffset:])
	copy(h.NoncePrefix[:], b[prefixOffset:])
	copy(h.ContextDigest[:], b[digestOffset:])
	copy(h.MAC[:], b[macOffset:])
	if err := h.check(); err != nil {
		return nil, errHeader("malformed header: %v", err)
	}
	return h, nil
}

// check validates the fields that have a restricted range.
func (h *Header) check() error {
	if h.Algorithm != algAES256GCM {
		return fmt.Errorf("unknown algorithm %d", h.Algorithm)
	}
	return checkChunkSize(h.ChunkSize)
}

func checkChunkSize(n int) error {
	if n < MinChunkSize || n > MaxChunkSize {
		return fmt.Errorf("chunk size %d outside %d..%d", n, MinChunkSize, MaxChunkSize)
	}
	return nil
}

// MarshalBinary encodes h as the HeaderSize bytes that ParseHeader reads.
func (h *Header) MarshalBinary() ([]byte, error) {
	if err := h.check(); err != nil {
		return nil, errors.New("seal: invalid header: " + err.Error())
	}
	b := make([]byte, HeaderSize)
	h.put(b)
	return b, nil
}

// put writes h into b[:HeaderSize], MAC included.
func (h *Header) put(b []byte) {
	copy(b, magic)
	b[algOffset] = h.Algorithm
	binary.BigEndian.PutUint32(b[chunkOffset:], uint32(h.ChunkSize))
	copy(b[saltOffset:], h.Salt[:])
	copy(b[prefixOffset:], h.NoncePrefix[:])
	copy(b[digestOffset:], h.ContextDigest[:])
	copy(b[macOffset:], h.MAC[:])
}
