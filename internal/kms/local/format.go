package local

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
)

// The sealed keyring file (docs/keyring.md):
//
//	magic      14 bytes  "coffer-keyring"
//	version     1 byte   1
//	root kind   1 byte   1 = root key file, 2 = passphrase, 3 = PKCS#11 token key
//	params len  2 bytes  big-endian; 0 for root kind 1, 1..maxParams otherwise
//	params      n bytes  root-specific (root_passphrase.go, root_pkcs11.go)
//	nonce      12 bytes  random
//	ciphertext  rest     AES-256-GCM of the contents (JSON), tag included
//
// The AAD is every byte before the ciphertext; the key is derived from the
// root secret by HKDF-SHA256 with info sealInfo.
const (
	magic          = "coffer-keyring"
	fileVersion    = 1
	maxParams      = 1024
	nonceSize      = 12
	tagSize        = 16
	keySize        = 32
	maxKeyringFile = 1 << 20
	sealInfo       = "coffer-keyring/v1 seal"
)

// ErrSealed is returned (wrapped) when a keyring file cannot be opened: the
// root (key file, passphrase or token key) is wrong or the file was
// tampered with anywhere that only authentication can tell. The cases read
// the same: no oracle.
var ErrSealed = errors.New("wrong root key or tampered keyring")

type header struct {
	version  byte
	rootKind RootKind
	params   []byte
	nonce    []byte
}

// parseHeader parses the header at the start of b and returns it and its
// length. It checks every length against b and its bound before use; the
// root parameters are parsed by their root.
func parseHeader(b []byte) (header, int, error) {
	const fixed = len(magic) + 4
	if len(b) < len(magic) || string(b[:len(magic)]) != magic {
		return header{}, 0, errors.New("not a coffer keyring")
	}
	if len(b) < fixed {
		return header{}, 0, ErrSealed
	}
	h := header{version: b[len(magic)], rootKind: RootKind(b[len(magic)+1])}
	if h.version != fileVersion {
		return header{}, 0, fmt.Errorf("format version %d is not supported by this coffer (upgrade coffer)", h.version)
	}
	if _, ok := rootNames[h.rootKind]; !ok {
		return header{}, 0, fmt.Errorf("root kind %d is not supported by this coffer (upgrade coffer)", h.rootKind)
	}
	n := int(binary.BigEndian.Uint16(b[len(magic)+2:]))
	if n > maxParams || (h.rootKind == RootFile) != (n == 0) {
		return header{}, 0, ErrSealed
	}
	end := fixed + n + nonceSize
	if len(b) < end {
		return header{}, 0, ErrSealed
	}
	h.params = b[fixed : fixed+n]
	h.nonce = b[fixed+n : end]
	return h, end, nil
}

func (h header) marshal() []byte {
	b := make([]byte, 0, len(magic)+4+len(h.params)+len(h.nonce))
	b = append(b, magic...)
	b = append(b, h.version, byte(h.rootKind))
	b = binary.BigEndian.AppendUint16(b, uint16(len(h.params)))
	b = append(b, h.params...)
	return append(b, h.nonce...)
}

// A sealer seals and opens keyring files under one root: its kind, the
// header parameters it writes, and the sealing key derived from the root
// secret (held only as an AES key schedule). Re-sealing after a change
// reuses it, so the root (a passphrase, a token) is needed only to open.
type sealer struct {
	kind   RootKind
	params []byte
	aead   cipher.AEAD
}

func newSealer(kind RootKind, params, secret []byte) (*sealer, error) {
	aead, err := fileAEAD(secret)
	if err != nil {
		return nil, err
	}
	if len(params) > maxParams || (kind == RootFile) != (len(params) == 0) {
		return nil, fmt.Errorf("%d bytes of root parameters do not suit a %s root", len(params), kind)
	}
	return &sealer{kind: kind, params: bytes.Clone(params), aead: aead}, nil
}

// matches reports whether a file with header h was sealed by this sealer's
// root secret, as far as the header can tell.
func (s *sealer) matches(h header) bool {
	return s != nil && h.rootKind == s.kind && bytes.Equal(h.params, s.params)
}

// seal encrypts the encoded contents under a fresh nonce.
func (s *sealer) seal(contents []byte) ([]byte, error) {
	nonce := make([]byte, nonceSize)
	rand.Read(nonce) // never fails (crypto/rand)
	hdr := header{version: fileVersion, rootKind: s.kind, params: s.params, nonce: nonce}.marshal()
	out := s.aead.Seal(hdr, nonce, contents, hdr)
	if len(out) > maxKeyringFile {
		return nil, fmt.Errorf("sealed keyring would be %d bytes, over the limit of %d", len(out), maxKeyringFile)
	}
	return out, nil
}

// open authenticates and decrypts a sealed keyring file; the caller zeroes
// the returned contents when done.
func (s *sealer) open(b []byte) ([]byte, error) {
	if len(b) > maxKeyringFile {
		return nil, fmt.Errorf("file is %d bytes, over the limit of %d", len(b), maxKeyringFile)
	}
	h, n, err := parseHeader(b)
	if err != nil {
		return nil, err
	}
	if len(b)-n < tagSize || !s.matches(h) {
		return nil, ErrSealed
	}
	contents, err := s.aead.Open(nil, h.nonce, b[n:], b[:n])
	if err != nil {
		return nil, ErrSealed
	}
	return contents, nil
}

// openFile opens a sealed keyring file with its root secret (the root key
// of a file root), whatever the root kind.
func openFile(secret, b []byte) ([]byte, error) {
	h, _, err := parseHeader(b)
	if err != nil {
		return nil, err
	}
	s, err := newSealer(h.rootKind, h.params, secret)
	if err != nil {
		return nil, err
	}
	return s.open(b)
}

// fileAEAD derives the keyring sealing key from the root secret, so that
// the secret itself is never used directly and could seal other things
// later under other labels.
func fileAEAD(secret []byte) (cipher.AEAD, error) {
	if len(secret) != keySize {
		return nil, fmt.Errorf("root secret is %d bytes, want %d", len(secret), keySize)
	}
	k, err := hkdf.Key(sha256.New, secret, nil, sealInfo, keySize)
	if err != nil {
		return nil, err
	}
	defer clear(k)
	return newGCM(k)
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
