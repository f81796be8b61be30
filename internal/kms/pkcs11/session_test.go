//go:build cgo

package pkcs11

import (
	"bytes"
	"crypto/rand"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/coffer-vault/coffer/internal/kms/kmstest"
	p11 "github.com/miekg/pkcs11"
)

func open(t testing.TB) *Session {
	t.Helper()
	e := kmstest.PKCS11Env(t)
	s, err := Open(Config{Module: e.Module, Token: e.Token, PIN: e.PIN})
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func label(t testing.TB) string {
	b := make([]byte, 6)
	rand.Read(b)
	return "test-" + strings.ToLower(t.Name()) + "-" + string(rune('a'+b[0]%26)) + string(rune('a'+b[1]%26)) + string(rune('a'+b[2]%26))
}

func TestGenerateKeyNotExtractable(t *testing.T) {
	s := open(t)
	k, created, err := s.EnsureKey(label(t))
	if err != nil || !created {
		t.Fatalf("EnsureKey(new label) = %v, created %v", err, created)
	}
	a, err := s.Attrs(k)
	if err != nil {
		t.Fatal(err)
	}
	want := KeyAttrs{Token: true, Private: true, Sensitive: true, Extractable: false, AlwaysSensitive: true, NeverExtractable: true}
	if a != want {
		t.Fatalf("Attrs = %+v, want %+v", a, want)
	}
	// C_GetAttributeValue(CKA_VALUE) must fail: the value never leaves.
	v, err := s.mod.ctx.GetAttributeValue(s.sh, p11.ObjectHandle(k.handle), []*p11.Attribute{p11.NewAttribute(p11.CKA_VALUE, nil)})
	if err == nil {
		t.Fatalf("reading CKA_VALUE succeeded (%d bytes), want CKR_ATTRIBUTE_SENSITIVE", len(v))
	}
	if !isCode(err, p11.CKR_ATTRIBUTE_SENSITIVE) {
		t.Logf("reading CKA_VALUE = %v (want CKR_ATTRIBUTE_SENSITIVE, any failure passes)", err)
	}
	if err := s.CheckKey(k); err != nil {
		t.Fatalf("CheckKey(generated key) = %v", err)
	}
	// Turning it extractable must be refused too (CKA_MODIFIABLE false, and
	// CKA_EXTRACTABLE can only ever go from true to false).
	err = s.mod.ctx.SetAttributeValue(s.sh, p11.ObjectHandle(k.handle), []*p11.Attribute{p11.NewAttribute(p11.CKA_EXTRACTABLE, true)})
	if err == nil {
		t.Fatal("setting CKA_EXTRACTABLE true succeeded")
	}
	again, created, err := s.EnsureKey(k.Label())
	if err != nil || created || again.handle != k.handle {
		t.Fatalf("EnsureKey(existing) = %v, created %v", err, created)
	}
}

func TestRefusesWeakKey(t *testing.T) {
	s := open(t)
	l := label(t)
	tmpl := []*p11.Attribute{
		p11.NewAttribute(p11.CKA_CLASS, p11.CKO_SECRET_KEY), p11.NewAttribute(p11.CKA_KEY_TYPE, p11.CKK_AES),
		p11.NewAttribute(p11.CKA_VALUE, bytes.Repeat([]byte{7}, 32)), p11.NewAttribute(p11.CKA_LABEL, l),
		p11.NewAttribute(p11.CKA_TOKEN, true), p11.NewAttribute(p11.CKA_SENSITIVE, false),
		p11.NewAttribute(p11.CKA_EXTRACTABLE, true), p11.NewAttribute(p11.CKA_ENCRYPT, true),
	}
	if _, err := s.mod.ctx.CreateObject(s.sh, tmpl); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindKey(l); err == nil || !strings.Contains(err.Error(), "not protected") {
		t.Fatalf("FindKey(extractable key) = %v, want a refusal", err)
	}
	if _, err := s.FindKey(label(t)); !errors.Is(err, ErrNoKey) {
		t.Fatalf("FindKey(missing) = %v, want ErrNoKey", err)
	}
}

func TestEncryptDecrypt(t *testing.T) {
	s := open(t)
	k, _, err := s.EnsureKey(label(t))
	if err != nil {
		t.Fatal(err)
	}
	secret, aad := bytes.Repeat([]byte{0x42}, 32), []byte("coffer test")
	iv, ct, err := s.Encrypt(k, secret, aad)
	if err != nil || len(iv) != ivSize || len(ct) != len(secret)+tagBits/8 {
		t.Fatalf("Encrypt = %d-byte iv, %d-byte ct, %v", len(iv), len(ct), err)
	}
	if bytes.Contains(ct, secret[:8]) {
		t.Fatal("ciphertext holds the secret")
	}
	got, err := s.Decrypt(k, iv, ct, aad)
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("Decrypt = %v", err)
	}
	other, _, _ := s.EnsureKey(label(t))
	bad := func(k Key, iv, ct, aad []byte, what string) {
		t.Helper()
		if _, err := s.Decrypt(k, iv, ct, aad); !errors.Is(err, ErrDecrypt) {
			t.Errorf("Decrypt(%s) = %v, want ErrDecrypt", what, err)
		}
	}
	flip := func(b []byte, i int) []byte { b = bytes.Clone(b); b[i] ^= 1; return b }
	bad(k, iv, ct, []byte("other"), "other aad")
	bad(k, iv, ct, nil, "no aad")
	bad(k, flip(iv, 0), ct, aad, "iv changed")
	bad(k, iv, flip(ct, 0), aad, "ciphertext changed")
	bad(k, iv, flip(ct, len(ct)-1), aad, "tag changed")
	bad(k, iv, ct[:len(ct)-1], aad, "truncated")
	bad(k, iv[:8], ct, aad, "short iv")
	bad(other, iv, ct, aad, "other key")
	// The session still works after failures.
	if got, err := s.Decrypt(k, iv, ct, aad); err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("Decrypt after failures = %v", err)
	}
}

