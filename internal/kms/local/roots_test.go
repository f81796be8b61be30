package local

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/kms"
	"github.com/coffer-vault/coffer/internal/kms/kmstest"
)

// testArgon2 is the cheapest cost the header accepts, to keep tests fast.
var testArgon2 = Argon2Params{Time: 1, MemoryKiB: minArgon2Memory, Threads: 1}

func passSpec(pass string) RootSpec {
	return RootSpec{Kind: RootPassphrase, Argon2: testArgon2,
		Passphrase: func(context.Context) ([]byte, error) { return []byte(pass), nil }}
}

func pkcs11Spec(e kmstest.PKCS11, key string) RootSpec {
	return RootSpec{Kind: RootPKCS11, PKCS11: PKCS11Spec{Module: e.Module, Token: e.Token, Key: key,
		PIN: func(context.Context) (string, error) { return e.PIN, nil }}}
}

// testKeyLabel is a fresh token key label, so each test makes its own key.
func testKeyLabel() string {
	b := make([]byte, 6)
	rand.Read(b)
	return "coffer-test-" + hex.EncodeToString(b)
}

type rootCase struct {
	name string
	spec func(t *testing.T) RootSpec // may skip the test
}

var rootCases = []rootCase{
	{"file", func(*testing.T) RootSpec { return FileRoot() }},
	{"passphrase", func(*testing.T) RootSpec { return passSpec("correct horse battery staple") }},
	{"pkcs11", func(t *testing.T) RootSpec { return pkcs11Spec(kmstest.PKCS11Env(t), testKeyLabel()) }},
}

func createRoot(t *testing.T, spec RootSpec) (*Keyring, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "keys")
	k, err := CreateRoot(context.Background(), dir, spec)
	if err != nil {
		t.Fatalf("CreateRoot(%s) = %v", spec.Kind, err)
	}
	return k, dir
}

// TestConformanceRoots runs both conformance suites on a keyring sealed by
// every kind of root, and the Keyring suite on a cache in front of it.
func TestConformanceRoots(t *testing.T) {
	for _, rc := range rootCases {
		t.Run(rc.name, func(t *testing.T) {
			spec := rc.spec(t)
			kmstest.Run(t, func(t *testing.T) kms.Keyring { k, _ := createRoot(t, spec); return k })
			kmstest.RunManager(t, func(t *testing.T) kms.Manager { k, _ := createRoot(t, spec); return k })
			t.Run("Cache", func(t *testing.T) {
				kmstest.Run(t, func(t *testing.T) kms.Keyring {
					k, _ := createRoot(t, spec)
					c := kms.NewCache(k, time.Minute, 8, 64)
					t.Cleanup(func() { c.Close() })
					return c
				})
			})
		})
	}
}

// TestReopenRoots reopens a changed keyring with each root and finds it
// whole; another instance sees the changes without reopening.
func TestReopenRoots(t *testing.T) {
	for _, rc := range rootCases {
		t.Run(rc.name, func(t *testing.T) {
			spec := rc.spec(t)
			k, dir := createRoot(t, spec)
			ctx := context.Background()
			dek := kms.NewDEK()
			w := kmstest.Wrap(t, k, dek, []byte("ctx"))
			other, err := OpenRoot(ctx, dir, spec)
			if err != nil {
				t.Fatalf("OpenRoot = %v", err)
			}
			if _, err := k.Rotate(ctx, kms.DefaultKEK); err != nil {
				t.Fatal(err)
			}
			if _, err := k.Disable(ctx, kms.DefaultKEK, 1); err != nil {
				t.Fatal(err)
			}
			kmstest.StateErr(t, other, w, []byte("ctx"), kms.ErrDisabled, "default@1")
			if _, id, _ := other.Wrap(ctx, dek, nil); id != "default@2" {
				t.Fatalf("the other instance wraps under %s, want default@2", id)
			}
			again, err := OpenRoot(ctx, dir, spec)
			if err != nil {
				t.Fatalf("OpenRoot after changes = %v", err)
			}
			a, _ := k.ListKEKs(ctx)
			b, _ := again.ListKEKs(ctx)
			if !equalKEKs(a, b) {
				t.Fatalf("reopened keyring lists %+v, want %+v", b, a)
			}
		})
	}
}

func equalKEKs(a, b []kms.KEKInfo) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i].Name != b[i].Name || a[i].Primary != b[i].Primary || len(a[i].Versions) != len(b[i].Versions) {
			return false
		}
		for j, v := range a[i].Versions {
			w := b[i].Versions[j]
			if v.KeyID() != w.KeyID() || v.State != w.State || !v.Created.Equal(w.Created) ||
				!v.DeletionDate.Equal(w.DeletionDate) || !v.Destroyed.Equal(w.Destroyed) {
				return false
			}
		}
	}
	return true
}

