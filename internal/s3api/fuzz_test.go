package s3api_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"strings"
	"testing"

	"github.com/coffer-vault/coffer/internal/s3api"
)

func hmacHex(key []byte, s string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(s))
	return hex.EncodeToString(m.Sum(nil))
}

// FuzzParseRange: a range that parses lies within the object and is
// never empty.
func FuzzParseRange(f *testing.F) {
	for _, s := range []string{"bytes=0-0", "bytes=-5", "bytes=10-", "bytes=5-1", "bytes=0-1,2-3", "bytes=-0", "items=1-2", "bytes=99999999999999999999-"} {
		f.Add(s, int64(100))
	}
	f.Fuzz(func(t *testing.T, h string, size int64) {
		if size < 0 {
			return
		}
		off, n, partial, err := s3api.ParseRange(h, size)
		if err != nil {
			return
		}
		if !partial {
			if off != 0 || n != size {
				t.Fatalf("whole object as %d+%d of %d", off, n, size)
			}
			return
		}
		if off < 0 || n <= 0 || off+n > size {
			t.Fatalf("ParseRange(%q, %d) = %d+%d, outside the object", h, size, off, n)
		}
	})
}

// FuzzListPage: following pages from any listing visits every matching
// key exactly once, in order, each page within max entries.
func FuzzListPage(f *testing.F) {
	f.Add("a/1 a/2 b/1 c d", "", "/", uint8(2))
	f.Add("x/y/z x/y x", "x", "", uint8(1))
	f.Add("a a/b a/b/c", "a/", "/", uint8(3))
	f.Fuzz(func(t *testing.T, names, prefix, delim string, max uint8) {
		if max == 0 || len(delim) > 3 {
			return
		}
		var all []string
		seen := map[string]bool{}
		for _, n := range strings.Fields(names) {
			if !seen[n] {
				seen[n] = true
				all = append(all, "b/"+n)
			}
		}
		after, prev := "", ""
		var got []string
		for range 1000 {
			keys, prefixes, truncated, last := s3api.Page(all, "b/", prefix, delim, after, int(max))
			if len(keys)+len(prefixes) > int(max) {
				t.Fatalf("page of %d entries, max %d", len(keys)+len(prefixes), max)
			}
			for _, k := range append(keys, prefixes...) {
				if !strings.HasPrefix(k, prefix) {
					t.Fatalf("entry %q lacks prefix %q", k, prefix)
				}
			}
			got = append(got, keys...)
			if !truncated {
				break
			}
			if last <= prev {
				t.Fatalf("no progress: last %q after %q", last, prev)
			}
			after, prev = last, last
		}
		if delim == "" {
			want := 0
			for _, n := range all {
				if strings.HasPrefix(n[2:], prefix) {
					want++
				}
			}
			if len(got) != want {
				t.Fatalf("listed %d keys, %d match", len(got), want)
			}
		}
		for i := 1; i < len(got); i++ {
			if got[i] <= got[i-1] {
				t.Fatalf("keys out of order or repeated: %q then %q", got[i-1], got[i])
			}
		}
	})
}