func TestWrongPINAndToken(t *testing.T) {
	e := kmstest.PKCS11Env(t)
	if _, err := Open(Config{Module: e.Module, Token: e.Token, PIN: "wrong-pin-0000"}); err == nil ||
		!strings.Contains(err.Error(), "wrong PIN") || strings.Contains(err.Error(), "wrong-pin-0000") {
		t.Fatalf("Open(wrong PIN) = %v, want 'wrong PIN' without the PIN", err)
	}
	if _, err := Open(Config{Module: e.Module, Token: "no-such-token", PIN: e.PIN}); err == nil || !strings.Contains(err.Error(), "no token labelled") {
		t.Fatalf("Open(no such token) = %v", err)
	}
	if _, err := Open(Config{Module: "/nonexistent/lib.so", Token: e.Token, PIN: e.PIN}); err == nil {
		t.Fatal("Open(missing module) succeeded")
	}
}

// TestSessions opens and closes sessions concurrently: the module must stay
// initialised while any session is open.
func TestSessions(t *testing.T) {
	s := open(t)
	k, _, err := s.EnsureKey(label(t))
	if err != nil {
		t.Fatal(err)
	}
	e := kmstest.PKCS11Env(t)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 5 {
				s2, err := Open(Config{Module: e.Module, Token: e.Token, PIN: e.PIN})
				if err != nil {
					t.Errorf("Open = %v", err)
					return
				}
				if _, err := s2.FindKey(k.Label()); err != nil {
					t.Errorf("FindKey = %v", err)
				}
				s2.Close()
			}
		})
	}
	wg.Wait()
	if _, _, err := s.Encrypt(k, []byte("x"), nil); err != nil {
		t.Fatalf("Encrypt after other sessions closed = %v", err)
	}
	s.Close()
	if _, _, err := s.Encrypt(k, []byte("x"), nil); err == nil {
		t.Fatal("Encrypt on a closed session succeeded")
	}
}

// TestWrongPINWhileLoggedIn: while a session of the token is logged in, the
// token answers a second login without checking its PIN; Open must still
// refuse a wrong one.
func TestWrongPINWhileLoggedIn(t *testing.T) {
	e := kmstest.PKCS11Env(t)
	s := open(t)
	if _, err := Open(Config{Module: e.Module, Token: e.Token, PIN: e.PIN + "x"}); err == nil || !strings.Contains(err.Error(), "wrong PIN") {
		t.Fatalf("Open(wrong PIN) while another session is logged in = %v, want 'wrong PIN'", err)
	}
	s2, err := Open(Config{Module: e.Module, Token: e.Token, PIN: e.PIN})
	if err != nil {
		t.Fatalf("Open(right PIN) while another session is logged in = %v", err)
	}
	s2.Close()
	s.Close()
	// All sessions closed: the login is gone, and the token checks again.
	if _, err := Open(Config{Module: e.Module, Token: e.Token, PIN: "also-wrong-000"}); err == nil || !strings.Contains(err.Error(), "wrong PIN") {
		t.Fatalf("Open(wrong PIN) after every session closed = %v", err)
	}
}
