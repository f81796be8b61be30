package disk

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coffer-vault/coffer/internal/blob"
	"github.com/coffer-vault/coffer/internal/blob/blobtest"
)

func newDisk(t *testing.T) *Disk {
	t.Helper()
	d, err := New(filepath.Join(t.TempDir(), "blobs"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func TestConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store { return newDisk(t) })
}

func dirOf(d *Disk) string { return d.root.Name() }

func TestTempLeftover(t *testing.T) {
	d := newDisk(t)
	ctx := context.Background()
	blobtest.Put(t, d, "a/b", []byte("object"))
	// A crash between creating the temporary file and linking it.
	for _, p := range []string{"a/" + tempName(), tempName()} {
		if err := os.WriteFile(filepath.Join(dirOf(d), p), []byte("partial"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	var temps []string
	for _, i := range blobtest.ListAll(t, d) {
		if i.Temp {
			temps = append(temps, i.Key)
			if i.Size != int64(len("partial")) {
				t.Errorf("leftover %q Size = %d, want %d", i.Key, i.Size, len("partial"))
			}
		} else if i.Key != "a/b" {
			t.Errorf("List reports object %q, want only a/b", i.Key)
		}
	}
	if len(temps) != 2 {
		t.Fatalf("List reports leftovers %q, want 2", temps)
	}
	for _, k := range temps {
		if _, err := d.Open(ctx, k); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Open(leftover %q) err = %v, want blob.ErrInvalidKey", k, err)
		}
		if err := d.Delete(ctx, k); err != nil {
			t.Fatalf("Delete(leftover %q) = %v", k, err)
		}
	}
	infos := blobtest.ListAll(t, d)
	if len(infos) != 1 || infos[0].Key != "a/b" || infos[0].Temp {
		t.Fatalf("List after deleting leftovers = %v, want only a/b", infos)
	}
}

func TestModes(t *testing.T) {
	d := newDisk(t)
	blobtest.Put(t, d, "m/n/o", []byte("x"))
	want := map[string]fs.FileMode{".": 0o700 | fs.ModeDir, "m": 0o700 | fs.ModeDir, "m/n": 0o700 | fs.ModeDir, "m/n/o": 0o600}
	for p, mode := range want {
		fi, err := os.Lstat(filepath.Join(dirOf(d), p))
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode() != mode {
			t.Errorf("mode of %s = %v, want %v", p, fi.Mode(), mode)
		}
	}
}

// TestSymlinksStayInside plants links inside the store that point outside
// it; no operation may follow them out.
func TestSymlinksStayInside(t *testing.T) {
	d := newDisk(t)
	ctx := context.Background()
	outside := t.TempDir()
	secret := filepath.Join(outside, "secret")
	if err := os.WriteFile(secret, []byte("secret"), 0o600); err != nil {
		t.Fatal(err)
	}
	for name, target := range map[string]string{"file": secret, "dir": outside} {
		if err := os.Symlink(target, filepath.Join(dirOf(d), name)); err != nil {
			t.Fatal(err)
		}
	}
	if o, err := d.Open(ctx, "file"); err == nil {
		o.Close()
		t.Error("Open followed a symbolic link out of the store")
	}
	if _, err := d.Open(ctx, "dir/secret"); err == nil {
		t.Error("Open followed a symbolic link directory out of the store")
	}
	if _, err := d.Put(ctx, "dir/new", strings.NewReader("x")); err == nil {
		t.Error("Put wrote through a symbolic link directory")
	}
	if err := d.Delete(ctx, "file"); err != nil {
		t.Errorf("Delete(file) = %v; want the link itself removed", err)
	}
	if _, err := os.Stat(secret); err != nil {
		t.Errorf("the target outside the store is gone: %v", err)
	}
	if entries, _ := os.ReadDir(outside); len(entries) != 1 {
		t.Errorf("the directory outside the store now holds %d entries, want 1", len(entries))
	}
}

func TestListSkipsForeignFiles(t *testing.T) {
	d := newDisk(t)
	blobtest.Put(t, d, "ok", []byte("x"))
	for _, p := range []string{"lost+found/x", "README.txt", "UPPER/y", ".tmp-short"} {
		full := filepath.Join(dirOf(d), p)
		if err := os.MkdirAll(filepath.Dir(full), 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	infos := blobtest.ListAll(t, d)
	if len(infos) != 1 || infos[0].Key != "ok" {
		t.Fatalf("List = %v, want only ok", infos)
	}
}

func TestNewErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{file, filepath.Join(file, "below")} {
		if _, err := New(dir); err == nil || !strings.HasPrefix(err.Error(), "blob: disk: ") {
			t.Errorf("New(%q) err = %v, want a blob: disk: error", dir, err)
		}
	}
}

func TestReopen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "blobs")
	d, err := New(dir)
	if err != nil {
		t.Fatal(err)
	}
	blobtest.Put(t, d, "k", []byte("kept"))
	d.Close()
	d, err = New(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	if got := blobtest.ReadAll(t, blobtest.OpenObject(t, d, "k")); !bytes.Equal(got, []byte("kept")) {
		t.Fatalf("after reopening, k = %q", got)
	}
}

// TestListFnSkipDir checks that List passes fn's error back as is, even
// one that fs.WalkDir would otherwise obey.
func TestListFnSkipDir(t *testing.T) {
	d := newDisk(t)
	blobtest.Put(t, d, "a/b", nil)
	blobtest.Put(t, d, "a/c", nil)
	calls := 0
	err := d.List(context.Background(), func(blob.Info) error { calls++; return fs.SkipDir })
	if err != fs.SkipDir || calls != 1 {
		t.Fatalf("List with fn returning fs.SkipDir = %v after %d calls; want fs.SkipDir after 1", err, calls)
	}
}
