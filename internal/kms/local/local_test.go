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
)

func create(t *testing.T) (*Keyring, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "keys")
	k, err := Create(dir)
	if err != nil {
		t.Fatalf("Create = %v", err)
	}
	return k, dir
}

func TestConformance(t *testing.T) {
	kmstest.Run(t, func(t *testing.T) kms.Keyring { k, _ := create(t); return k })
}

func TestReopen(t *testing.T) {
	k, dir := create(t)
	ctx := context.Background()
	dek := kms.NewDEK()
	w, id, err := k.Wrap(ctx, dek, []byte("ctx"))
	if err != nil || id != "default@1" {
		t.Fatalf("Wrap = %q, %v; want keyID default@1", id, err)
	}
	k2, err := Open(dir)
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	got, err := k2.Unwrap(ctx, w, []byte("ctx"))
	if err != nil || !bytes.Equal(got.Bytes(), dek.Bytes()) {
		t.Fatalf("Unwrap after reopening = %v", err)
	}
	a1, _ := k.AuditKey(ctx)
	a2, _ := k2.AuditKey(ctx)
	if !bytes.Equal(a1, a2) || len(a1) != keySize {
		t.Fatal("the audit key differs after reopening")
	}
}

func TestOtherKeyring(t *testing.T) {
	k1, _ := create(t)
	k2, _ := create(t)
	dek := kms.NewDEK()
	w := kmstest.Wrap(t, k1, dek, nil)
	kmstest.MustFail(t, k2, w, nil, dek.Bytes(), "another keyring's wrap")
}

func TestUnknownVersion(t *testing.T) {
	k, _ := create(t)
	w := kmstest.Wrap(t, k, kms.NewDEK(), nil)
	w[2+len(defaultKEK)+3] = 7 // version 1 -> 7
	_, err := k.Unwrap(context.Background(), w, nil)
	if !errors.Is(err, kms.ErrUnwrap) || !strings.Contains(err.Error(), "default@7") {
		t.Fatalf("Unwrap(version 7) err = %v, want kms.ErrUnwrap naming default@7", err)
	}
}

func TestModes(t *testing.T) {
	_, dir := create(t)
	want := map[string]os.FileMode{".": os.ModeDir | 0o700, RootKeyFile: 0o600, KeyringFile: 0o600}
	for name, mode := range want {
		fi, err := os.Lstat(filepath.Join(dir, name))
		if err != nil || fi.Mode() != mode {
			t.Errorf("mode of %s = %v (%v), want %v", name, fi.Mode(), err, mode)
		}
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 2 {
		t.Errorf("keyring directory holds %d entries, want 2 (a temporary file left?)", len(entries))
	}
}

func openErr(t *testing.T, dir string) string {
	t.Helper()
	k, err := Open(dir)
	if err == nil || k != nil {
		t.Fatal("Open succeeded, want an error")
	}
	return err.Error()
}

func TestWrongRootKey(t *testing.T) {
	_, dir := create(t)
	if err := os.WriteFile(filepath.Join(dir, RootKeyFile), randomKey(), 0o600); err != nil {
		t.Fatal(err)
	}
	want := "kms: keyring " + filepath.Join(dir, KeyringFile) + " cannot be opened: wrong root key or tampered keyring"
	if got := openErr(t, dir); got != want {
		t.Fatalf("Open with another root key = %q, want %q", got, want)
	}
}

// TestTamperedKeyring flips every bit of the keyring file, one at a time,
// and cuts it at every length: Open must fail every time, and past the
// first bytes (magic, version, root kind) with the one message.
func TestTamperedKeyring(t *testing.T) {
	_, dir := create(t)
	path := filepath.Join(dir, KeyringFile)
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	generic := "kms: keyring " + path + " cannot be opened: wrong root key or tampered keyring"
	try := func(b []byte, what string, strict bool) {
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
		got := openErr(t, dir)
		if !strings.HasPrefix(got, "kms: keyring "+path+" cannot be opened: ") || strict && got != generic {
			t.Fatalf("Open(%s) = %q", what, got)
		}
	}
	fixed := len(magic) + 2
	for i := range orig {
		for bit := range 8 {
			b := bytes.Clone(orig)
			b[i] ^= 1 << bit
			try(b, "bit flipped", i >= fixed)
		}
	}
	for n := range len(orig) {
		try(orig[:n], "truncated", n >= len(magic))
	}
	try(append(bytes.Clone(orig), 0), "extended", true)
}

func TestPermissiveRootKey(t *testing.T) {
	_, dir := create(t)
	path := filepath.Join(dir, RootKeyFile)
	for _, mode := range []os.FileMode{0o640, 0o604, 0o660, 0o620, 0o602, 0o644, 0o666} {
		if err := os.Chmod(path, mode); err != nil {
			t.Fatal(err)
		}
		if got := openErr(t, dir); !strings.Contains(got, "run: chmod 600 "+path) || !strings.HasPrefix(got, "kms: root key "+path) {
			t.Errorf("Open with root.key mode %04o = %q, want it to name the file and say chmod 600", mode, got)
		}
	}
	if err := os.Chmod(path, 0o400); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir); err != nil {
		t.Errorf("Open with root.key mode 0400 = %v, want success", err)
	}
}

