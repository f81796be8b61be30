package seal

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

var errBoom = errors.New("boom")

// failingWriter accepts n bytes, then fails.
type failingWriter struct{ n int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		return 0, errBoom
	}
	w.n -= len(p)
	return len(p), nil
}

func TestNewWriterRejects(t *testing.T) {
	for name, tc := range map[string]struct {
		dek  []byte
		opts *Options
	}{
		"short key":   {make([]byte, 31), nil},
		"long key":    {make([]byte, 33), nil},
		"small chunk": {newDEK(0), &Options{ChunkSize: MinChunkSize - 1}},
		"large chunk": {newDEK(0), &Options{ChunkSize: MaxChunkSize + 1}},
		"negative":    {newDEK(0), &Options{ChunkSize: -1}},
	} {
		var buf bytes.Buffer
		if _, err := NewWriter(&buf, tc.dek, testContext, tc.opts); err == nil || buf.Len() != 0 {
			t.Errorf("%s: NewWriter err = %v, wrote %d bytes; want an error and nothing written", name, err, buf.Len())
		}
	}
}

func TestWriterErrorsAreSticky(t *testing.T) {
	if _, err := NewWriter(&failingWriter{}, newDEK(0), testContext, nil); !errors.Is(err, errBoom) {
		t.Errorf("NewWriter on a failing dst: err = %v, want it to wrap %v", err, errBoom)
	}
	w, err := NewWriter(&failingWriter{n: HeaderSize}, newDEK(0), testContext, &Options{ChunkSize: MinChunkSize})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write(make([]byte, 3*MinChunkSize)); !errors.Is(err, errBoom) || errors.Is(err, ErrIntegrity) {
		t.Errorf("Write: err = %v, want it to wrap %v and not ErrIntegrity", err, errBoom)
	}
	if _, err := w.Write([]byte{1}); !errors.Is(err, errBoom) {
		t.Errorf("second Write: err = %v, want the sticky error", err)
	}
	if err := w.Close(); !errors.Is(err, errBoom) {
		t.Errorf("Close: err = %v, want the sticky error", err)
	}
}

func TestWriterAfterClose(t *testing.T) {
	w, err := NewWriter(io.Discard, newDEK(0), testContext, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := w.Write([]byte("x")); err == nil {
		t.Error("Write after Close succeeded")
	}
	if err := w.Close(); err == nil {
		t.Error("second Close succeeded")
	}
}

// TestWriterCounterLimit checks that the writer refuses a chunk past the
// 32-bit counter instead of reusing a nonce.
func TestWriterCounterLimit(t *testing.T) {
	wc, err := NewWriter(io.Discard, newDEK(0), testContext, &Options{ChunkSize: MinChunkSize})
	if err != nil {
		t.Fatal(err)
	}
	w := wc.(*writer)
	w.chunk = maxChunkIndex
	if _, err := w.Write(make([]byte, MinChunkSize+1)); err == nil {
		t.Fatal("sealing a middle chunk with counter 2^32-1 succeeded")
	}

	wc, _ = NewWriter(io.Discard, newDEK(0), testContext, &Options{ChunkSize: MinChunkSize})
	w = wc.(*writer)
	w.chunk = maxChunkIndex
	if _, err := w.Write(make([]byte, MinChunkSize)); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Errorf("last chunk with counter 2^32-1: %v, want success", err)
	}
}

func TestReaderPassesIOErrorsThrough(t *testing.T) {
	dek := newDEK(4)
	obj := sealBytes(t, dek, testContext, make([]byte, 3*MinChunkSize), &Options{ChunkSize: MinChunkSize})
	for _, cut := range []int{0, HeaderSize - 1, HeaderSize, HeaderSize + 100, len(obj) - 1} {
		src := io.MultiReader(bytes.NewReader(obj[:cut]), iotest.ErrReader(errBoom))
		_, err := io.ReadAll(must(NewReader(src, dek, testContext)))
		if !errors.Is(err, errBoom) || errors.Is(err, ErrIntegrity) {
			t.Errorf("source failing after %d bytes: err = %v, want %v and not ErrIntegrity", cut, err, errBoom)
		}
	}
}

// must returns r, or a reader that fails with err.
func must(r io.Reader, err error) io.Reader {
	if err != nil {
		return iotest.ErrReader(err)
	}
	return r
}

func TestReaderErrorIsSticky(t *testing.T) {
	dek := newDEK(5)
	obj := sealBytes(t, dek, testContext, make([]byte, 3*MinChunkSize), &Options{ChunkSize: MinChunkSize})
	obj[HeaderSize+5] ^= 1
	r, err := NewReader(bytes.NewReader(obj), dek, testContext)
	if err != nil {
		t.Fatal(err)
	}
	p := make([]byte, 10*MinChunkSize)
	_, err1 := r.Read(p)
	_, err2 := r.Read(p)
	if failureOf(err1) != "chunk failure" || err2 != err1 {
		t.Errorf("Read errors %v, then %v; want the same chunk failure twice", err1, err2)
	}
}

