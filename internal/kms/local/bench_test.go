package local

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/kms"
	"github.com/coffer-vault/coffer/internal/kms/kmstest"
)

// BenchmarkUnwrap measures DEK unwrap latency: straight from the keyring
// (which stats the keyring file on every call to see other processes'
// changes), from a keyring held only in memory (no stat: the cost of that
// check), and through a Cache, hit and miss.
func BenchmarkUnwrap(b *testing.B) {
	ctx := context.Background()
	k, err := Create(filepath.Join(b.TempDir(), "keys"))
	if err != nil {
		b.Fatal(err)
	}
	mem, _ := fuzzKeyring(b)
	aad := []byte(`{"dataset":"census","version":"01J0000000000000000000000","classification":"restricted"}`)
	run := func(name string, kr kms.Keyring, fresh bool) {
		b.Run(name, func(b *testing.B) {
			w, _, _ := kr.Wrap(ctx, kms.NewDEK(), aad)
			ws := [][]byte{w}
			if fresh { // a distinct wrapped key per call: every call misses
				ws = make([][]byte, b.N)
				for i := range ws {
					ws[i], _, _ = kr.Wrap(ctx, kms.NewDEK(), aad)
				}
			}
			b.ReportAllocs()
			b.ResetTimer()
			for i := range b.N {
				dek, err := kr.Unwrap(ctx, ws[i%len(ws)], aad)
				if err != nil {
					b.Fatal(err)
				}
				dek.Zero()
			}
		})
	}
	run("keyring", k, false)
	run("memory-only", mem, false)
	hit := kms.NewCache(k, time.Hour, 1<<30, 1024)
	defer hit.Close()
	run("cache-hit", hit, false)
	miss := kms.NewCache(k, time.Hour, 1<<30, 1024)
	defer miss.Close()
	run("cache-miss", miss, true)
}

func BenchmarkWrap(b *testing.B) {
	k, err := Create(filepath.Join(b.TempDir(), "keys"))
	if err != nil {
		b.Fatal(err)
	}
	dek := kms.NewDEK()
	b.ReportAllocs()
	for b.Loop() {
		if _, _, err := k.Wrap(context.Background(), dek, []byte("ctx")); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkRewrap is one DEK moved to the primary version: the keyring's
// share of a catalog rewrap (the catalog's share is measured there).
func BenchmarkRewrap(b *testing.B) {
	ctx := context.Background()
	k, err := Create(filepath.Join(b.TempDir(), "keys"))
	if err != nil {
		b.Fatal(err)
	}
	w, _, _ := k.Wrap(ctx, kms.NewDEK(), []byte("ctx"))
	if _, err := k.Rotate(ctx, kms.DefaultKEK); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, _, changed, err := k.Rewrap(ctx, w, []byte("ctx")); err != nil || !changed {
			b.Fatal(err)
		}
	}
}

// BenchmarkChange is one lifecycle change: lock, read, open, seal, write,
// fsync, rename, fsync the directory.
func BenchmarkChange(b *testing.B) {
	ctx := context.Background()
	k, err := Create(filepath.Join(b.TempDir(), "keys"))
	if err != nil {
		b.Fatal(err)
	}
	k.Rotate(ctx, kms.DefaultKEK)
	for i := 0; b.Loop(); i++ {
		op := k.Disable
		if i%2 == 1 {
			op = k.Enable
		}
		if _, err := op(ctx, kms.DefaultKEK, 1); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkOpen is the cost of opening a keyring with each root: the
// passphrase root at DefaultArgon2, the token root against the test token.
func BenchmarkOpen(b *testing.B) {
	ctx := context.Background()
	bench := func(name string, spec RootSpec) {
		b.Run(name, func(b *testing.B) {
			dir := filepath.Join(b.TempDir(), "keys")
			if _, err := CreateRoot(ctx, dir, spec); err != nil {
				b.Fatal(err)
			}
			for b.Loop() {
				if _, err := OpenRoot(ctx, dir, spec); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	bench("file", FileRoot())
	p := passSpec("correct horse battery staple")
	p.Argon2 = DefaultArgon2
	bench("passphrase", p)
	if e, ok := kmstest.LookupPKCS11(); ok {
		bench("pkcs11", pkcs11Spec(e, testKeyLabel()))
	}
}
