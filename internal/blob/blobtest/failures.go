package blobtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"

	"github.com/coffer-vault/coffer/internal/blob"
)

// checkNothing asserts that a failed Put of key left no object and no
// temporary leftover.
func checkNothing(t *testing.T, s blob.Store, key string) {
	t.Helper()
	if _, err := s.Open(context.Background(), key); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Open(%q) after a failed Put err = %v, want blob.ErrNotFound", key, err)
	}
	if infos := ListAll(t, s); len(infos) != 0 {
		t.Errorf("List after a failed Put = %v, want nothing", infos)
	}
}

func testCanceledBeforePut(t *testing.T, s blob.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	n, err := s.Put(ctx, "k", strings.NewReader("x"))
	if !errors.Is(err, context.Canceled) || n != 0 {
		t.Fatalf("Put with a canceled context = %d, %v; want 0, context.Canceled", n, err)
	}
	checkNothing(t, s, "k")
}

func testCanceledMidPut(t *testing.T, s blob.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// An endless source: only cancellation can end this Put.
	r := &cancelingReader{r: endless{}, after: 1 << 20, cancel: cancel}
	n, err := s.Put(ctx, "c/k", r)
	if !errors.Is(err, context.Canceled) || n != 0 {
		t.Fatalf("Put canceled mid-stream = %d, %v; want 0, context.Canceled", n, err)
	}
	checkNothing(t, s, "c/k")
}

func testCanceledThenEOF(t *testing.T, s blob.Store) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	// Cancel while the source still has bytes; the rest arrives, then EOF.
	// The Put was canceled before it returned, so it must not store.
	r := &cancelingReader{r: bytes.NewReader(Bytes(3, 2<<20)), after: 1 << 20, cancel: cancel}
	n, err := s.Put(ctx, "c/k", r)
	if !errors.Is(err, context.Canceled) || n != 0 {
		t.Fatalf("Put canceled before EOF = %d, %v; want 0, context.Canceled", n, err)
	}
	checkNothing(t, s, "c/k")
}

func testSourceError(t *testing.T, s blob.Store) {
	boom := errors.New("source broke")
	for _, withData := range []bool{false, true} {
		r := &failingReader{r: bytes.NewReader(Bytes(4, 1<<20)), after: 300 << 10, err: boom, withData: withData}
		n, err := s.Put(context.Background(), "e/k", r)
		if !errors.Is(err, boom) || n != 0 {
			t.Fatalf("Put from a failing source = %d, %v; want 0, an error wrapping %q", n, err, boom)
		}
		MentionsKey(t, err, "e/k")
		checkNothing(t, s, "e/k")
	}
}

func testConcurrentPuts(t *testing.T, s blob.Store) {
	const n = 16
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			key := fmt.Sprintf("c/%02d", i)
			data := Bytes(uint64(i), i*37<<10)
			if _, err := s.Put(context.Background(), key, bytes.NewReader(data)); err != nil {
				t.Errorf("concurrent Put(%q) = %v", key, err)
				return
			}
			o, err := s.Open(context.Background(), key)
			if err != nil {
				t.Errorf("Open(%q) after concurrent Put = %v", key, err)
				return
			}
			defer o.Close()
			checkRanges(t, key, o, data, rand.New(rand.NewPCG(uint64(i), 3)))
		})
	}
	wg.Wait()
	if infos := ListAll(t, s); len(infos) != n {
		t.Fatalf("List after %d concurrent Puts has %d entries", n, len(infos))
	}
}

func testConcurrentSameKey(t *testing.T, s blob.Store) {
	const n = 8
	var (
		wg      sync.WaitGroup
		mu      sync.Mutex
		winners []int
	)
	for i := range n {
		wg.Go(func() {
			_, err := s.Put(context.Background(), "same", bytes.NewReader(Bytes(uint64(i), 200<<10)))
			switch {
			case err == nil:
				mu.Lock()
				winners = append(winners, i)
				mu.Unlock()
			case !errors.Is(err, blob.ErrExist):
				t.Errorf("losing concurrent Put err = %v, want blob.ErrExist", err)
			}
		})
	}
	wg.Wait()
	if len(winners) != 1 {
		t.Fatalf("%d concurrent Puts of one key succeeded, want exactly 1", len(winners))
	}
	if got := ReadAll(t, OpenObject(t, s, "same")); !bytes.Equal(got, Bytes(uint64(winners[0]), 200<<10)) {
		t.Fatal("the object is not the winning Put's bytes")
	}
	NoTemps(t, s)
}

func testConcurrentReadAt(t *testing.T, s blob.Store) {
	data := Bytes(5, 1<<20)
	Put(t, s, "r", data)
	o := OpenObject(t, s, "r")
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() { checkRanges(t, "r", o, data, rand.New(rand.NewPCG(uint64(i), 2))) })
	}
	wg.Wait()
}

// endless yields zero bytes forever.
type endless struct{}

func (endless) Read(p []byte) (int, error) { clear(p); return len(p), nil }

// cancelingReader calls cancel once after bytes have been read, then goes on.
type cancelingReader struct {
	r      io.Reader
	after  int
	cancel func()
	n      int
}

func (c *cancelingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	if c.n >= c.after {
		c.cancel()
	}
	return n, err
}

// failingReader fails with err after bytes, with or without a final piece
// of data in the failing call.
type failingReader struct {
	r        io.Reader
	after    int
	err      error
	withData bool
	n        int
}

func (f *failingReader) Read(p []byte) (int, error) {
	if f.n >= f.after {
		if f.withData && len(p) > 0 {
			p[0] = 1
			return 1, f.err
		}
		return 0, f.err
	}
	n, err := f.r.Read(p[:min(len(p), f.after-f.n)])
	f.n += n
	return n, err
}
