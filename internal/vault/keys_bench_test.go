package vault

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/catalog/postgres/pgtest"
	"github.com/coffer-vault/coffer/internal/kms"
)

// BenchmarkRewrap measures key rewrap over COFFER_BENCH_VERSIONS (default
// 10000) dataset versions on each catalog: data keys per second. The
// versions are seeded straight into the catalog with real wrapped keys
// (rewrap reads and writes catalog rows only, never blobs).
func BenchmarkRewrap(b *testing.B) {
	n := 10000
	if s := os.Getenv("COFFER_BENCH_VERSIONS"); s != "" {
		n, _ = strconv.Atoi(s)
	}
	b.Run("sqlite", func(b *testing.B) { benchRewrap(b, "", n) })
	b.Run("postgres", func(b *testing.B) { benchRewrap(b, pgtest.NewDatabase(b), n) })
}

func benchRewrap(b *testing.B, catalogURL string, n int) {
	ctx := context.Background()
	home := filepath.Join(b.TempDir(), "vault")
	if err := Init(ctx, home, InitOptions{Catalog: catalogURL}); err != nil {
		b.Fatal(err)
	}
	v, err := Open(ctx, home)
	if err != nil {
		b.Fatal(err)
	}
	defer v.Close()
	seed(b, v, n)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		if _, err := v.RotateKey(ctx, kms.DefaultKEK); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		start := time.Now()
		res, err := v.RewrapKey(ctx, kms.DefaultKEK, nil)
		if err != nil || res.Moved != int64(n) {
			b.Fatalf("rewrap: %+v, %v", res, err)
		}
		b.ReportMetric(float64(n)/time.Since(start).Seconds(), "DEKs/s")
	}
}

// seed commits n versions with real wrapped data keys and no blobs.
func seed(b *testing.B, v *Vault, n int) {
	ctx := context.Background()
	for i := 0; i < n; i++ {
		dek := kms.NewDEK()
		ver := catalog.Version{Dataset: fmt.Sprintf("ds%d", i%100), ID: newVersionID(), Format: "blob",
			Classification: "internal", Owner: "bench", Creator: "bench", SHA256: make([]byte, 32), StoredSHA256: make([]byte, 32)}
		ver.BlobKey = blobKey(ver.ID)
		if err := v.commit(ctx, &ver, dek, kms.DefaultKEK); err != nil {
			b.Fatal(err)
		}
		dek.Zero()
	}
}
