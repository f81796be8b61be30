package remote

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/binary"
)

// A wrapped key (docs/kms-remote.md):
//
//	format      1 byte   wrapFormat (0x21: remote keyring, envelope v1)
//	name len    1 byte   1..maxNameLen
//	name        n bytes  KEK name, [a-z0-9-]
//	ct len      2 bytes  big-endian, 1..maxCiphertext
//	ciphertext  m bytes  what the external KMS returned for Encrypt(inner)
//
// and inner, the plaintext the KMS encrypts:
//
//	version     1 byte   innerVersion
//	digest     32 bytes  SHA-256(label || 0x00 || format..name || aad)
//	key        32 bytes  the DEK (or the audit key)
//
// gocloud.dev/secrets has no associated-data parameter, so the encryption
// context goes inside the KMS's authenticated encryption as a digest: no
// one without the KMS key can make or change a ciphertext whose plaintext
// carries another digest, so the aad is bound as if it were the AEAD's
// associated data. The label separates data keys from the audit key.
const (
	wrapFormat    = 0x21
	innerVersion  = 1
	keySize       = 32
	digestSize    = sha256.Size
	innerSize     = 1 + digestSize + keySize
	maxNameLen    = 64
	maxCiphertext = 4096
	keyVersion    = 1 // the version in every key id: the provider versions its key itself

	labelDEK   = "coffer.kms.remote/v1 data key"
	labelAudit = "coffer.kms.remote/v1 audit key"
)

// envelope is a parsed wrapped key; its slices alias the input.
type envelope struct {
	name       string
	header     []byte // format, name len and name: what the digest covers
	ciphertext []byte
}

// parseEnvelope splits b. Every length is checked against b and its bound
// before use, and b must end exactly where the ciphertext does, so trailing
// or missing bytes are refused before the KMS is called.
func parseEnvelope(b []byte) (envelope, bool) {
	if len(b) < 2 || b[0] != wrapFormat {
		return envelope{}, false
	}
	n := int(b[1])
	if n == 0 || n > maxNameLen || len(b) < 2+n+2 {
		return envelope{}, false
	}
	m := int(binary.BigEndian.Uint16(b[2+n:]))
	if m == 0 || m > maxCiphertext || len(b) != 2+n+2+m {
		return envelope{}, false
	}
	e := envelope{name: string(b[2 : 2+n]), header: b[:2+n], ciphertext: b[2+n+2:]}
	if !validName(e.name) {
		return envelope{}, false
	}
	return e, true
}

// marshalEnvelope is the inverse of parseEnvelope; the caller has checked
// the name and the ciphertext's length.
func marshalEnvelope(name string, ciphertext []byte) []byte {
	b := envelopeHeader(name)
	b = binary.BigEndian.AppendUint16(b, uint16(len(ciphertext)))
	return append(b, ciphertext...)
}

func envelopeHeader(name string) []byte {
	b := make([]byte, 0, 2+len(name)+2+256)
	b = append(b, wrapFormat, byte(len(name)))
	return append(b, name...)
}

// contextDigest commits to the label, the envelope header (so the KEK
// named cannot be swapped) and the caller's aad. The header is
// self-delimiting, so the split between it and aad is unambiguous.
func contextDigest(label string, header, aad []byte) []byte {
	h := sha256.New()
	h.Write([]byte(label))
	h.Write([]byte{0})
	h.Write(header)
	h.Write(aad)
	return h.Sum(nil)
}

// sealInner returns the plaintext handed to the KMS; the caller zeroes it.
func sealInner(label string, header, aad, key []byte) []byte {
	b := make([]byte, 0, innerSize)
	b = append(b, innerVersion)
	b = append(b, contextDigest(label, header, aad)...)
	return append(b, key...)
}

// openInner checks what the KMS decrypted against the expected context,
// in constant time, and returns a copy of the key.
func openInner(label string, header, aad, inner []byte) ([]byte, bool) {
	if len(inner) != innerSize || inner[0] != innerVersion {
		return nil, false
	}
	want := contextDigest(label, header, aad)
	if subtle.ConstantTimeCompare(inner[1:1+digestSize], want) != 1 {
		return nil, false
	}
	return append([]byte(nil), inner[1+digestSize:]...), true
}

func validName(s string) bool {
	if len(s) == 0 || len(s) > maxNameLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}
