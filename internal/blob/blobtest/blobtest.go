package blobtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/coffer-vault/coffer/internal/blob"
)

// Run runs the conformance suite; newStore must return a new, empty store
// and arrange its cleanup with t.Cleanup.
func Run(t *testing.T, newStore func(t *testing.T) blob.Store) {
	tests := []struct {
		name string
		fn   func(*testing.T, blob.Store)
	}{
		{"RoundTrip", testRoundTrip},
		{"PutExisting", testPutExisting},
		{"InvalidKeys", testInvalidKeys},
		{"NotFound", testNotFound},
		{"List", testList},
		{"ListStops", testListStops},
		{"Delete", testDelete},
		{"PrefixConflict", testPrefixConflict},
		{"CanceledBeforePut", testCanceledBeforePut},
		{"CanceledMidPut", testCanceledMidPut},
		{"CanceledThenEOF", testCanceledThenEOF},
		{"SourceError", testSourceError},
		{"ConcurrentPuts", testConcurrentPuts},
		{"ConcurrentSameKey", testConcurrentSameKey},
		{"ConcurrentReadAt", testConcurrentReadAt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newStore(t)) })
	}
}

func testRoundTrip(t *testing.T, s blob.Store) {
	sizes := []int{0, 1, 15, 4095, 4096, 4097, 64<<10 + 1, 1 << 20, 3<<20 + 7}
	for i, size := range sizes {
		key := fmt.Sprintf("rt/%d", size)
		data := Bytes(uint64(i), size)
		Put(t, s, key, data)
		o := OpenObject(t, s, key)
		if o.Size() != int64(size) {
			t.Errorf("Open(%q).Size() = %d, want %d", key, o.Size(), size)
		}
		if got := ReadAll(t, o); !bytes.Equal(got, data) {
			t.Errorf("ReadAt(%q, whole) differs from what was put (%d bytes)", key, size)
		}
		checkRanges(t, key, o, data, rand.New(rand.NewPCG(uint64(size), 1)))
	}
}

// checkRanges reads random ranges, some running past the end, and checks
// them against data under the io.ReaderAt contract. It reports only the
// first failure, with Errorf so that goroutines may call it.
func checkRanges(t *testing.T, key string, o blob.Object, data []byte, rng *rand.Rand) {
	t.Helper()
	size := len(data)
	for range 40 {
		off := rng.IntN(size + 1)
		n := rng.IntN(size-off+64) + 1 // may reach past the end
		buf := make([]byte, n)
		got, err := o.ReadAt(buf, int64(off))
		want := min(n, size-off)
		var problem string
		switch {
		case got != want:
			problem = fmt.Sprintf("%d bytes, want %d (err %v)", got, want, err)
		case !bytes.Equal(buf[:got], data[off:off+got]):
			problem = "other bytes than were put"
		case got < n && err != io.EOF:
			problem = fmt.Sprintf("short read with err = %v, want io.EOF", err)
		case got == n && off+n < size && err != nil:
			problem = fmt.Sprintf("err = %v, want nil", err)
		}
		if problem != "" {
			t.Errorf("ReadAt(%q, %d bytes at %d): %s", key, n, off, problem)
			return
		}
	}
}

func testPutExisting(t *testing.T, s blob.Store) {
	orig := Bytes(1, 1000)
	Put(t, s, "x/y", orig)
	n, err := s.Put(context.Background(), "x/y", bytes.NewReader(Bytes(2, 2000)))
	if !errors.Is(err, blob.ErrExist) || n != 0 {
		t.Fatalf("second Put(x/y) = %d, %v; want 0, blob.ErrExist", n, err)
	}
	MentionsKey(t, err, "x/y")
	if got := ReadAll(t, OpenObject(t, s, "x/y")); !bytes.Equal(got, orig) {
		t.Fatal("a failed Put changed the existing object")
	}
	NoTemps(t, s)
}

// InvalidKeys are keys every Store must refuse.
var InvalidKeys = []string{
	"", "/", "a/", "/a", "a//b", ".", "..", "a/../b", "a/./b", "../a", "A", "a/B",
	"a b", "a.b", "a-b", "a_b", "a\\b", "a\x00b", "a\nb", "ä", "%2e%2e",
	".tmp-0123", "a/.tmp-x", strings.Repeat("a", blob.MaxKeyLen+1),
	strings.Repeat("b", blob.MaxSegmentLen+1),
}

