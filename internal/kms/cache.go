package kms

import (
	"bytes"
	"container/list"
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"sync"
	"time"
)

// Cache is a Keyring that keeps unwrapped DEKs in memory for a bounded time
// and number of uses, in front of another Keyring. Wrap, WrapWith and
// AuditKey go straight to the keyring behind it.
//
// An entry is found by the SHA-256 of the wrapped key and the aad, so a key
// is served from the cache only for exactly the bytes and context it was
// unwrapped with. An entry lives at most ttl from when it was filled and
// serves at most maxUses Unwrap calls, the one that filled it included; at
// most maxEntries entries are kept, the oldest evicted first. Every
// eviction (expiry, last use, capacity, Purge, Close, a failed Check)
// zeroes the cached copy. Expired entries are evicted on the next call and
// by a timer, so a DEK does not outlive its ttl in an idle process by more
// than the timer's delay.
//
// Every Unwrap returns a fresh copy: the caller owns it and may (and
// should) Zero it; that never touches the cached copy. If the keyring
// behind implements Checker, a hit is served only after Check passes, so a
// KEK version disabled or destroyed (in this process or, for local, in
// another) stops serving cached keys at once; without a Checker, a cached
// key can outlive its KEK version by up to ttl.
//
// A Cache with ttl <= 0, maxUses <= 1 or maxEntries <= 0 caches nothing.
type Cache struct {
	k          Keyring
	ttl        time.Duration
	maxUses    int
	maxEntries int
	now        func() time.Time

	mu      sync.Mutex
	entries map[[32]byte]*cacheEntry
	order   *list.List // of *cacheEntry, oldest first
	timer   *time.Timer
	closed  bool
	stats   CacheStats
}

type cacheEntry struct {
	id      [32]byte
	dek     []byte
	expires time.Time
	uses    int
	elem    *list.Element
}

// CacheStats counts what a Cache did since it was made.
type CacheStats struct {
	Hits, Misses, Evictions uint64
	Entries                 int
}

// CacheOption configures a Cache.
type CacheOption func(*Cache)

// WithClock makes the cache read time from now (tests use a fake clock).
func WithClock(now func() time.Time) CacheOption { return func(c *Cache) { c.now = now } }

var _ Keyring = (*Cache)(nil)

// NewCache returns a cache in front of k; see Cache for the bounds.
func NewCache(k Keyring, ttl time.Duration, maxUses, maxEntries int, opts ...CacheOption) *Cache {
	c := &Cache{k: k, ttl: ttl, maxUses: maxUses, maxEntries: maxEntries, now: time.Now,
		entries: make(map[[32]byte]*cacheEntry), order: list.New()}
	for _, o := range opts {
		o(c)
	}
	return c
}

func (c *Cache) enabled() bool { return c.ttl > 0 && c.maxUses > 1 && c.maxEntries > 0 }

// Wrap calls the keyring behind the cache.
func (c *Cache) Wrap(ctx context.Context, dek *DEK, aad []byte) ([]byte, string, error) {
	return c.k.Wrap(ctx, dek, aad)
}

// WrapWith calls the keyring behind the cache.
func (c *Cache) WrapWith(ctx context.Context, kek string, dek *DEK, aad []byte) ([]byte, string, error) {
	return c.k.WrapWith(ctx, kek, dek, aad)
}

// AuditKey calls the keyring behind the cache.
func (c *Cache) AuditKey(ctx context.Context) ([]byte, error) { return c.k.AuditKey(ctx) }

// Unwrap returns a copy of the cached DEK for wrapped and aad, or unwraps
// it with the keyring behind and caches a copy.
func (c *Cache) Unwrap(ctx context.Context, wrapped, aad []byte) (*DEK, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("kms: unwrap: %w", err)
	}
	if !c.enabled() {
		return c.k.Unwrap(ctx, wrapped, aad)
	}
	id := cacheID(wrapped, aad)
	if dek := c.get(id); dek != nil {
		if ch, ok := c.k.(Checker); ok {
			if err := ch.Check(ctx, wrapped); err != nil {
				dek.Zero()
				c.drop(id)
				return nil, err
			}
		}
		return dek, nil
	}
	dek, err := c.k.Unwrap(ctx, wrapped, aad)
	if err != nil {
		return nil, err
	}
	c.put(id, dek.Bytes())
	return dek, nil
}

// cacheID is SHA-256(len(wrapped) || wrapped || aad): the length prefix
// keeps the split between wrapped and aad unambiguous.
func cacheID(wrapped, aad []byte) [32]byte {
	h := sha256.New()
	var n [8]byte
	binary.BigEndian.PutUint64(n[:], uint64(len(wrapped)))
	h.Write(n[:])
	h.Write(wrapped)
	h.Write(aad)
	var id [32]byte
	h.Sum(id[:0])
	return id
}

func (c *Cache) get(id [32]byte) *DEK {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.expireLocked(c.now())
	e := c.entries[id]
	if e == nil {
		c.stats.Misses++
		return nil
	}
	c.stats.Hits++
	e.uses++
	out := bytes.Clone(e.dek)
	if e.uses >= c.maxUses {
		c.evictLocked(e)
	}
	return DEKFromBytes(out)
}

func (c *Cache) put(id [32]byte, dek []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closed {
		return
	}
	now := c.now()
	c.expireLocked(now)
	if old := c.entries[id]; old != nil {
		c.evictLocked(old) // a concurrent miss filled it first
	}
	for len(c.entries) >= c.maxEntries {
		c.evictLocked(c.order.Front().Value.(*cacheEntry))
	}
	e := &cacheEntry{id: id, dek: bytes.Clone(dek), expires: now.Add(c.ttl), uses: 1}
	e.elem = c.order.PushBack(e)
	c.entries[id] = e
	if c.timer == nil {
		c.timer = time.AfterFunc(c.ttl, c.janitor)
	}
}

func (c *Cache) drop(id [32]byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e := c.entries[id]; e != nil {
		c.evictLocked(e)
	}
}

// expireLocked evicts the entries whose time is up; entries are kept in
// the order they were filled, so the expired ones are at the front.
func (c *Cache) expireLocked(now time.Time) {
	for f := c.order.Front(); f != nil; f = c.order.Front() {
		e := f.Value.(*cacheEntry)
		if now.Before(e.expires) {
			return
		}
		c.evictLocked(e)
	}
}

func (c *Cache) evictLocked(e *cacheEntry) {
	clear(e.dek)
	c.order.Remove(e.elem)
	delete(c.entries, e.id)
	c.stats.Evictions++
}

// janitor evicts expired entries of an idle cache and re-arms itself while
// entries remain.
func (c *Cache) janitor() {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now()
	c.expireLocked(now)
	f := c.order.Front()
	if f == nil || c.closed {
		c.timer = nil
		return
	}
	c.timer.Reset(max(f.Value.(*cacheEntry).expires.Sub(now), time.Millisecond))
}

// Purge evicts (and zeroes) every entry.
func (c *Cache) Purge() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for f := c.order.Front(); f != nil; f = c.order.Front() {
		c.evictLocked(f.Value.(*cacheEntry))
	}
}

// Close purges the cache and stops caching; Unwrap still works, uncached.
func (c *Cache) Close() error {
	c.Purge()
	c.mu.Lock()
	defer c.mu.Unlock()
	c.closed = true
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	return nil
}

// Stats returns the cache's counters.
func (c *Cache) Stats() CacheStats {
	c.mu.Lock()
	defer c.mu.Unlock()
	s := c.stats
	s.Entries = len(c.entries)
	return s
}
