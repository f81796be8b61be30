package local

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coffer-vault/coffer/internal/kms"
	"github.com/coffer-vault/coffer/internal/kms/kmstest"
	"github.com/coffer-vault/coffer/internal/kms/pkcs11"
)

// TestPKCS11Root creates a keyring sealed by a token key, checks that the
// key cannot leave the token, and opens the keyring again.
func TestPKCS11Root(t *testing.T) {
	e := kmstest.PKCS11Env(t)
	label := testKeyLabel()
	k, dir := createRoot(t, pkcs11Spec(e, label))
	ctx := context.Background()
	dek := kms.NewDEK()
	w := kmstest.Wrap(t, k, dek, []byte("ctx"))

	s, err := pkcs11.Open(pkcs11.Config{Module: e.Module, Token: e.Token, PIN: e.PIN})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	key, err := s.FindKey(label)
	if err != nil {
		t.Fatalf("the token has no key %q after CreateRoot: %v", label, err)
	}
	// CheckKey reads the attributes and tries C_GetAttributeValue(CKA_VALUE),
	// which must fail.
	if err := s.CheckKey(key); err != nil {
		t.Fatalf("CheckKey = %v", err)
	}
	if a, _ := s.Attrs(key); !a.Token || !a.Sensitive || a.Extractable || !a.NeverExtractable {
		t.Fatalf("token key attributes %+v, want token, sensitive, never extractable", a)
	}

	// The header names the token and key: opening needs only the PIN.
	t.Setenv(EnvPKCS11Module, e.Module)
	t.Setenv(EnvPKCS11PIN, e.PIN)
	k2, err := OpenRoot(ctx, dir, RootSpec{Kind: RootPKCS11})
	if err != nil {
		t.Fatalf("OpenRoot(labels from the header, module and PIN from the environment) = %v", err)
	}
	kmstest.Unwraps(t, k2, w, []byte("ctx"), dek.Bytes(), "after reopening")

	t.Setenv(EnvPKCS11PIN, "wrong-pin-9999")
	_, err = OpenRoot(ctx, dir, RootSpec{Kind: RootPKCS11})
	if err == nil || !strings.Contains(err.Error(), "wrong PIN") || strings.Contains(err.Error(), "wrong-pin-9999") {
		t.Fatalf("OpenRoot(wrong PIN) = %v, want 'wrong PIN' and not the PIN", err)
	}
	spec := pkcs11Spec(e, "another-key")
	if _, err := OpenRoot(ctx, dir, spec); err == nil || !strings.Contains(err.Error(), "sealed by key "+`"`+label+`"`) {
		t.Fatalf("OpenRoot(another key label) = %v, want it to name the key the keyring is sealed by", err)
	}
	if _, err := OpenRoot(ctx, dir, FileRoot()); err == nil || !strings.Contains(err.Error(), "pkcs11 root") {
		t.Fatalf("OpenRoot(file root) of a token keyring = %v", err)
	}
}

// TestPKCS11OtherKey swaps the token-encrypted secret of one keyring into
// another's header: the token refuses it (the labels are bound), and if it
// did not, the file's authentication would; one message either way.
func TestPKCS11OtherKey(t *testing.T) {
	e := kmstest.PKCS11Env(t)
	_, dirA := createRoot(t, pkcs11Spec(e, testKeyLabel()))
	_, dirB := createRoot(t, pkcs11Spec(e, testKeyLabel()))
	a, _ := os.ReadFile(filepath.Join(dirA, KeyringFile))
	b, _ := os.ReadFile(filepath.Join(dirB, KeyringFile))
	ha, na, _ := parseHeader(a)
	hb, _, _ := parseHeader(b)
	if len(ha.params) != len(hb.params) {
		t.Fatal("the two headers differ in length")
	}
	mixed := append(bytes.Clone(a[:na-nonceSize-len(ha.params)]), hb.params...)
	mixed = append(mixed, a[na-nonceSize:]...)
	os.WriteFile(filepath.Join(dirA, KeyringFile), mixed, 0o600)
	_, err := OpenRoot(context.Background(), dirA, RootSpec{Kind: RootPKCS11, PKCS11: pkcs11Spec(e, "").PKCS11})
	if !errors.Is(err, ErrSealed) || err.Error() != sealedMsg(dirA) {
		t.Fatalf("OpenRoot(another keyring's token secret) = %v, want %q", err, sealedMsg(dirA))
	}
}
