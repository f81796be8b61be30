package seal

import (
	"bytes"
	"errors"
	"fmt"
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

// readerOnly hides every method of a reader but Read, as a pipe or socket
// offers none, so that io.Copy takes the ReaderFrom or WriterTo of the
// other side.
type readerOnly struct{ io.Reader }

// openWriteTo opens obj with NewReader and io.Copy, which calls WriteTo.
// With push, the source is a bytes.Reader, which hands WriteTo the object
// in one Write; without, it offers only Read.
func openWriteTo(dek []byte, c Context, obj []byte, push bool) ([]byte, error) {
	var src io.Reader = bytes.NewReader(obj)
	if !push {
		src = readerOnly{src}
	}
	r, err := NewReader(src, dek, c)
	if err != nil {
		return nil, err
	}
	var out bytes.Buffer
	_, err = io.Copy(&out, r)
	return out.Bytes(), err
}

// sameAsStream checks that WriteTo, from both kinds of source, gives obj's
// plaintext or fails exactly as Read does (stream is openStream's result).
func sameAsStream(t *testing.T, what string, dek []byte, c Context, obj, stream []byte, streamErr error) {
	t.Helper()
	for _, push := range []bool{true, false} {
		got, err := openWriteTo(dek, c, obj, push)
		if fmt.Sprint(err) != fmt.Sprint(streamErr) || !bytes.Equal(got, stream) {
			t.Fatalf("%s: WriteTo (push %v) gave %d bytes, %v; Read gave %d bytes, %v",
				what, push, len(got), err, len(stream), streamErr)
		}
	}
}
