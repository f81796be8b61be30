package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	mrand "math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/catalog/postgres/pgtest"
	"github.com/coffer-vault/coffer/internal/vault"
)

// coffer runs the test binary as coffer in a separate process.
func coffer(home string, args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], append([]string{"--home", home}, args...)...)
	cmd.Env = append(os.Environ(), "COFFER_TEST_AS_MAIN=1")
	return cmd
}

func initVault(t *testing.T, catalogURL string) string {
	t.Helper()
	home := filepath.Join(t.TempDir(), "vault")
	args := []string{"init"}
	if catalogURL != "" {
		args = append(args, "--catalog", catalogURL)
	}
	if out, err := coffer(home, args...).CombinedOutput(); err != nil {
		t.Fatalf("coffer init: %v\n%s", err, out)
	}
	return home
}

func writeRandom(t *testing.T, path string, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	rand.Read(b)
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(b)
	return sum[:]
}

// TestCrashDuringPut kills coffer put with SIGKILL at random points. After
// every kill no partial version may be visible, every visible version must
// verify and read back byte-identical, and version numbers stay gap-free;
// leftovers are reported by verify and removed by gc.
func TestCrashDuringPut(t *testing.T) {
	home := initVault(t, "")
	src := filepath.Join(t.TempDir(), "data.bin")
	want := writeRandom(t, src, 16<<20)
	start := time.Now()
	if out, err := coffer(home, "put", "ds", src).CombinedOutput(); err != nil {
		t.Fatalf("put: %v\n%s", err, out)
	}
	full := time.Since(start)
	const attempts = 30
	completed := 1
	for i := 0; i < attempts; i++ {
		cmd := coffer(home, "put", "ds", src)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		time.Sleep(time.Duration(mrand.Int64N(int64(full) * 3 / 2)))
		cmd.Process.Signal(syscall.SIGKILL)
		if err := cmd.Wait(); err == nil {
			completed++
		}
	}
	ctx := context.Background()
	v, err := vault.Open(ctx, home)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	vers, err := v.Versions(ctx, "ds")
	if err != nil {
		t.Fatal(err)
	}
	if len(vers) < completed || len(vers) > attempts+1 {
		t.Fatalf("%d versions after %d completed and %d killed puts", len(vers), completed, attempts)
	}
	for i, ver := range vers {
		if ver.Number != int64(i+1) || !bytes.Equal(ver.SHA256, want) {
			t.Fatalf("version %d: number %d sha %x; want gap-free numbers and sha %x", i+1, ver.Number, ver.SHA256, want)
		}
	}
	rep, err := v.Verify(ctx, nil)
	if err != nil {
		t.Fatalf("verify after crashes: %v", err)
	}
	t.Logf("%d puts: %d finished before the kill, %d killed (%d of those committed before dying); %d versions verified; %d leftovers reported",
		attempts, completed-1, attempts-(completed-1), len(vers)-completed, len(rep.Checks), len(rep.Leftovers))
	if _, err := v.GC(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if rep, err = v.Verify(ctx, nil); err != nil || len(rep.Leftovers) != 0 {
		t.Fatalf("verify after gc: %v, %d leftovers", err, len(rep.Leftovers))
	}
	if _, err := v.VerifyAudit(ctx); err != nil {
		t.Fatalf("audit verify after crashes: %v", err)
	}
}

// TestConcurrentPuts runs puts to one dataset from separate processes at
// once: the versions must be 1..N, distinct, and hold every input.
func TestConcurrentPuts(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { concurrentPuts(t, "") })
	t.Run("postgres", func(t *testing.T) { concurrentPuts(t, newPostgresDB(t)) })
}

func concurrentPuts(t *testing.T, catalogURL string) {
	home := initVault(t, catalogURL)
	const procs, each = 6, 4
	dir := t.TempDir()
	want := map[string]bool{}
	var wg sync.WaitGroup
	errs := make(chan error, procs*each)
	for p := 0; p < procs; p++ {
		var files []string
		for j := 0; j < each; j++ {
			f := filepath.Join(dir, fmt.Sprintf("in-%d-%d", p, j))
			want[hex.EncodeToString(writeRandom(t, f, 256<<10+p*1000+j))] = true
			files = append(files, f)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for _, f := range files {
				if out, err := coffer(home, "put", "shared", f).CombinedOutput(); err != nil {
					errs <- fmt.Errorf("put %s: %v: %s", f, err, out)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	ctx := context.Background()
	v, err := vault.Open(ctx, home)
	if err != nil {
		t.Fatal(err)
	}
	defer v.Close()
	vers, err := v.Versions(ctx, "shared")
	if err != nil {
		t.Fatal(err)
	}
	if len(vers) != procs*each {
		t.Fatalf("%d versions, want %d", len(vers), procs*each)
	}
	for i, ver := range vers {
		sum := hex.EncodeToString(ver.SHA256)
		if ver.Number != int64(i+1) || !want[sum] {
			t.Fatalf("version %d: number %d, sha %s unknown or repeated", i+1, ver.Number, sum)
		}
		delete(want, sum)
	}
	if _, err := v.Verify(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := v.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
}

func newPostgresDB(t *testing.T) string { return pgtest.NewDatabase(t) }
