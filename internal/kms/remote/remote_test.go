package remote

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/coffer-vault/coffer/internal/kms"
	"github.com/coffer-vault/coffer/internal/kms/kmstest"
)

// newKeyURL returns a base64key:// URL holding a fresh random key, and the
// key.
func newKeyURL(t testing.TB) (string, []byte) {
	t.Helper()
	key := make([]byte, 32)
	rand.Read(key)
	return "base64key://" + base64.URLEncoding.EncodeToString(key), key
}

func create(t testing.TB, url string, opts ...Option) (*Keyring, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "keys")
	k, err := Create(context.Background(), dir, url, opts...)
	if err != nil {
		t.Fatalf("Create = %v", err)
	}
	t.Cleanup(func() { k.Close() })
	return k, dir
}

func TestConformance(t *testing.T) {
	t.Run("Cached", func(t *testing.T) {
		kmstest.Run(t, func(t *testing.T) kms.Keyring {
			url, _ := newKeyURL(t)
			k, _ := create(t, url)
			return k
		})
	})
	t.Run("Uncached", func(t *testing.T) {
		kmstest.Run(t, func(t *testing.T) kms.Keyring {
			url, _ := newKeyURL(t)
			k, _ := create(t, url, WithCache(0, 0, 0))
			return k
		})
	})
	t.Run("Reopened", func(t *testing.T) {
		kmstest.Run(t, func(t *testing.T) kms.Keyring {
			url, _ := newKeyURL(t)
			k, dir := create(t, url)
			k.Close()
			k, err := Open(context.Background(), dir, url)
			if err != nil {
				t.Fatalf("Open = %v", err)
			}
			t.Cleanup(func() { k.Close() })
			return k
		})
	})
}

func TestKeyIDAndKEKNames(t *testing.T) {
	ctx := context.Background()
	url, _ := newKeyURL(t)
	k, _ := create(t, url)
	dek := kms.NewDEK()
	for _, kek := range []string{kms.DefaultKEK, "remote-base64key"} {
		if _, id, err := k.WrapWith(ctx, kek, dek, nil); err != nil || id != "remote-base64key@1" {
			t.Errorf("WrapWith(%q) = %q, %v; want remote-base64key@1, nil", kek, id, err)
		}
	}
	if _, _, err := k.WrapWith(ctx, "restricted", dek, nil); !errors.Is(err, kms.ErrNotFound) {
		t.Errorf("WrapWith(restricted) err = %v, want kms.ErrNotFound", err)
	}
	named, _ := create(t, url, WithName("aws-prod"))
	w, id, err := named.Wrap(ctx, dek, nil)
	if err != nil || id != "aws-prod@1" {
		t.Fatalf("Wrap with WithName(aws-prod) = %q, %v", id, err)
	}
	// The same KMS key, another KEK name: the name is bound, so refused.
	if _, err := k.Unwrap(ctx, w, nil); !errors.Is(err, kms.ErrUnwrap) {
		t.Fatalf("Unwrap of another KEK's key err = %v, want kms.ErrUnwrap", err)
	}
	if _, err := Create(ctx, t.TempDir(), url, WithName("Bad_Name")); err == nil {
		t.Fatal("Create accepted KEK name Bad_Name")
	}
}

func TestWrongKeyURL(t *testing.T) {
	ctx := context.Background()
	url1, _ := newKeyURL(t)
	url2, _ := newKeyURL(t)
	k1, dir1 := create(t, url1)
	k2, _ := create(t, url2) // same KEK name, another KMS key
	dek := kms.NewDEK()
	aad := []byte("dataset=x;version=1")
	w := kmstest.Wrap(t, k1, dek, aad)
	kmstest.MustFail(t, k2, w, aad, dek.Bytes(), "another base64key")
	if _, err := Open(ctx, dir1, url2); !errors.Is(err, ErrSealed) {
		t.Fatalf("Open with another key's URL err = %v, want ErrSealed", err)
	}
}

func TestTamperedEnvelope(t *testing.T) {
	url, _ := newKeyURL(t)
	k, _ := create(t, url, WithCache(0, 0, 0))
	dek := kms.NewDEK()
	aad := []byte("ctx")
	w := kmstest.Wrap(t, k, dek, aad)
	e, ok := parseEnvelope(w)
	if !ok {
		t.Fatal("parseEnvelope(Wrap()) failed")
	}
	cases := map[string][]byte{
		"format byte":        append([]byte{0x01}, w[1:]...),
		"name":               marshalEnvelope("remote-base64kez", e.ciphertext),
		"ciphertext byte":    append(bytes.Clone(w[:len(w)-1]), w[len(w)-1]^1),
		"ciphertext shorter": marshalEnvelope(e.name, e.ciphertext[1:]),
		"ciphertext longer":  marshalEnvelope(e.name, append(bytes.Clone(e.ciphertext), 0)),
		"length field":       append(append(bytes.Clone(w[:len(e.header)]), 0xff, 0xff), e.ciphertext...),
	}
	for name, bad := range cases {
		kmstest.MustFail(t, k, bad, aad, dek.Bytes(), name)
	}
	for _, other := range []string{"", "ctx ", "CTX", "ct"} {
		kmstest.MustFail(t, k, w, []byte(other), dek.Bytes(), "aad "+other)
	}
}