func TestReaderRejectsBadKey(t *testing.T) {
	if _, err := NewReader(bytes.NewReader(nil), make([]byte, 16), testContext); err == nil {
		t.Error("NewReader accepted a 16-byte key")
	}
	if _, err := NewReaderAt(bytes.NewReader(nil), 0, make([]byte, 16), testContext); err == nil {
		t.Error("NewReaderAt accepted a 16-byte key")
	}
}

func TestReadAtEdges(t *testing.T) {
	dek := newDEK(6)
	pt := bytes.Repeat([]byte("coffer"), 1000)
	obj := sealBytes(t, dek, testContext, pt, &Options{ChunkSize: MinChunkSize})
	r, err := NewReaderAt(bytes.NewReader(obj), int64(len(obj)), dek, testContext)
	if err != nil {
		t.Fatal(err)
	}
	size := int64(len(pt))
	p := make([]byte, 100)
	for _, tc := range []struct {
		off     int64
		n       int
		wantN   int
		wantErr error
	}{
		{0, 0, 0, nil},
		{size - 10, 100, 10, io.EOF},
		{size, 100, 0, io.EOF},
		{size + 1, 100, 0, io.EOF},
		{size - 100, 100, 100, nil},
	} {
		n, err := r.ReadAt(p[:tc.n], tc.off)
		if n != tc.wantN || err != tc.wantErr {
			t.Errorf("ReadAt(%d bytes, %d) = %d, %v; want %d, %v", tc.n, tc.off, n, err, tc.wantN, tc.wantErr)
		}
		if !bytes.Equal(p[:n], pt[min(tc.off, size):][:n]) {
			t.Errorf("ReadAt(%d bytes, %d) returned the wrong bytes", tc.n, tc.off)
		}
	}
	if _, err := r.ReadAt(p, -1); err == nil {
		t.Error("ReadAt at a negative offset succeeded")
	}
}

// TestReaderAtShortSource checks that a source shorter than its declared
// size is an I/O error, not an integrity failure.
func TestReaderAtShortSource(t *testing.T) {
	dek := newDEK(7)
	obj := sealBytes(t, dek, testContext, make([]byte, 3*MinChunkSize), &Options{ChunkSize: MinChunkSize})
	_, err := NewReaderAt(bytes.NewReader(obj[:len(obj)-1]), int64(len(obj)), dek, testContext)
	if !errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, ErrIntegrity) {
		t.Errorf("err = %v, want io.ErrUnexpectedEOF and not ErrIntegrity", err)
	}
}

func TestErrorsStartWithSeal(t *testing.T) {
	for _, err := range []error{
		errHeaderMAC(), errContext(), errChunk(3), errTruncatedAfter(3), errTruncatedIn(0, 0),
		errTruncatedIn(4, 3), errTrailing(2), errHeader("x"), ErrIntegrity, errClosed,
	} {
		if !strings.HasPrefix(err.Error(), "seal: ") {
			t.Errorf("%q does not start with \"seal: \"", err)
		}
	}
}

// TestReadStaysInsideP checks that Read and ReadAt write nothing past
// len(p), whether a chunk opens or fails.
func TestReadStaysInsideP(t *testing.T) {
	dek := newDEK(8)
	obj := sealBytes(t, dek, testContext, make([]byte, 2*MinChunkSize), &Options{ChunkSize: MinChunkSize})
	bad := bytes.Clone(obj)
	bad[HeaderSize+3] ^= 1
	for _, o := range [][]byte{obj, bad} {
		backing := bytes.Repeat([]byte{0xaa}, 3*MinChunkSize)
		p := backing[:MinChunkSize]
		r, err := NewReader(bytes.NewReader(o), dek, testContext)
		if err != nil {
			t.Fatal(err)
		}
		r.Read(p)
		ra, err := NewReaderAt(bytes.NewReader(o), int64(len(o)), dek, testContext)
		if err != nil {
			t.Fatal(err)
		}
		ra.ReadAt(p, 0)
		if !bytes.Equal(backing[MinChunkSize:], bytes.Repeat([]byte{0xaa}, 2*MinChunkSize)) {
			t.Error("a read wrote past len(p)")
		}
	}
}

func TestWriterRandomSourceFails(t *testing.T) {
	for _, n := range []int{0, saltSize} { // the salt, then the nonce prefix
		rand := io.MultiReader(bytes.NewReader(make([]byte, n)), iotest.ErrReader(errBoom))
		var buf bytes.Buffer
		if _, err := NewWriter(&buf, newDEK(0), testContext, &Options{rand: rand}); !errors.Is(err, errBoom) || buf.Len() != 0 {
			t.Errorf("random source failing after %d bytes: err = %v, %d bytes written; want %v, nothing", n, err, buf.Len(), errBoom)
		}
	}
}

// shortWriter accepts one byte less than it is given, without an error.
type shortWriter struct{}

func (shortWriter) Write(p []byte) (int, error) { return max(len(p)-1, 0), nil }

func TestWriterShortWrite(t *testing.T) {
	if _, err := NewWriter(shortWriter{}, newDEK(0), testContext, nil); !errors.Is(err, io.ErrShortWrite) {
		t.Errorf("NewWriter on a short writer: err = %v, want io.ErrShortWrite", err)
	}
}
