package remote

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/kms"
	"github.com/coffer-vault/coffer/internal/kms/kmstest"
)

// fakeTransit is a stand-in for Vault's transit engine, enough for the
// hashivault driver: encrypt and decrypt under one AES-GCM key per name,
// ciphertexts "vault:v1:" and base64, 400 for a ciphertext it cannot
// open, 403 for another token. It is not Vault: it checks the driver, the
// URL and environment handling and the error mapping, not Vault itself.
type fakeTransit struct {
	token string
	keys  map[string]cipher.AEAD
	delay atomic.Int64 // of decrypt, in nanoseconds
	empty atomic.Bool  // answer decrypt with 200 and no data
}

func newFakeTransit(t *testing.T, token string) *httptest.Server {
	f := &fakeTransit{token: token, keys: map[string]cipher.AEAD{}}
	for _, name := range []string{"coffer", "other"} {
		k := make([]byte, 32)
		rand.Read(k)
		block, _ := aes.NewCipher(k)
		f.keys[name], _ = cipher.NewGCM(block)
	}
	srv := httptest.NewServer(f)
	t.Cleanup(srv.Close)
	return srv
}

func (f *fakeTransit) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fail := func(code int, msg string) {
		w.WriteHeader(code)
		json.NewEncoder(w).Encode(map[string]any{"errors": []string{msg}})
	}
	if r.Header.Get("X-Vault-Token") != f.token {
		fail(403, "permission denied")
		return
	}
	op, name, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, "/v1/transit/"), "/")
	aead := f.keys[name]
	var req struct{ Plaintext, Ciphertext string }
	if aead == nil || json.NewDecoder(r.Body).Decode(&req) != nil {
		fail(400, "encryption key not found")
		return
	}
	var data map[string]string
	switch op {
	case "encrypt":
		p, err := base64.StdEncoding.DecodeString(req.Plaintext)
		if err != nil {
			fail(400, "bad plaintext")
			return
		}
		nonce := make([]byte, 12)
		rand.Read(nonce)
		data = map[string]string{"ciphertext": "vault:v1:" + base64.StdEncoding.EncodeToString(aead.Seal(nonce, nonce, p, nil))}
	case "decrypt":
		select {
		case <-time.After(time.Duration(f.delay.Load())):
		case <-r.Context().Done():
			return
		}
		if f.empty.Load() {
			w.Write([]byte("{}"))
			return
		}
		b64, ok := strings.CutPrefix(req.Ciphertext, "vault:v1:")
		c, err := base64.StdEncoding.Strict().DecodeString(b64)
		if !ok || err != nil || len(c) < 12 {
			fail(400, "invalid ciphertext")
			return
		}
		p, err := aead.Open(nil, c[:12], c[12:], nil)
		if err != nil {
			fail(400, "cipher: message authentication failed")
			return
		}
		data = map[string]string{"plaintext": base64.StdEncoding.EncodeToString(p)}
	default:
		fail(404, "no handler")
		return
	}
	json.NewEncoder(w).Encode(map[string]any{"data": data})
}

func vaultEnv(t *testing.T, addr, token string) {
	for _, k := range []string{"VAULT_SERVER_URL", "VAULT_SERVER_TOKEN", "VAULT_NAMESPACE", "VAULT_CLIENT_TIMEOUT", "VAULT_AGENT_ADDR"} {
		t.Setenv(k, "")
	}
	t.Setenv("VAULT_ADDR", addr)
	t.Setenv("VAULT_TOKEN", token)
	t.Setenv("VAULT_MAX_RETRIES", "0")
}

func TestFakeVaultConformance(t *testing.T) {
	srv := newFakeTransit(t, "s.test-token")
	vaultEnv(t, srv.URL, "s.test-token")
	kmstest.Run(t, func(t *testing.T) kms.Keyring {
		k, _ := create(t, "hashivault://coffer", WithCache(0, 0, 0))
		return k
	})
}

func TestFakeVaultErrors(t *testing.T) {
	ctx := context.Background()
	srv := newFakeTransit(t, "s.test-token")
	vaultEnv(t, srv.URL, "s.test-token")
	k, dir := create(t, "hashivault://coffer", WithCache(0, 0, 0))
	if id := k.KeyID(); id != "remote-hashivault@1" {
		t.Fatalf("KeyID = %q", id)
	}
	dek := kms.NewDEK()
	w := kmstest.Wrap(t, k, dek, []byte("ctx"))

	other, _ := create(t, "hashivault://other", WithCache(0, 0, 0))
	kmstest.MustFail(t, other, w, []byte("ctx"), dek.Bytes(), "another transit key")

	t.Setenv("VAULT_TOKEN", "s.wrong-token")
	if _, err := Open(ctx, dir, "hashivault://coffer"); !errors.Is(err, ErrProvider) || errors.Is(err, ErrSealed) {
		t.Fatalf("Open with a wrong Vault token err = %v, want ErrProvider", err)
	}
	t.Setenv("VAULT_TOKEN", "")
	t.Setenv("VAULT_SERVER_TOKEN", "s.test-token") // gocloud's name for it
	k2, err := Open(ctx, dir, "hashivault://coffer")
	if err != nil {
		t.Fatalf("Open with VAULT_SERVER_TOKEN = %v", err)
	}
	k2.Close()

	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	t.Setenv("VAULT_ADDR", gone.URL)
	if _, err := Open(ctx, dir, "hashivault://coffer"); !errors.Is(err, ErrProvider) {
		t.Fatalf("Open with Vault down err = %v, want ErrProvider", err)
	}
	t.Setenv("VAULT_ADDR", "")
	if _, err := Open(ctx, dir, "hashivault://coffer"); err == nil || !strings.Contains(err.Error(), "VAULT_ADDR") {
		t.Fatalf("Open without VAULT_ADDR err = %v, want a hint to set it", err)
	}
}

// TestFakeVaultTimeout checks that a Vault that replies with no data, or
// does not answer, fails the call (after VAULT_CLIENT_TIMEOUT) rather than
// crashing or blocking for ever.
func TestFakeVaultTimeout(t *testing.T) {
	f := &fakeTransit{token: "t", keys: map[string]cipher.AEAD{}}
	block, _ := aes.NewCipher(make([]byte, 32))
	f.keys["coffer"], _ = cipher.NewGCM(block)
	srv := httptest.NewServer(f)
	defer srv.Close()
	vaultEnv(t, srv.URL, "t")
	t.Setenv("VAULT_CLIENT_TIMEOUT", "1")
	k, _ := create(t, "hashivault://coffer", WithCache(0, 0, 0))
	w := kmstest.Wrap(t, k, kms.NewDEK(), nil)
	f.empty.Store(true) // the driver type-asserts the reply: it panics
	if _, err := k.Unwrap(context.Background(), w, nil); !errors.Is(err, ErrProvider) {
		t.Fatalf("Unwrap of an empty Vault reply err = %v, want ErrProvider", err)
	}
	f.empty.Store(false)
	f.delay.Store(int64(time.Minute))
	start := time.Now()
	_, err := k.Unwrap(context.Background(), w, nil)
	if !errors.Is(err, ErrProvider) || time.Since(start) > 20*time.Second {
		t.Fatalf("Unwrap from a silent Vault = %v after %v, want ErrProvider after about 1s", err, time.Since(start))
	}
}
