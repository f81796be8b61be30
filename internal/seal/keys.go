package seal

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// DEKSize is the size of a data key.
const DEKSize = 32

// HKDF info labels; the context digest is appended to each, so keys for
// one Context are useless for another even under the same data key.
const (
	headerLabel  = "coffer.seal/v1 header"
	payloadLabel = "coffer.seal/v1 payload"
)

const tagSize = 16 // GCM tag

func checkDEK(dek []byte) error {
	if len(dek) != DEKSize {
		return fmt.Errorf("seal: data key is %d bytes, want %d", len(dek), DEKSize)
	}
	return nil
}

// deriveKeys derives the header MAC key and the payload AEAD of one object.
func deriveKeys(dek []byte, salt, digest *[32]byte) (macKey []byte, aead cipher.AEAD, err error) {
	prk, err := hkdf.Extract(sha256.New, dek, salt[:])
	if err != nil {
		return nil, nil, err
	}
	defer clear(prk)
	macKey, err = hkdf.Expand(sha256.New, prk, headerLabel+string(digest[:]), 32)
	if err != nil {
		return nil, nil, err
	}
	payloadKey, err := hkdf.Expand(sha256.New, prk, payloadLabel+string(digest[:]), 32)
	if err != nil {
		return nil, nil, err
	}
	defer clear(payloadKey) // the AES key schedule keeps its own copy
	block, err := aes.NewCipher(payloadKey)
	if err != nil {
		return nil, nil, err
	}
	aead, err = cipher.NewGCM(block)
	return macKey, aead, err
}

// headerMAC is the HMAC-SHA256 of the header bytes before the MAC field.
func headerMAC(macKey, header []byte) []byte {
	m := hmac.New(sha256.New, macKey)
	m.Write(header[:macOffset])
	return m.Sum(nil)
}

// sealHeader builds and MACs the header of a new object, reading the salt
// and nonce prefix from rand, and returns it with the payload AEAD.
func sealHeader(rand io.Reader, dek []byte, c Context, chunkSize int) ([]byte, *Header, cipher.AEAD, error) {
	h := &Header{Algorithm: algAES256GCM, ChunkSize: chunkSize, ContextDigest: c.Digest()}
	if _, err := io.ReadFull(rand, h.Salt[:]); err != nil {
		return nil, nil, nil, fmt.Errorf("seal: reading random salt: %w", err)
	}
	if _, err := io.ReadFull(rand, h.NoncePrefix[:]); err != nil {
		return nil, nil, nil, fmt.Errorf("seal: reading random nonce prefix: %w", err)
	}
	macKey, aead, err := deriveKeys(dek, &h.Salt, &h.ContextDigest)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("seal: deriving keys: %v", err)
	}
	defer clear(macKey)
	b := make([]byte, HeaderSize)
	h.put(b)
	copy(h.MAC[:], headerMAC(macKey, b))
	copy(b[macOffset:], h.MAC[:])
	return b, h, aead, nil
}

// openHeader parses and authenticates header b for dek and c, and returns
// it with the payload AEAD. The context check comes first and compares the
// digest in the header, not yet authenticated, with c's: it turns "wrong
// Context" into a clear error instead of a MAC failure. A forged digest
// gains nothing, because the MAC and payload keys are derived from c's.
func openHeader(b []byte, dek []byte, c Context) (*Header, cipher.AEAD, error) {
	h, err := ParseHeader(b)
	if err != nil {
		return nil, nil, err
	}
	digest := c.Digest()
	if subtle.ConstantTimeCompare(h.ContextDigest[:], digest[:]) != 1 {
		return nil, nil, errContext()
	}
	macKey, aead, err := deriveKeys(dek, &h.Salt, &digest)
	if err != nil {
		return nil, nil, fmt.Errorf("seal: deriving keys: %v", err)
	}
	defer clear(macKey)
	if !hmac.Equal(h.MAC[:], headerMAC(macKey, b)) {
		return nil, nil, errHeaderMAC()
	}
	return h, aead, nil
}

// nonce is a chunk nonce: prefix(7) || counter uint32 BE (4) || last flag (1).
type nonce [12]byte

func newNonce(prefix *[prefixSize]byte) nonce {
	var n nonce
	copy(n[:], prefix[:])
	return n
}

// set points n at chunk i. Callers keep i <= maxChunkIndex; set panics
// otherwise, since a wrapped counter would reuse a nonce.
func (n *nonce) set(i int64, last bool) []byte {
	if i < 0 || i > maxChunkIndex {
		panic("seal: chunk counter out of range")
	}
	binary.BigEndian.PutUint32(n[prefixSize:], uint32(i))
	n[11] = 0
	if last {
		n[11] = 1
	}
	return n[:]
}

// maxChunkIndex is the largest chunk index: the counter is 32 bits.
const maxChunkIndex = math.MaxUint32
