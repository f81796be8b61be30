//go:build cgo

package pkcs11

import (
	"bytes"
	"testing"

	"github.com/coffer-vault/coffer/internal/kms/kmstest"
)

// BenchmarkToken measures the token operations of the PKCS#11 root:
// encrypting and decrypting a 32-byte secret with AES-256-GCM in the
// token, and a whole root open (load, log in, find the key, decrypt,
// close) as OpenRoot does it.
func BenchmarkToken(b *testing.B) {
	s := open(b)
	k, _, err := s.EnsureKey(label(b))
	if err != nil {
		b.Fatal(err)
	}
	secret, aad := bytes.Repeat([]byte{7}, 32), []byte("coffer-keyring/v1 pkcs11 root")
	iv, ct, err := s.Encrypt(k, secret, aad)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("encrypt", func(b *testing.B) {
		for b.Loop() {
			if _, _, err := s.Encrypt(k, secret, aad); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("decrypt", func(b *testing.B) {
		for b.Loop() {
			if _, err := s.Decrypt(k, iv, ct, aad); err != nil {
				b.Fatal(err)
			}
		}
	})
	e := kmstest.PKCS11Env(b)
	b.Run("open-find-decrypt-close", func(b *testing.B) {
		s.Close() // measure the first session's cost, module load included
		for b.Loop() {
			s2, err := Open(Config{Module: e.Module, Token: e.Token, PIN: e.PIN})
			if err != nil {
				b.Fatal(err)
			}
			k2, err := s2.FindKey(k.Label())
			if err == nil {
				_, err = s2.Decrypt(k2, iv, ct, aad)
			}
			s2.Close()
			if err != nil {
				b.Fatal(err)
			}
		}
	})
}
