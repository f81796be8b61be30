package kms

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// fakeKeyring wraps with AES-GCM under a fixed key, counts unwraps, and can
// be told to report every KEK version disabled through Check.
type fakeKeyring struct {
	aead     cipher.AEAD
	unwraps  atomic.Int64
	disabled atomic.Bool
}

func newFake(t testing.TB) *fakeKeyring {
	block, _ := aes.NewCipher(bytes.Repeat([]byte{1}, 32))
	aead, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	return &fakeKeyring{aead: aead}
}

func (f *fakeKeyring) Wrap(ctx context.Context, dek *DEK, aad []byte) ([]byte, string, error) {
	return f.WrapWith(ctx, DefaultKEK, dek, aad)
}

func (f *fakeKeyring) WrapWith(_ context.Context, _ string, dek *DEK, aad []byte) ([]byte, string, error) {
	nonce := make([]byte, 12)
	nonce[0] = byte(f.unwraps.Load()) // distinct enough for a test
	return f.aead.Seal(nonce, nonce, dek.Bytes(), aad), "default@1", nil
}

func (f *fakeKeyring) Unwrap(_ context.Context, w, aad []byte) (*DEK, error) {
	f.unwraps.Add(1)
	if len(w) < 12 {
		return nil, ErrUnwrap
	}
	b, err := f.aead.Open(nil, w[:12], w[12:], aad)
	if err != nil {
		return nil, ErrUnwrap
	}
	return DEKFromBytes(b), nil
}

func (f *fakeKeyring) AuditKey(context.Context) ([]byte, error) { return make([]byte, 32), nil }

func (f *fakeKeyring) Check(context.Context, []byte) error {
	if f.disabled.Load() {
		return &KeyStateError{KeyID: "default@1", State: StateDisabled}
	}
	return nil
}

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newTestCache(t *testing.T, ttl time.Duration, uses, entries int) (*Cache, *fakeKeyring, *fakeClock) {
	f := newFake(t)
	clock := &fakeClock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	c := NewCache(f, ttl, uses, entries, WithClock(clock.now))
	t.Cleanup(func() { c.Close() })
	return c, f, clock
}

func wrapNew(t *testing.T, k Keyring, aad string) ([]byte, []byte) {
	t.Helper()
	dek := NewDEK()
	w, _, err := k.Wrap(context.Background(), dek, []byte(aad))
	if err != nil {
		t.Fatal(err)
	}
	return w, dek.Bytes()
}

func unwrap(t *testing.T, k Keyring, w []byte, aad string, want []byte) *DEK {
	t.Helper()
	got, err := k.Unwrap(context.Background(), w, []byte(aad))
	if err != nil || !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("Unwrap = %v, or another key", err)
	}
	return got
}

func TestCacheHitIsACopy(t *testing.T) {
	c, f, _ := newTestCache(t, time.Minute, 100, 10)
	w, want := wrapNew(t, c, "a")
	first := unwrap(t, c, w, "a", want)
	first.Zero() // the caller's copy
	second := unwrap(t, c, w, "a", want)
	if &second.Bytes()[0] == &c.entries[cacheID(w, []byte("a"))].dek[0] {
		t.Fatal("a hit returned the cached slice itself")
	}
	second.Zero()
	unwrap(t, c, w, "a", want)
	if n := f.unwraps.Load(); n != 1 {
		t.Fatalf("the keyring unwrapped %d times, want 1", n)
	}
	if s := c.Stats(); s.Hits != 2 || s.Misses != 1 || s.Entries != 1 {
		t.Fatalf("Stats = %+v", s)
	}
	// Another aad is another entry, and must fail on its own merits.
	if _, err := c.Unwrap(context.Background(), w, []byte("b")); !errors.Is(err, ErrUnwrap) {
		t.Fatalf("Unwrap(other aad) = %v, want ErrUnwrap", err)
	}
}

func TestCacheTTL(t *testing.T) {
	c, f, clock := newTestCache(t, time.Minute, 100, 10)
	w, want := wrapNew(t, c, "a")
	unwrap(t, c, w, "a", want)
	held := c.entries[cacheID(w, []byte("a"))].dek
	clock.add(59 * time.Second)
	unwrap(t, c, w, "a", want)
	clock.add(time.Second)
	unwrap(t, c, w, "a", want)
	if n := f.unwraps.Load(); n != 2 {
		t.Fatalf("the keyring unwrapped %d times, want 2 (one after the TTL)", n)
	}
	if !bytes.Equal(held, make([]byte, len(held))) {
		t.Fatal("the expired entry was not zeroed")
	}
}

func TestCacheMaxUses(t *testing.T) {
	c, f, _ := newTestCache(t, time.Minute, 3, 10)
	w, want := wrapNew(t, c, "a")
	for range 7 {
		unwrap(t, c, w, "a", want).Zero()
	}
	// Uses 1 (miss), 2, 3 (hits); 4 (miss), 5, 6; 7 (miss).
	if n := f.unwraps.Load(); n != 3 {
		t.Fatalf("the keyring unwrapped %d times, want 3", n)
	}
}

