package vault_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/catalog/postgres/pgtest"
	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/seal"
	"github.com/coffer-vault/coffer/internal/vault"
)

const testChunk = 1024 // small chunks so that tests cross many boundaries

// newVault creates a vault in a temporary directory. catalogURL "" is SQLite.
func newVault(t testing.TB, catalogURL string) *vault.Vault {
	t.Helper()
	home := filepath.Join(t.TempDir(), "vault")
	ctx := context.Background()
	if err := vault.Init(ctx, home, vault.InitOptions{Catalog: catalogURL, ChunkSize: testChunk}); err != nil {
		t.Fatalf("Init: %v", err)
	}
	v, err := vault.Open(ctx, home)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

func randBytes(t *testing.T, n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func put(t *testing.T, v *vault.Vault, name string, data []byte) catalog.Version {
	t.Helper()
	ver, err := v.Put(context.Background(), name, bytes.NewReader(data), vault.PutOptions{})
	if err != nil {
		t.Fatalf("Put(%s): %v", name, err)
	}
	return ver
}

func get(v *vault.Vault, name string, n int64) ([]byte, error) {
	var buf bytes.Buffer
	_, err := v.Get(context.Background(), vault.Ref{Name: name, Version: n}, &buf)
	return buf.Bytes(), err
}

func blobPath(v *vault.Vault, ver catalog.Version) string {
	return filepath.Join(v.Home, "blobs", filepath.FromSlash(ver.BlobKey))
}

// backends runs f on a vault with each catalog backend.
func backends(t *testing.T, f func(t *testing.T, v *vault.Vault)) {
	t.Run("sqlite", func(t *testing.T) { f(t, newVault(t, "")) })
	t.Run("postgres", func(t *testing.T) { f(t, newVault(t, pgtest.NewDatabase(t))) })
}

func TestPutGetRoundTrip(t *testing.T) { backends(t, roundTrip) }

func roundTrip(t *testing.T, v *vault.Vault) {
	for i, n := range []int{0, 1, testChunk - 1, testChunk, testChunk + 1, 10*testChunk + 7, 1 << 20} {
		data := randBytes(t, n)
		ver := put(t, v, "ds", data)
		if ver.Number != int64(i+1) {
			t.Fatalf("Put #%d got version %d", i+1, ver.Number)
		}
		if sum := sha256.Sum256(data); !bytes.Equal(ver.SHA256, sum[:]) || ver.Size != int64(n) {
			t.Fatalf("Put(%d bytes) recorded size %d sha %x", n, ver.Size, ver.SHA256)
		}
		got, err := get(v, "ds", ver.Number)
		if err != nil || !bytes.Equal(got, data) {
			t.Fatalf("Get(ds@%d) = %d bytes, %v; want %d identical bytes", ver.Number, len(got), err, n)
		}
	}
	if _, err := v.Verify(context.Background(), nil); err != nil {
		t.Fatalf("Verify: %v", err)
	}
}

// tamperCase damages the stored object of a (and possibly b) on disk.
type tamperCase struct {
	name string
	do   func(t *testing.T, a, b string)
}

func tamperCases(size int64) []tamperCase {
	hdr := int64(seal.HeaderSize)
	chunk := int64(testChunk + 16)
	cases := []tamperCase{
		{"flip header byte 0", flipAt(0)},
		{"flip header byte 20", flipAt(20)},
		{"flip last byte", flipAt(size - 1)},
		{"flip payload byte", flipAt(hdr + 3*chunk + 5)},
		{"append a byte", func(t *testing.T, a, _ string) { appendTo(t, a, []byte{0}) }},
		{"append a chunk copy", func(t *testing.T, a, _ string) {
			b := readFile(t, a)
			appendTo(t, a, b[len(b)-int(chunk):])
		}},
		{"swap blobs of two versions", swapFiles},
		{"truncate to zero", truncTo(0)},
		{"truncate inside header", truncTo(10)},
		{"truncate one byte", truncTo(size - 1)},
	}
	for _, k := range []int64{0, 1, 7, 19, 20} { // at and inside chunk boundaries
		cases = append(cases, tamperCase{"truncate at chunk boundary " + itoa(k), truncTo(hdr + k*chunk)})
		cases = append(cases, tamperCase{"truncate inside chunk " + itoa(k), truncTo(hdr + k*chunk + 100)})
	}
	cases = append(cases, tamperCase{"swap two chunks", func(t *testing.T, a, _ string) {
		b := readFile(t, a)
		tail := len(b) - 2*int(chunk) - 10 // two whole chunks before the last
		start := tail - 2*int(chunk)
		c1 := append([]byte(nil), b[start:start+int(chunk)]...)
		copy(b[start:], b[start+int(chunk):start+2*int(chunk)])
		copy(b[start+int(chunk):], c1)
		writeFile(t, a, b)
	}})
	return cases
}

func TestTamperDetected(t *testing.T) {
	v := newVault(t, "")
	data := randBytes(t, 20*testChunk+123)
	other := randBytes(t, len(data))
	for _, tc := range tamperCases(int64(len(data))) {
		t.Run(tc.name, func(t *testing.T) {
			a := put(t, v, "target", data)
			b := put(t, v, "target", other)
			tc.do(t, blobPath(v, a), blobPath(v, b))
			wantIntegrity(t, v, a)
		})
	}
	t.Run("swap blobs of two datasets", func(t *testing.T) {
		a := put(t, v, "one", data)
		b := put(t, v, "two", other)
		swapFiles(t, blobPath(v, a), blobPath(v, b))
		wantIntegrity(t, v, a)
		wantIntegrity(t, v, b)
	})
	t.Run("missing blob", func(t *testing.T) {
		a := put(t, v, "gone", data)
		os.Remove(blobPath(v, a))
		wantIntegrity(t, v, a)
	})
}

func wantIntegrity(t *testing.T, v *vault.Vault, ver catalog.Version) {
	t.Helper()
	ref := vault.Ref{Name: ver.Dataset, Version: ver.Number}
	want := ver.Dataset + "@" + itoa(ver.Number)
	_, err := v.Get(context.Background(), ref, io.Discard)
	if fault.KindOf(err) != fault.Integrity || !strings.Contains(err.Error(), want) {
		t.Fatalf("Get(%s) after tampering = %v; want an integrity error naming %s", want, err, want)
	}
	if code := fault.KindOf(err).ExitCode(); code != 4 {
		t.Fatalf("exit code %d, want 4", code)
	}
	out := filepath.Join(t.TempDir(), "out")
	if _, err := v.GetFile(context.Background(), ref, out, nil); fault.KindOf(err) != fault.Integrity {
		t.Fatalf("GetFile(%s) = %v; want an integrity error", want, err)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Fatalf("GetFile(%s) failed but left %s", want, out)
	}
	if ents, _ := os.ReadDir(filepath.Dir(out)); len(ents) != 0 {
		t.Fatalf("GetFile(%s) left files behind: %v", want, ents)
	}
	if _, err := v.Verify(context.Background(), &ref); fault.KindOf(err) != fault.Integrity || !strings.Contains(err.Error(), want) {
		t.Fatalf("Verify(%s) after tampering = %v; want an integrity error naming it", want, err)
	}
}

func flipAt(off int64) func(t *testing.T, a, _ string) {
	return func(t *testing.T, a, _ string) {
		b := readFile(t, a)
		b[off] ^= 0x40
		writeFile(t, a, b)
	}
}

func truncTo(n int64) func(t *testing.T, a, _ string) {
	return func(t *testing.T, a, _ string) {
		if err := os.Truncate(a, n); err != nil {
			t.Fatal(err)
		}
	}
}

func swapFiles(t *testing.T, a, b string) {
	ab, bb := readFile(t, a), readFile(t, b)
	writeFile(t, a, bb)
	writeFile(t, b, ab)
}

func appendTo(t *testing.T, p string, extra []byte) {
	writeFile(t, p, append(readFile(t, p), extra...))
}

func readFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t *testing.T, p string, b []byte) {
	t.Helper()
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// TestWrongKeyFailsClosed: a vault opened with another vault's root key,
// or with a tampered keyring, refuses to open; a wrapped DEK that does not
// match its context (a catalog row moved to another dataset) refuses to read.
func TestWrongKeyFailsClosed(t *testing.T) {
	ctx := context.Background()
	v := newVault(t, "")
	put(t, v, "ds", randBytes(t, 5000))
	other := newVault(t, "")
	v.Close()
	root := filepath.Join(v.Home, "keys", "root.key")
	writeFile(t, root, readFile(t, filepath.Join(other.Home, "keys", "root.key")))
	_, err := vault.Open(ctx, v.Home)
	if fault.KindOf(err) != fault.Integrity || !strings.Contains(err.Error(), "wrong root key or tampered keyring") {
		t.Fatalf("Open with another root key = %v; want an integrity error", err)
	}
	os.Remove(root)
	if _, err := vault.Open(ctx, v.Home); err == nil || !strings.Contains(err.Error(), "coffer init") {
		t.Fatalf("Open without a root key = %v; want an error with the init hint", err)
	}
}
