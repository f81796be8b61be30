package blobtest

import (
	"bytes"
	"context"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/coffer-vault/coffer/internal/blob"
)

// Bytes returns n pseudo-random bytes determined by seed.
func Bytes(seed uint64, n int) []byte {
	var s [32]byte
	s[0], s[1] = byte(seed), byte(seed>>8)
	b := make([]byte, n)
	rand.NewChaCha8(s).Read(b)
	return b
}

// Put puts data under key and fails the test on error or a wrong count.
func Put(t testing.TB, s blob.Store, key string, data []byte) {
	t.Helper()
	n, err := s.Put(context.Background(), key, bytes.NewReader(data))
	if err != nil {
		t.Fatalf("Put(%q) = %v", key, err)
	}
	if n != int64(len(data)) {
		t.Fatalf("Put(%q) = %d bytes, want %d", key, n, len(data))
	}
}

// OpenObject opens key and closes it when the test ends.
func OpenObject(t testing.TB, s blob.Store, key string) blob.Object {
	t.Helper()
	o, err := s.Open(context.Background(), key)
	if err != nil {
		t.Fatalf("Open(%q) = %v", key, err)
	}
	t.Cleanup(func() { o.Close() })
	return o
}

// ReadAll reads a whole object with one ReadAt.
func ReadAll(t testing.TB, o blob.Object) []byte {
	t.Helper()
	b := make([]byte, o.Size())
	n, err := o.ReadAt(b, 0)
	if n != len(b) {
		t.Fatalf("ReadAt(whole object of %d bytes) = %d, %v", len(b), n, err)
	}
	return b
}

// ListAll returns everything List reports.
func ListAll(t testing.TB, s blob.Store) []blob.Info {
	t.Helper()
	var infos []blob.Info
	err := s.List(context.Background(), func(i blob.Info) error {
		infos = append(infos, i)
		return nil
	})
	if err != nil {
		t.Fatalf("List = %v", err)
	}
	return infos
}

// NoTemps fails the test if List reports a temporary leftover.
func NoTemps(t testing.TB, s blob.Store) {
	t.Helper()
	for _, i := range ListAll(t, s) {
		if i.Temp {
			t.Errorf("List reports a temporary leftover %q", i.Key)
		}
	}
}

// MentionsKey fails the test unless err's message names key, as
// blob.QuoteKey writes it.
func MentionsKey(t testing.TB, err error, key string) {
	t.Helper()
	if q := blob.QuoteKey(key); !strings.Contains(err.Error(), q) {
		t.Errorf("error %q does not name the key %s", err, q)
	}
}
