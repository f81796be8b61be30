package local

import (
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
//	root kind   1 byte   1 = root key file
//	params len  2 bytes  big-endian, 0 for root kind 1
//	params      n bytes  root-specific (a later passphrase root keeps its KDF salt here)
//	nonce      12 bytes  random
//	ciphertext  rest     AES-256-GCM of the contents (JSON), tag included
//
// The AAD is every byte before the ciphertext; the key is derived from the
// root key by HKDF-SHA256 with info sealInfo.
const (
	magic          = "coffer-keyring"
	fileVersion    = 1
	rootKindFile   = 1
	maxParams      = 1024
	nonceSize      = 12
	tagSize        = 16
	keySize        = 32
	maxKeyringFile = 1 << 20
	sealInfo       = "coffer-keyring/v1 seal"
)

// ErrSealed is returned (wrapped) when a keyring file cannot be opened: the
// root key is wrong or the file was tampered with anywhere that only
// authentication can tell. The cases read the same: no oracle.
var ErrSealed = errors.New("wrong root key or tampered keyring")

type header struct {
	version  byte
	rootKind byte
	params   []byte
	nonce    []byte
}

// parseHeader parses the header at the start of b and returns it and its
// length. It checks every length against b and its bound before use.
func parseHeader(b []byte) (header, int, error) {
	const fixed = len(magic) + 4
	if len(b) < len(magic) || string(b[:len(magic)]) != magic {
		return header{}, 0, errors.New("not a coffer keyring")
	}
	if len(b) < fixed {
		return header{}, 0, ErrSealed
	}
	h := header{version: b[len(magic)], rootKind: b[len(magic)+1]}
	if h.version != fileVersion {
		return header{}, 0, fmt.Errorf("format version %d is not supported by this coffer (upgrade coffer)", h.version)
	}
	if h.rootKind != rootKindFile {
		return header{}, 0, fmt.Errorf("root kind %d is not supported by this coffer (upgrade coffer)", h.rootKind)
	}
	n := int(binary.BigEndian.Uint16(b[len(magic)+2:]))
	if n > maxParams || h.rootKind == rootKindFile && n != 0 {
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
	b = append(b, h.version, h.rootKind)
	b = binary.BigEndian.AppendUint16(b, uint16(len(h.params)))
	b = append(b, h.params...)
	return append(b, h.nonce...)
}

// sealFile encrypts the encoded contents under the root key.
func sealFile(root, contents []byte) ([]byte, error) {
	aead, err := fileAEAD(root)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, nonceSize)
	rand.Read(nonce) // never fails (crypto/rand)
	hdr := header{version: fileVersion, rootKind: rootKindFile, nonce: nonce}.marshal()
	out := aead.Seal(hdr, nonce, contents, hdr)
	if len(out) > maxKeyringFile {
		return nil, fmt.Errorf("sealed keyring would be %d bytes, over the limit of %d", len(out), maxKeyringFile)
	}
	return out, nil
}

// openFile authenticates and decrypts a sealed keyring file; the caller
// zeroes the returned contents when done.
func openFile(root, b []byte) ([]byte, error) {
	if len(b) > maxKeyringFile {
		return nil, fmt.Errorf("file is %d bytes, over the limit of %d", len(b), maxKeyringFile)
	}
	h, n, err := parseHeader(b)
	if err != nil {
		return nil, err
	}
	if len(b)-n < tagSize {
		return nil, ErrSealed
	}
	aead, err := fileAEAD(root)
	if err != nil {
		return nil, err
	}
	contents, err := aead.Open(nil, h.nonce, b[n:], b[:n])
	if err != nil {
		return nil, ErrSealed
	}
	return contents, nil
}

// fileAEAD derives the keyring sealing key from the root key, so that the
// root key itself is never used directly and could seal other things later
// under other labels.
func fileAEAD(root []byte) (cipher.AEAD, error) {
	if len(root) != keySize {
		return nil, fmt.Errorf("root key is %d bytes, want %d", len(root), keySize)
	}
	k, err := hkdf.Key(sha256.New, root, nil, sealInfo, keySize)
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