func testInvalidKeys(t *testing.T, s blob.Store) {
	ctx := context.Background()
	for _, key := range InvalidKeys {
		if _, err := s.Put(ctx, key, strings.NewReader("x")); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Put(%q) err = %v, want blob.ErrInvalidKey", key, err)
		} else {
			MentionsKey(t, err, key)
		}
		if _, err := s.Open(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Open(%q) err = %v, want blob.ErrInvalidKey", key, err)
		}
		if err := s.Delete(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Delete(%q) err = %v, want blob.ErrInvalidKey", key, err)
		}
	}
	if infos := ListAll(t, s); len(infos) != 0 {
		t.Fatalf("after invalid Puts, List = %v, want nothing", infos)
	}
}

func testNotFound(t *testing.T, s blob.Store) {
	ctx := context.Background()
	Put(t, s, "some/object", []byte("x"))
	for _, key := range []string{"no/such", "some", "some/object/below", "some/other"} {
		if _, err := s.Open(ctx, key); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Open(%q) err = %v, want blob.ErrNotFound", key, err)
		} else {
			MentionsKey(t, err, key)
		}
		if err := s.Delete(ctx, key); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Delete(%q) err = %v, want blob.ErrNotFound", key, err)
		} else {
			MentionsKey(t, err, key)
		}
	}
}

func testList(t *testing.T, s blob.Store) {
	want := map[string]int64{"a": 0, "b/c": 10, "b/d": 20, "e/f/g": 30, "e/h": 5000}
	for k, n := range want {
		Put(t, s, k, Bytes(uint64(n), int(n)))
	}
	got := map[string]int64{}
	for _, info := range ListAll(t, s) {
		if info.Temp {
			t.Errorf("List reported %q as a temporary leftover", info.Key)
			continue
		}
		if info.ModTime.IsZero() {
			t.Errorf("List(%q).ModTime is zero", info.Key)
		}
		if _, dup := got[info.Key]; dup {
			t.Errorf("List reported %q twice", info.Key)
		}
		got[info.Key] = info.Size
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("List = %v, want %v", got, want)
	}
}

func testListStops(t *testing.T, s blob.Store) {
	Put(t, s, "a", nil)
	Put(t, s, "b", nil)
	stop := errors.New("stop here")
	calls := 0
	err := s.List(context.Background(), func(blob.Info) error { calls++; return stop })
	if !errors.Is(err, stop) || calls != 1 {
		t.Fatalf("List with fn failing = %v after %d calls; want %v after 1", err, calls, stop)
	}
}

func testDelete(t *testing.T, s blob.Store) {
	ctx := context.Background()
	Put(t, s, "d/e", []byte("first"))
	Put(t, s, "d/f", []byte("kept"))
	if err := s.Delete(ctx, "d/e"); err != nil {
		t.Fatalf("Delete(d/e) = %v", err)
	}
	if _, err := s.Open(ctx, "d/e"); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("Open after Delete err = %v, want blob.ErrNotFound", err)
	}
	if err := s.Delete(ctx, "d/e"); !errors.Is(err, blob.ErrNotFound) {
		t.Fatalf("second Delete err = %v, want blob.ErrNotFound", err)
	}
	if infos := ListAll(t, s); len(infos) != 1 || infos[0].Key != "d/f" {
		t.Fatalf("List after Delete = %v, want only d/f", infos)
	}
	Put(t, s, "d/e", []byte("second")) // a deleted key may be used again
	if got := ReadAll(t, OpenObject(t, s, "d/e")); string(got) != "second" {
		t.Fatalf("d/e after re-Put = %q, want %q", got, "second")
	}
}

// testPrefixConflict allows a backend to refuse a key that is a prefix of
// another (a file path cannot be both), but never to lose data over it.
func testPrefixConflict(t *testing.T, s blob.Store) {
	ctx := context.Background()
	Put(t, s, "p/q", []byte("below"))
	Put(t, s, "r", []byte("above"))
	_, errP := s.Put(ctx, "p", strings.NewReader("p"))
	_, errR := s.Put(ctx, "r/s", strings.NewReader("r/s"))
	for key, want := range map[string]string{"p/q": "below", "r": "above"} {
		if got := ReadAll(t, OpenObject(t, s, key)); string(got) != want {
			t.Errorf("%s = %q after a conflicting Put, want %q", key, got, want)
		}
	}
	for key, err := range map[string]error{"p": errP, "r/s": errR} {
		if err == nil {
			if got := ReadAll(t, OpenObject(t, s, key)); string(got) != key {
				t.Errorf("Put(%s) succeeded but reads back %q", key, got)
			}
		} else {
			MentionsKey(t, err, key)
		}
	}
	NoTemps(t, s)
}
