package disk

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coffer-vault/coffer/internal/blob"
	"github.com/coffer-vault/coffer/internal/blob/blobtest"
)

var validKeys = []string{"a", "0", "a/b", "ab/cd/ef", "x1/y2/z3", strings.Repeat("a", blob.MaxSegmentLen),
	strings.Repeat("ab/", blob.MaxKeyLen/3-1) + "ab"}

// FuzzKey checks the property the store relies on: a key CheckKey accepts
// is a clean, local path that stays under the root and round-trips through
// Put, List, Open and Delete; anything else is refused without a panic.
func FuzzKey(f *testing.F) {
	seeds := append(append([]string{}, validKeys...), blobtest.InvalidKeys...)
	seeds = append(seeds, "a/"+tempName(), tempName(), "a/../../etc/passwd", "/etc/passwd", `a\..\b`)
	for _, s := range seeds {
		f.Add(s)
	}
	root := "/srv/coffer/blobs"
	f.Fuzz(func(t *testing.T, key string) {
		temp, lerr := checkListed(key)
		if err := blob.CheckKey(key); err != nil {
			if lerr == nil && !temp {
				t.Fatalf("Delete accepts %q as an object key that CheckKey refuses", key)
			}
			if lerr == nil {
				checkUnder(t, root, key)
			}
			return
		}
		if lerr != nil || temp {
			t.Fatalf("checkListed(%q) = %v, %v for a valid key", key, temp, lerr)
		}
		checkUnder(t, root, key)
		roundTrip(t, key)
	})
}

func checkUnder(t *testing.T, root, key string) {
	t.Helper()
	if !filepath.IsLocal(key) || filepath.Clean(key) != key {
		t.Fatalf("accepted key %q is not a clean local path", key)
	}
	if p := filepath.Join(root, key); !strings.HasPrefix(p, root+string(filepath.Separator)) {
		t.Fatalf("accepted key %q escapes the root: %s", key, p)
	}
}

func roundTrip(t *testing.T, key string) {
	d, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	ctx := context.Background()
	data := []byte(key)
	blobtest.Put(t, d, key, data)
	infos := blobtest.ListAll(t, d)
	if len(infos) != 1 || infos[0].Key != key || infos[0].Temp {
		t.Fatalf("List after Put(%q) = %v", key, infos)
	}
	o := blobtest.OpenObject(t, d, key)
	if got := blobtest.ReadAll(t, o); !bytes.Equal(got, data) {
		t.Fatalf("Open(%q) reads %q", key, got)
	}
	if err := d.Delete(ctx, key); err != nil {
		t.Fatalf("Delete(%q) = %v", key, err)
	}
}