// TestAADBindingInside checks the binding itself: a KMS ciphertext of an
// envelope made for another context fails even though the KMS decrypts it.
func TestAADBindingInside(t *testing.T) {
	url, _ := newKeyURL(t)
	k, _ := create(t, url, WithCache(0, 0, 0))
	ctx := context.Background()
	dek := kms.NewDEK()
	hdr := envelopeHeader(k.b.name)
	for _, inner := range [][]byte{
		sealInner(labelDEK, hdr, []byte("other"), dek.Bytes()),
		sealInner(labelAudit, hdr, []byte("ctx"), dek.Bytes()),
		append([]byte{2}, sealInner(labelDEK, hdr, []byte("ctx"), dek.Bytes())[1:]...),
		sealInner(labelDEK, hdr, []byte("ctx"), dek.Bytes())[:innerSize-1],
	} {
		ct, err := k.b.keeper.Encrypt(ctx, inner)
		if err != nil {
			t.Fatal(err)
		}
		kmstest.MustFail(t, k, marshalEnvelope(k.b.name, ct), []byte("ctx"), dek.Bytes(), "forged inner envelope")
	}
}

func TestAuditKeyFile(t *testing.T) {
	ctx := context.Background()
	url, _ := newKeyURL(t)
	k, dir := create(t, url)
	want, _ := k.AuditKey(ctx)
	path := filepath.Join(dir, AuditKeyFile)
	for p, mode := range map[string]os.FileMode{dir: 0o700, path: 0o600} {
		if fi, err := os.Stat(p); err != nil || fi.Mode().Perm() != mode {
			t.Errorf("%s: mode %v, %v; want %04o", p, fi.Mode().Perm(), err, mode)
		}
	}
	k2, err := Open(ctx, dir, url)
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	defer k2.Close()
	if got, _ := k2.AuditKey(ctx); !bytes.Equal(got, want) {
		t.Fatal("Open's audit key differs from Create's")
	}
	if _, err := Create(ctx, dir, url); err == nil {
		t.Fatal("Create over an existing audit.key succeeded")
	}
	if _, err := Open(ctx, dir, url, WithName("other")); !errors.Is(err, ErrSealed) {
		t.Fatalf("Open with another KEK name err = %v, want ErrSealed", err)
	}
	if _, err := Open(ctx, t.TempDir(), url); err == nil || !bytes.Contains([]byte(err.Error()), []byte("coffer init")) {
		t.Fatalf("Open of an empty directory err = %v, want a hint to run coffer init", err)
	}
}

func TestAuditKeyTamperFailsClosed(t *testing.T) {
	ctx := context.Background()
	url, _ := newKeyURL(t)
	_, dir := create(t, url)
	path := filepath.Join(dir, AuditKeyFile)
	good, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	try := func(what string, bad []byte) {
		t.Helper()
		if err := os.WriteFile(path, bad, 0o600); err != nil {
			t.Fatal(err)
		}
		k, err := Open(ctx, dir, url)
		if err == nil {
			k.Close()
			t.Fatalf("Open with audit.key %s succeeded", what)
		}
		if !errors.Is(err, ErrSealed) {
			t.Fatalf("Open with audit.key %s err = %v, want ErrSealed", what, err)
		}
	}
	for i := range good {
		for _, mask := range []byte{0x01, 0x80} {
			bad := bytes.Clone(good)
			bad[i] ^= mask
			try("with a byte flipped", bad)
		}
	}
	for n := range len(good) {
		try("truncated", good[:n])
	}
	try("extended", append(bytes.Clone(good), 0))
	// A data key's wrap moved into audit.key: the labels differ.
	if err := os.WriteFile(path, good, 0o600); err != nil {
		t.Fatal(err)
	}
	k, err := Open(ctx, dir, url)
	if err != nil {
		t.Fatalf("Open after restoring audit.key = %v", err)
	}
	defer k.Close()
	w, _, _ := k.b.WrapWith(ctx, kms.DefaultKEK, kms.NewDEK(), []byte(auditAAD))
	try("holding a data key", append([]byte(auditMagic), w...))
}

// TestExternalKMS runs the conformance suite against a real KMS when
// COFFER_TEST_KMS_URL names one (with its credentials in the environment,
// see docs/kms-remote.md); no KMS is reachable from CI, so it skips there.
func TestExternalKMS(t *testing.T) {
	url := os.Getenv("COFFER_TEST_KMS_URL")
	if url == "" {
		t.Skip("COFFER_TEST_KMS_URL not set: no external KMS to test against")
	}
	kmstest.Run(t, func(t *testing.T) kms.Keyring {
		k, _ := create(t, url, WithCache(0, 0, 0))
		return k
	})
}
