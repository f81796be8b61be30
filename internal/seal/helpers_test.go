package seal

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
)

var (
	testContext  = Context{"dataset": "census", "version": "3"}
	otherContext = Context{"dataset": "census", "version": "4"}
)

// newDEK returns a data key that differs with seed.
func newDEK(seed byte) []byte {
	dek := make([]byte, DEKSize)
	for i := range dek {
		dek[i] = seed + byte(i)
	}
	return dek
}

// plaintext returns n pseudo-random bytes.
func plaintext(rng *rand.Rand, n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return b
}

// sealBytes seals pt in one Write.
func sealBytes(t testing.TB, dek []byte, c Context, pt []byte, opts *Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, dek, c, opts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(pt); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// openStream opens obj with NewReader and reads it all.
func openStream(dek []byte, c Context, obj []byte) ([]byte, error) {
	r, err := NewReader(bytes.NewReader(obj), dek, c)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

// openAt opens obj with NewReaderAt and reads it all with one ReadAt.
func openAt(dek []byte, c Context, obj []byte) ([]byte, error) {
	r, err := NewReaderAt(bytes.NewReader(obj), int64(len(obj)), dek, c)
	if err != nil {
		return nil, err
	}
	p := make([]byte, r.Size())
	n, err := r.ReadAt(p, 0)
	if err == io.EOF && n == len(p) {
		err = nil
	}
	return p[:n], err
}

// failureOf returns the class of an integrity error, or "" if err is nil
// or not an *Error.
func failureOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.kind.String()
	}
	return ""
}

// wantIntegrity fails t unless err is an integrity error.
func wantIntegrity(t *testing.T, what string, err error) {
	t.Helper()
	var e *Error
	if !errors.Is(err, ErrIntegrity) || !errors.As(err, &e) {
		t.Fatalf("%s: err = %v, want an integrity error", what, err)
	}
}
