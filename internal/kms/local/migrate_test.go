package local

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coffer-vault/coffer/internal/kms"
	"github.com/coffer-vault/coffer/internal/kms/kmstest"
)

// plaintextOf returns the keyring's contents as the keyring file holds them,
// through a keyring opened with spec.
func plaintextOf(t *testing.T, dir string, spec RootSpec) []byte {
	t.Helper()
	k, err := OpenRoot(context.Background(), dir, spec)
	if err != nil {
		t.Fatalf("OpenRoot(%s) = %v", spec.Kind, err)
	}
	sealed, _ := os.ReadFile(filepath.Join(dir, KeyringFile))
	plain, err := k.sealer.open(sealed)
	if err != nil {
		t.Fatal(err)
	}
	return plain
}

// TestMigrateRoot moves one keyring file -> passphrase -> PKCS#11 -> file
// (the PKCS#11 leg runs where a test token is set up, and always in CI):
// after each step the new root opens it, the old one does not, and the
// contents are the same bytes.
func TestMigrateRoot(t *testing.T) {
	ctx := context.Background()
	k, dir := createRoot(t, FileRoot())
	dek := kms.NewDEK()
	w := kmstest.Wrap(t, k, dek, []byte("ctx"))
	if _, err := k.Rotate(ctx, kms.DefaultKEK); err != nil {
		t.Fatal(err)
	}
	want := plaintextOf(t, dir, FileRoot())
	chain := []RootSpec{FileRoot(), passSpec("correct horse battery staple")}
	if _, ok := kmstest.LookupPKCS11(); ok || os.Getenv("CI") == "true" {
		chain = append(chain, pkcs11Spec(kmstest.PKCS11Env(t), testKeyLabel()))
	} else {
		t.Log("no PKCS#11 test token: migrating file -> passphrase -> file only (run scripts/softhsm init)")
	}
	chain = append(chain, FileRoot())
	for i := 1; i < len(chain); i++ {
		from, to := chain[i-1], chain[i]
		if to.Kind == RootFile {
			err := MigrateRoot(ctx, dir, from, to)
			if err == nil || !strings.Contains(err.Error(), "already exists") {
				t.Fatalf("MigrateRoot to a file root over the old root.key = %v, want a refusal", err)
			}
			os.Remove(filepath.Join(dir, RootKeyFile)) // the operator retires the old root key
		}
		if err := MigrateRoot(ctx, dir, from, to); err != nil {
			t.Fatalf("MigrateRoot(%s -> %s) = %v", from.Kind, to.Kind, err)
		}
		if got := plaintextOf(t, dir, to); !bytes.Equal(got, want) {
			t.Fatalf("after %s -> %s the contents changed", from.Kind, to.Kind)
		}
		if kind, _ := RootKindOf(dir); kind != to.Kind {
			t.Fatalf("RootKindOf = %s, want %s", kind, to.Kind)
		}
		if from.Kind != to.Kind {
			if _, err := OpenRoot(ctx, dir, from); err == nil {
				t.Fatalf("the old %s root still opens the keyring", from.Kind)
			}
		}
		// An instance opened with the old root notices and fails closed.
		if _, err := k.ListKEKs(ctx); err == nil && from.Kind != to.Kind {
			t.Fatalf("an instance opened with the %s root still works after migrating to %s", from.Kind, to.Kind)
		}
		k2, err := OpenRoot(ctx, dir, to)
		if err != nil {
			t.Fatal(err)
		}
		kmstest.Unwraps(t, k2, w, []byte("ctx"), dek.Bytes(), "after migrating to "+to.Kind.String())
		k = k2
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 3 { // root.key, keyring, keyring.lock
		t.Errorf("keyring directory holds %d entries, want 3", len(entries))
	}
}

func TestMigrateRootRefuses(t *testing.T) {
	ctx := context.Background()
	_, dir := createRoot(t, FileRoot())
	orig, _ := os.ReadFile(filepath.Join(dir, KeyringFile))
	if err := MigrateRoot(ctx, dir, passSpec("not the root at all"), FileRoot()); err == nil {
		t.Fatal("MigrateRoot from the wrong kind of root succeeded")
	}
	if err := MigrateRoot(ctx, dir, FileRoot(), FileRoot()); err == nil || !strings.Contains(err.Error(), "already sealed") {
		t.Fatalf("MigrateRoot to the same root file = %v", err)
	}
	if err := MigrateRoot(ctx, dir, FileRoot(), passSpec("short")); err == nil {
		t.Fatal("MigrateRoot to a short passphrase succeeded")
	}
	if got, _ := os.ReadFile(filepath.Join(dir, KeyringFile)); !bytes.Equal(got, orig) {
		t.Fatal("a refused MigrateRoot changed the keyring")
	}
	// Changing the passphrase is a migration to the same kind.
	if err := MigrateRoot(ctx, dir, FileRoot(), passSpec("first passphrase")); err != nil {
		t.Fatal(err)
	}
	if err := MigrateRoot(ctx, dir, passSpec("first passphrase"), passSpec("second passphrase")); err != nil {
		t.Fatalf("MigrateRoot to a new passphrase = %v", err)
	}
	if _, err := OpenRoot(ctx, dir, passSpec("first passphrase")); err == nil {
		t.Fatal("the old passphrase still opens the keyring")
	}
	if _, err := OpenRoot(ctx, dir, passSpec("second passphrase")); err != nil {
		t.Fatalf("the new passphrase does not open the keyring: %v", err)
	}
	// A file root elsewhere (KeyFile).
	other := filepath.Join(t.TempDir(), "elsewhere.key")
	if err := MigrateRoot(ctx, dir, passSpec("second passphrase"), RootSpec{Kind: RootFile, KeyFile: other}); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(other); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("new root key file: %v, %v; want mode 0600", fi, err)
	}
	if _, err := OpenRoot(ctx, dir, RootSpec{Kind: RootFile, KeyFile: other}); err != nil {
		t.Fatal(err)
	}
}