func TestCacheMaxEntries(t *testing.T) {
	c, f, clock := newTestCache(t, time.Minute, 100, 2)
	var ws, wants [][]byte
	for _, aad := range []string{"a", "b", "c"} {
		w, want := wrapNew(t, c, aad)
		ws, wants = append(ws, w), append(wants, want)
		unwrap(t, c, w, aad, want)
		clock.add(time.Second)
	}
	if s := c.Stats(); s.Entries != 2 || s.Evictions != 1 {
		t.Fatalf("Stats = %+v, want 2 entries after 1 eviction", s)
	}
	before := f.unwraps.Load()
	unwrap(t, c, ws[2], "c", wants[2])
	unwrap(t, c, ws[1], "b", wants[1])
	if f.unwraps.Load() != before {
		t.Fatal("the two newest entries were not kept")
	}
	unwrap(t, c, ws[0], "a", wants[0])
	if f.unwraps.Load() != before+1 {
		t.Fatal("the oldest entry was not the one evicted")
	}
}

func TestCacheCheck(t *testing.T) {
	c, f, _ := newTestCache(t, time.Minute, 100, 10)
	w, want := wrapNew(t, c, "a")
	unwrap(t, c, w, "a", want)
	held := c.entries[cacheID(w, []byte("a"))].dek
	f.disabled.Store(true)
	got, err := c.Unwrap(context.Background(), w, []byte("a"))
	if !errors.Is(err, ErrDisabled) || got != nil {
		t.Fatalf("Unwrap of a cached key whose KEK version was disabled = %v, want ErrDisabled", err)
	}
	if c.Stats().Entries != 0 || !bytes.Equal(held, make([]byte, 32)) {
		t.Fatal("the entry was not evicted and zeroed")
	}
}

func TestCachePurgeClose(t *testing.T) {
	c, f, _ := newTestCache(t, time.Minute, 100, 10)
	w, want := wrapNew(t, c, "a")
	unwrap(t, c, w, "a", want)
	held := c.entries[cacheID(w, []byte("a"))].dek
	c.Purge()
	if !bytes.Equal(held, make([]byte, 32)) || c.Stats().Entries != 0 {
		t.Fatal("Purge did not zero and drop the entry")
	}
	c.Close()
	unwrap(t, c, w, "a", want)
	unwrap(t, c, w, "a", want)
	if n := f.unwraps.Load(); n != 3 || c.Stats().Entries != 0 {
		t.Fatalf("after Close: %d unwraps, %d entries; want every call uncached", n, c.Stats().Entries)
	}
}

func TestCacheJanitor(t *testing.T) {
	c := NewCache(newFake(t), 20*time.Millisecond, 100, 10)
	defer c.Close()
	w, want := wrapNew(t, c, "a")
	unwrap(t, c, w, "a", want)
	c.mu.Lock()
	held := c.entries[cacheID(w, []byte("a"))].dek
	c.mu.Unlock()
	deadline := time.Now().Add(5 * time.Second)
	for c.Stats().Entries != 0 {
		if time.Now().After(deadline) {
			t.Fatal("an idle cache kept an expired entry")
		}
		time.Sleep(5 * time.Millisecond)
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if !bytes.Equal(held, make([]byte, 32)) {
		t.Fatal("the janitor did not zero the entry")
	}
}

func TestCacheDisabled(t *testing.T) {
	for _, b := range []struct {
		ttl           time.Duration
		uses, entries int
	}{{0, 10, 10}, {time.Minute, 1, 10}, {time.Minute, 10, 0}} {
		c, f, _ := newTestCache(t, b.ttl, b.uses, b.entries)
		w, want := wrapNew(t, c, "a")
		unwrap(t, c, w, "a", want)
		unwrap(t, c, w, "a", want)
		if f.unwraps.Load() != 2 || c.Stats().Entries != 0 {
			t.Fatalf("NewCache(%v, %d, %d) cached", b.ttl, b.uses, b.entries)
		}
	}
}

func TestCacheCanceled(t *testing.T) {
	c, _, _ := newTestCache(t, time.Minute, 100, 10)
	w, want := wrapNew(t, c, "a")
	unwrap(t, c, w, "a", want)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Unwrap(ctx, w, []byte("a")); !errors.Is(err, context.Canceled) {
		t.Fatalf("Unwrap(canceled) of a cached key = %v, want context.Canceled", err)
	}
}

func TestCacheConcurrent(t *testing.T) {
	c, _, clock := newTestCache(t, time.Minute, 5, 4)
	type pair struct{ w, dek []byte }
	var pairs []pair
	for _, aad := range []string{"a", "b", "c", "d", "e", "f"} {
		w, dek := wrapNew(t, c, aad)
		pairs = append(pairs, pair{w, dek})
	}
	aads := []string{"a", "b", "c", "d", "e", "f"}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				j := (g + i) % len(pairs)
				got, err := c.Unwrap(context.Background(), pairs[j].w, []byte(aads[j]))
				if err != nil || !bytes.Equal(got.Bytes(), pairs[j].dek) {
					t.Errorf("concurrent Unwrap = %v, or another key", err)
					return
				}
				got.Zero()
				if i%50 == 0 {
					clock.add(20 * time.Second)
				}
			}
		})
	}
	wg.Wait()
}
