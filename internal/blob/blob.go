// Package blob defines the Store that holds sealed objects (ciphertext only).
//
// # Security
//
// A Store holds only ciphertext and never sees keys. It promises atomic
// writes: an object is either absent or complete under its key; an
// interrupted Put leaves at most a temporary object that List reports with
// Temp set. It does not promise integrity: seal authenticates the bytes.
package blob

import (
	"context"
	"errors"
	"io"
	"time"
)

// ErrNotFound is returned (wrapped) by Open and Delete for a missing key.
var ErrNotFound = errors.New("blob: object not found")

// Object is a stored object opened for reading.
type Object interface {
	io.ReaderAt
	io.Closer
	Size() int64
}

// Info describes one stored object, or a temporary leftover of an
// interrupted Put when Temp is set (Key is then the temporary name).
type Info struct {
	Key     string
	Size    int64
	ModTime time.Time
	Temp    bool
}

// Store is a flat namespace of immutable objects. Keys are slash-separated
// paths of [a-z0-9] segments chosen by the caller.
type Store interface {
	// Put streams r into a new object under key: written under a temporary
	// name, synced, then renamed. It fails if key exists.
	Put(ctx context.Context, key string, r io.Reader) (int64, error)
	// Open opens an object for random-access reading.
	Open(ctx context.Context, key string) (Object, error)
	// Delete removes an object or a temporary leftover named by List.
	Delete(ctx context.Context, key string) error
	// List calls fn for every object and every temporary leftover.
	List(ctx context.Context, fn func(Info) error) error
}