func TestMissingFiles(t *testing.T) {
	for _, name := range []string{RootKeyFile, KeyringFile, "."} {
		_, dir := create(t)
		if err := os.RemoveAll(filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
		got := openErr(t, dir)
		missing := filepath.Join(dir, name)
		if name == "." {
			missing = filepath.Join(dir, KeyringFile) // read first: it says which root to ask
		}
		if !strings.Contains(got, missing+" not found") || !strings.Contains(got, "run: coffer init") {
			t.Errorf("Open without %s = %q, want it to name %s and say run: coffer init", name, got, missing)
		}
	}
}

func TestCreateRefuses(t *testing.T) {
	k, dir := create(t)
	w := kmstest.Wrap(t, k, kms.NewDEK(), nil)
	root, _ := os.ReadFile(filepath.Join(dir, RootKeyFile))
	if _, err := Create(dir); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("second Create = %v, want an error saying the keyring exists", err)
	}
	// Only the root key is left: Create must still refuse, not replace it.
	os.Remove(filepath.Join(dir, KeyringFile))
	if _, err := Create(dir); err == nil || !strings.Contains(err.Error(), RootKeyFile+" already exists") {
		t.Fatalf("Create over a root key = %v, want an error naming root.key", err)
	}
	if got, _ := os.ReadFile(filepath.Join(dir, RootKeyFile)); !bytes.Equal(got, root) {
		t.Fatal("a refused Create changed root.key")
	}
	if _, err := os.Stat(filepath.Join(dir, KeyringFile)); err == nil {
		t.Fatal("a refused Create wrote a keyring")
	}
	_ = w
}

func TestBadRootKeyFile(t *testing.T) {
	for _, n := range []int{0, 31, 33, 64} {
		_, dir := create(t)
		path := filepath.Join(dir, RootKeyFile)
		if err := os.WriteFile(path, bytes.Repeat([]byte{0x5a}, n), 0o600); err != nil {
			t.Fatal(err)
		}
		if got := openErr(t, dir); got != "kms: root key "+path+" is not a 32-byte key" {
			t.Errorf("Open with a %d-byte root.key = %q", n, got)
		}
	}
	_, dir := create(t)
	path := filepath.Join(dir, RootKeyFile)
	os.Remove(path)
	os.Mkdir(path, 0o700)
	if got := openErr(t, dir); !strings.Contains(got, "not a regular file") {
		t.Errorf("Open with root.key a directory = %q", got)
	}
}

func TestKeyringTooLarge(t *testing.T) {
	_, dir := create(t)
	path := filepath.Join(dir, KeyringFile)
	if err := os.WriteFile(path, make([]byte, maxKeyringFile+1), 0o600); err != nil {
		t.Fatal(err)
	}
	if got := openErr(t, dir); !strings.Contains(got, "larger than") {
		t.Fatalf("Open of a huge keyring = %q", got)
	}
}

func TestWriteAtomicReplace(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "f")
	for i, replace := range []bool{false, true} {
		if err := writeAtomic(path, []byte{byte(i)}, replace); err != nil {
			t.Fatalf("writeAtomic(replace=%v) = %v", replace, err)
		}
	}
	if err := writeAtomic(path, []byte{9}, false); err == nil {
		t.Fatal("writeAtomic without replace overwrote a file")
	}
	got, _ := os.ReadFile(path)
	entries, _ := os.ReadDir(dir)
	if !bytes.Equal(got, []byte{1}) || len(entries) != 1 {
		t.Fatalf("after writes: %v, %d entries; want [1], 1 entry", got, len(entries))
	}
}