func sealedMsg(dir string) string {
	return "kms: keyring " + filepath.Join(dir, KeyringFile) + " cannot be opened: wrong root key or tampered keyring"
}

func TestWrongPassphrase(t *testing.T) {
	_, dir := createRoot(t, passSpec("correct horse battery staple"))
	for _, pass := range []string{"correct horse battery stapler", "x", "Correct horse battery staple"} {
		_, err := OpenRoot(context.Background(), dir, passSpec(pass))
		if err == nil || !errors.Is(err, ErrSealed) || err.Error() != sealedMsg(dir) {
			t.Fatalf("OpenRoot(wrong passphrase) = %v, want %q", err, sealedMsg(dir))
		}
	}
}

func TestPassphraseSources(t *testing.T) {
	ctx := context.Background()
	t.Setenv(EnvPassphrase, "")
	dir := filepath.Join(t.TempDir(), "keys")
	env := RootSpec{Kind: RootPassphrase, Argon2: testArgon2}
	if _, err := CreateRoot(ctx, dir, env); err == nil || !strings.Contains(err.Error(), EnvPassphrase) {
		t.Fatalf("CreateRoot without a passphrase = %v, want it to name %s", err, EnvPassphrase)
	}
	if _, err := CreateRoot(ctx, dir, passSpec("short")); err == nil || !strings.Contains(err.Error(), "at least 8 bytes") {
		t.Fatalf("CreateRoot(short passphrase) = %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, KeyringFile)); err == nil {
		t.Fatal("a refused CreateRoot wrote a keyring")
	}
	t.Setenv(EnvPassphrase, "from the environment")
	if _, err := CreateRoot(ctx, dir, env); err != nil {
		t.Fatalf("CreateRoot with %s = %v", EnvPassphrase, err)
	}
	if _, err := OpenRoot(ctx, dir, passSpec("from the environment")); err != nil {
		t.Fatalf("OpenRoot(callback) of a keyring made from the environment = %v", err)
	}
	if k, err := RootKindOf(dir); err != nil || k != RootPassphrase {
		t.Fatalf("RootKindOf = %v, %v", k, err)
	}
	if _, err := OpenRoot(ctx, dir, FileRoot()); err == nil || !strings.Contains(err.Error(), "sealed by a passphrase root, not a file root") {
		t.Fatalf("OpenRoot(file root) of a passphrase keyring = %v", err)
	}
	bad := RootSpec{Kind: RootPassphrase, Argon2: Argon2Params{Time: 1, MemoryKiB: 1024, Threads: 1}}
	if _, err := CreateRoot(ctx, t.TempDir(), bad); err == nil || !strings.Contains(err.Error(), "Argon2id cost") {
		t.Fatalf("CreateRoot(1 MiB Argon2id) = %v, want a refusal", err)
	}
}

// TestTamperedRoots changes bytes of passphrase- and token-sealed keyrings
// (every byte of the header and root parameters, some of the ciphertext):
// Open must fail every time, in one message past the root kind.
func TestTamperedRoots(t *testing.T) {
	for _, rc := range rootCases[1:] {
		t.Run(rc.name, func(t *testing.T) {
			spec := rc.spec(t)
			_, dir := createRoot(t, spec)
			path := filepath.Join(dir, KeyringFile)
			orig, _ := os.ReadFile(path)
			h, n, err := parseHeader(orig)
			if err != nil || len(h.params) == 0 {
				t.Fatalf("header: %v, %d bytes of parameters", err, len(h.params))
			}
			var positions []int
			for i := len(magic); i < n; i++ {
				positions = append(positions, i)
			}
			positions = append(positions, n, n+len(orig[n:])/2, len(orig)-1)
			for _, i := range positions {
				for _, mask := range []byte{0x01, 0x80} {
					b := bytes.Clone(orig)
					b[i] ^= mask
					os.WriteFile(path, b, 0o600)
					_, err := OpenRoot(context.Background(), dir, spec)
					if err == nil {
						t.Fatalf("OpenRoot with byte %d changed succeeded", i)
					}
					// A changed token or key label is named as such: labels
					// are not secret, and it tells a misconfigured root apart.
					labels := spec.Kind == RootPKCS11 && strings.Contains(err.Error(), "is sealed by key")
					if i > len(magic)+1 && err.Error() != sealedMsg(dir) && !labels {
						t.Fatalf("OpenRoot with byte %d changed = %q, want %q", i, err, sealedMsg(dir))
					}
				}
			}
			os.WriteFile(path, orig, 0o600)
			if _, err := OpenRoot(context.Background(), dir, spec); err != nil {
				t.Fatalf("OpenRoot of the restored file = %v", err)
			}
		})
	}
}
