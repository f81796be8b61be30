package local

import (
	"crypto/rand"
	"encoding/binary"

	"github.com/coffer-vault/coffer/internal/kms"
)

// A wrapped DEK (docs/keyring.md):
//
//	format      1 byte   wrapFormat
//	name len    1 byte   1..maxNameLen
//	name        n bytes  KEK name, [a-z0-9-]
//	version     4 bytes  KEK version, big-endian
//	nonce      12 bytes  random
//	ciphertext 48 bytes  AES-256-GCM of the 32-byte DEK, tag included
//
// The AEAD's additional data is every byte before the ciphertext followed
// by the caller's aad (the encryption context), so neither the KEK named
// nor the context can be changed without failing authentication.
const (
	wrapFormat = 1
	dekSize    = 32
)

type wrapped struct {
	name    string
	version uint32
	nonce   []byte
	sealed  []byte
	header  []byte // every byte before sealed
}

// parseWrapped splits b; it accepts exactly one length for a given name
// length, so trailing or missing bytes are refused before any crypto.
func parseWrapped(b []byte) (wrapped, bool) {
	if len(b) < 2 || b[0] != wrapFormat {
		return wrapped{}, false
	}
	n := int(b[1])
	hdr := 2 + n + 4 + nonceSize
	if n == 0 || n > maxNameLen || len(b) != hdr+dekSize+tagSize {
		return wrapped{}, false
	}
	w := wrapped{
		name:    string(b[2 : 2+n]),
		version: binary.BigEndian.Uint32(b[2+n:]),
		nonce:   b[2+n+4 : hdr],
		sealed:  b[hdr:],
		header:  b[:hdr],
	}
	if !validName(w.name) || w.version == 0 {
		return wrapped{}, false
	}
	return w, true
}

// wrapHeader returns the bytes before the ciphertext, with room for it.
func wrapHeader(name string, version uint32, nonce []byte) []byte {
	b := make([]byte, 0, 2+len(name)+4+nonceSize+dekSize+tagSize)
	b = append(b, wrapFormat, byte(len(name)))
	b = append(b, name...)
	b = binary.BigEndian.AppendUint32(b, version)
	return append(b, nonce...)
}

// wrapAAD is the header followed by the caller's aad, in a new slice: it
// must not share memory with the ciphertext being written after header.
func wrapAAD(header, aad []byte) []byte {
	ad := make([]byte, 0, len(header)+len(aad))
	return append(append(ad, header...), aad...)
}

func keyID(name string, version uint32) string { return kms.KeyID(name, version) }

func randomNonce() []byte {
	nonce := make([]byte, nonceSize)
	rand.Read(nonce) // never fails (crypto/rand)
	return nonce
}
