package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestWriteRead(t *testing.T) {
	home := t.TempDir()
	c := Default()
	c.Catalog = "postgres://coffer@127.0.0.1:5432/coffer"
	if err := Write(home, c); err != nil {
		t.Fatal(err)
	}
	if err := Write(home, c); err == nil {
		t.Fatal("Write over an existing file succeeded")
	}
	fi, err := os.Stat(filepath.Join(home, FileName))
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("config file mode = %v, %v; want 0600", fi.Mode(), err)
	}
	got, err := Read(home)
	if err != nil || got != c {
		t.Fatalf("Read = %+v, %v; want %+v", got, err, c)
	}
}

func TestParseRejects(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"catalog: sqlite:x\nblobs: file:b\nkeyring: local:k\nchunk_size: 10\n", "chunk_size 10"},
		{"catalog: mysql://x\nblobs: file:b\nkeyring: local:k\nchunk_size: 65536\n", "unknown backend scheme"},
		{"catalog: postgres://u:pw@h/db\nblobs: file:b\nkeyring: local:k\nchunk_size: 65536\n", "carries a password"},
		{"catalog: sqlite:x\nblobs: file:b\nkeyring: local:k\nchunk_size: 65536\nchunksize: 1\n", "not found"},
		{"catalog: [\n", "yaml"},
	} {
		_, err := Parse([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("Parse(%q) = %v; want an error containing %q", tc.in, err, tc.want)
		}
		if err != nil && strings.Contains(err.Error(), "pw@") {
			t.Errorf("Parse error leaks the password: %v", err)
		}
	}
}

// FuzzParse: Parse never panics, and what it accepts passes Check and
// survives a Write/Read round trip unchanged.
func FuzzParse(f *testing.F) {
	f.Add([]byte("catalog: sqlite:catalog.db\nblobs: file:blobs\nkeyring: local:keys\nchunk_size: 65536\n"))
	f.Add([]byte("catalog: postgres://coffer@127.0.0.1:5432/coffer\nblobs: file:/srv/b\nkeyring: local:/k\nchunk_size: 1024\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		c, err := Parse(b)
		if err != nil {
			return
		}
		if err := c.Check(); err != nil {
			t.Fatalf("Parse accepted %+v but Check says %v", c, err)
		}
		home := t.TempDir()
		if err := Write(home, c); err != nil {
			t.Fatal(err)
		}
		got, err := Read(home)
		if err != nil || got != c {
			t.Fatalf("round trip: %+v, %v; want %+v", got, err, c)
		}
	})
}
