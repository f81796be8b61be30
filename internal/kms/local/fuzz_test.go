package local

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/kms"
)

// fuzzKeyring is a keyring with fixed keys, so that every fuzz worker
// process agrees on which inputs are real wraps.
func fuzzKeyring(t testing.TB) (*Keyring, []byte) {
	kek := sha256.Sum256([]byte("fuzz kek"))
	audit := sha256.Sum256([]byte("fuzz audit"))
	c := &contents{
		KEKs: []kekDoc{{Name: defaultKEK, Primary: 1, Versions: []versionDoc{{
			Version: 1, State: stateEnabled, Created: time.Unix(1, 0), Material: kek[:],
		}}}},
		AuditKey: audit[:],
	}
	if err := c.check(); err != nil {
		t.Fatal(err)
	}
	k := &Keyring{now: time.Now} // no directory: held only in memory
	if err := k.install(c, nil); err != nil {
		t.Fatal(err)
	}
	return k, kek[:]
}

var fuzzDEK = bytes.Repeat([]byte{0x42}, dekSize)

// FuzzUnwrap checks that Unwrap never panics, fails only with
// kms.ErrUnwrap, and succeeds only for a real wrap: the bytes that sealing
// the returned DEK with the input's own header, nonce and aad produce.
func FuzzUnwrap(f *testing.F) {
	k, kek := fuzzKeyring(f)
	for _, aad := range [][]byte{nil, []byte("ctx"), []byte(`{"dataset":"census","version":3}`)} {
		w, _, err := k.Wrap(context.Background(), kms.DEKFromBytes(fuzzDEK), aad)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(w, aad)
		f.Add(w[:len(w)-1], aad)
	}
	f.Add([]byte{}, []byte{})
	f.Fuzz(func(t *testing.T, w, aad []byte) {
		dek, err := k.Unwrap(context.Background(), w, aad)
		p, ok := parseWrapped(w)
		if ok {
			re := append(wrapHeader(p.name, p.version, p.nonce), p.sealed...)
			if !bytes.Equal(re, w) {
				t.Fatalf("parseWrapped does not round-trip %x", w)
			}
		}
		if err != nil {
			if !errors.Is(err, kms.ErrUnwrap) || dek != nil {
				t.Fatalf("Unwrap = %v, %v; want nil, kms.ErrUnwrap", dek, err)
			}
			return
		}
		if !ok || !bytes.Equal(dek.Bytes(), fuzzDEK) {
			t.Fatalf("Unwrap accepted %x", w)
		}
		aead, _ := newGCM(kek)
		if real := aead.Seal(bytes.Clone(p.header), p.nonce, dek.Bytes(), wrapAAD(p.header, aad)); !bytes.Equal(real, w) {
			t.Fatalf("Unwrap accepted %x, which no Wrap produces", w)
		}
	})
}

// FuzzKeyringFile feeds bytes to every stage of opening a keyring: the
// header parser (which must round-trip what it accepts), the sealed-file
// opener under the golden root key (which must accept only authentic
// files, of bounded size) and the contents decoder (whose accepted
// documents must re-encode to themselves).
func FuzzKeyringFile(f *testing.F) {
	root, err := os.ReadFile(filepath.Join(goldenDir, RootKeyFile))
	if err != nil {
		f.Fatal(err)
	}
	golden, err := os.ReadFile(filepath.Join(goldenDir, KeyringFile))
	if err != nil {
		f.Fatal(err)
	}
	_, vf := goldenKeyring(f)
	for _, s := range [][]byte{golden, golden[:40], []byte(vf.Contents), []byte(magic), {}} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if h, n, err := parseHeader(b); err == nil {
			if !bytes.Equal(h.marshal(), b[:n]) || n > len(b) {
				t.Fatalf("parseHeader does not round-trip %x", b)
			}
		}
		if c, err := openContents(root, b); err == nil {
			if len(b) > maxKeyringFile || c.check() != nil {
				t.Fatalf("openContents accepted %d bytes", len(b))
			}
			if !bytes.Equal(b, golden) {
				t.Fatalf("openContents accepted a file that is not the golden one: %x", b)
			}
		}
		if c, err := decodeContents(b); err == nil {
			enc, err := c.encode()
			if err != nil {
				t.Fatal(err)
			}
			c2, err := decodeContents(enc)
			if err != nil {
				t.Fatalf("re-encoded contents do not decode: %v", err)
			}
			if enc2, _ := c2.encode(); !bytes.Equal(enc, enc2) {
				t.Fatalf("contents do not round-trip: %s then %s", enc, enc2)
			}
		}
	})
}

// openContents decrypts and decodes a sealed keyring file with its root
// secret, as opening a keyring does.
func openContents(secret, sealed []byte) (*contents, error) {
	plain, err := openFile(secret, sealed)
	if err != nil {
		return nil, err
	}
	defer clear(plain)
	return decodeContents(plain)
}
