package seal

import (
	"bytes"
	"crypto/cipher"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"testing/iotest"
)

// Tests of the Writer's paths that copy no plaintext: Write straight from
// the caller's slice, and ReadFrom into the chunk buffer. Each must give
// the object that Writes of one byte at a time give, byte for byte, which
// pins the last-chunk rule: only the final chunk carries the last flag,
// and it may be full.

// fixedOpts gives the salt and nonce prefix a random source would, fixed,
// so that two writers make the same object from the same plaintext.
func fixedOpts(cs int) *Options {
	return &Options{ChunkSize: cs, rand: bytes.NewReader(bytes.Repeat([]byte{0x5a}, saltSize+prefixSize))}
}

// sealVia seals pt with feed, which writes it to the Writer in its own
// way, and returns the object.
func sealVia(t *testing.T, cs int, feed func(w io.Writer) error) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, newDEK(20), testContext, fixedOpts(cs))
	if err != nil {
		t.Fatal(err)
	}
	if err := feed(w); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// byteByByte is the reference: it only ever buffers.
func byteByByte(pt []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		for i := range pt {
			if _, err := w.Write(pt[i : i+1]); err != nil {
				return err
			}
		}
		return nil
	}
}

// inPieces writes pt in Writes of the sizes next gives.
func inPieces(pt []byte, next func() int) func(io.Writer) error {
	return func(w io.Writer) error {
		for rest := pt; len(rest) > 0; {
			k := min(len(rest), next())
			if n, err := w.Write(rest[:k]); n != k || err != nil {
				return fmt.Errorf("Write(%d bytes) = %d, %v", k, n, err)
			}
			rest = rest[k:]
		}
		return nil
	}
}

func writeSizes(cs int, rng *rand.Rand) []int {
	return []int{0, 1, cs - 1, cs, cs + 1, 2*cs - 1, 2 * cs, 2*cs + 1, 5 * cs, 5*cs + 3, rng.IntN(6 * cs)}
}

func TestWriteSplits(t *testing.T) {
	rng := rand.New(rand.NewPCG(21, 22))
	for _, cs := range []int{MinChunkSize, 4096} {
		for _, n := range writeSizes(cs, rng) {
			pt := plaintext(rng, n)
			want := sealVia(t, cs, byteByByte(pt))
			if got, err := openStream(newDEK(20), testContext, want); err != nil || !bytes.Equal(got, pt) {
				t.Fatalf("chunk %d, %d bytes: the reference object does not open: %v", cs, n, err)
			}
			for name, next := range map[string]func() int{
				"one Write":         func() int { return n },
				"random":            func() int { return rng.IntN(4*cs + 2) }, // zero-length Writes too
				"chunks":            func() int { return cs },
				"chunk+1":           func() int { return cs + 1 },
				"chunk-1":           func() int { return cs - 1 },
				"2 chunks and some": func() int { return 2*cs + 7 },
			} {
				if got := sealVia(t, cs, inPieces(pt, next)); !bytes.Equal(got, want) {
					t.Errorf("chunk %d, %d bytes, Writes %s: the object differs from the byte-by-byte one", cs, n, name)
				}
			}
			// A partial chunk first, then one Write that completes it
			// and holds more chunks.
			mixed := func(w io.Writer) error {
				k := min(n, cs/3)
				if _, err := w.Write(pt[:k]); err != nil {
					return err
				}
				_, err := w.Write(pt[k:])
				return err
			}
			if got := sealVia(t, cs, mixed); !bytes.Equal(got, want) {
				t.Errorf("chunk %d, %d bytes, part then rest: the object differs from the byte-by-byte one", cs, n)
			}
		}
	}
}

// spyAEAD counts the Seals and Opens whose input starts at buf[0] (the
// chunk buffer) and those whose input lies elsewhere (the caller's or the
// source's memory).
type spyAEAD struct {
	cipher.AEAD
	buf           []byte
	fromBuf, away int
}

func (s *spyAEAD) count(in []byte) {
	if len(in) > 0 && &in[0] == &s.buf[0] {
		s.fromBuf++
	} else {
		s.away++
	}
}

func (s *spyAEAD) Seal(dst, nonce, pt, ad []byte) []byte {
	s.count(pt)
	return s.AEAD.Seal(dst, nonce, pt, ad)
}

func (s *spyAEAD) Open(dst, nonce, ct, ad []byte) ([]byte, error) {
	s.count(ct)
	return s.AEAD.Open(dst, nonce, ct, ad)
}

// TestWriteSealsFromP checks which chunks Write seals straight from p:
// all that more bytes of p follow, and none that may be the last.
func TestWriteSealsFromP(t *testing.T) {
	const cs = MinChunkSize
	for _, tc := range []struct {
		first, second         int // bytes in two Writes
		fromBuf, fromP, wantN int // chunks sealed by the end of the second Write
	}{
		{0, 5*cs + 3, 0, 5, 3},  // five chunks straight from p, 3 bytes buffered
		{0, 5 * cs, 0, 4, cs},   // the fifth may be the last: buffered
		{10, 5 * cs, 1, 4, 10},  // the buffered 10 bytes are completed from p and sealed
		{cs, 1, 1, 0, 1},        // one more byte shows the buffered chunk is not the last
		{cs, 3 * cs, 1, 2, cs},  // and more still
		{cs - 1, 1, 0, 0, cs},   // a full chunk waits for Close
		{cs - 1, 2, 1, 0, 1},    // until one byte more comes
		{0, cs + 1, 0, 1, 1},    // one chunk straight from p, one byte left
		{3, 2*cs - 3, 1, 0, cs}, // completing the chunk takes cs-3, the next is full: waits
	} {
		wc, err := NewWriter(io.Discard, newDEK(0), testContext, &Options{ChunkSize: cs})
		if err != nil {
			t.Fatal(err)
		}
		w := wc.(*writer)
		spy := &spyAEAD{AEAD: w.aead, buf: w.buf}
		w.aead = spy
		pt := make([]byte, tc.first+tc.second)
		if _, err := w.Write(pt[:tc.first]); err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write(pt[tc.first:]); err != nil {
			t.Fatal(err)
		}
		if spy.fromBuf != tc.fromBuf || spy.away != tc.fromP || w.n != tc.wantN {
			t.Errorf("Writes of %d and %d bytes: sealed %d chunks from buf and %d from p, %d bytes buffered; want %d, %d, %d",
				tc.first, tc.second, spy.fromBuf, spy.away, w.n, tc.fromBuf, tc.fromP, tc.wantN)
		}
	}
}

// shortReads returns at most max bytes per Read, sometimes none.
type shortReads struct {
	r   io.Reader
	rng *rand.Rand
	max int
}

func (s *shortReads) Read(p []byte) (int, error) {
	return s.r.Read(p[:min(len(p), s.rng.IntN(s.max+1))])
}

func TestReadFromRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(23, 24))
	const cs = MinChunkSize
	for _, n := range writeSizes(cs, rng) {
		pt := plaintext(rng, n)
		want := sealVia(t, cs, byteByByte(pt))
		for name, src := range map[string]func([]byte) io.Reader{
			"read only":  func(b []byte) io.Reader { return readerOnly{bytes.NewReader(b)} },
			"one byte":   func(b []byte) io.Reader { return iotest.OneByteReader(bytes.NewReader(b)) },
			"half":       func(b []byte) io.Reader { return iotest.HalfReader(bytes.NewReader(b)) },
			"data+EOF":   func(b []byte) io.Reader { return iotest.DataErrReader(bytes.NewReader(b)) },
			"short":      func(b []byte) io.Reader { return &shortReads{bytes.NewReader(b), rng, 3 * cs} },
			"chunk-size": func(b []byte) io.Reader { return &shortReads{bytes.NewReader(b), rand.New(rand.NewPCG(0, 0)), cs} },
		} {
			copyAll := func(w io.Writer) error {
				if _, ok := w.(io.ReaderFrom); !ok {
					return errors.New("the Writer is no io.ReaderFrom")
				}
				if k, err := io.Copy(w, src(pt)); k != int64(n) || err != nil {
					return fmt.Errorf("io.Copy = %d, %v; want %d, nil", k, err, n)
				}
				return nil
			}
			if got := sealVia(t, cs, copyAll); !bytes.Equal(got, want) {
				t.Errorf("%d bytes, io.Copy from %s: the object differs from the byte-by-byte one", n, name)
			}
			// Writes and ReadFroms in turn share the chunk buffer.
			a, b, c := rng.IntN(n+1), rng.IntN(n+1), rng.IntN(n+1)
			a, c = min(a, b, c), max(a, b, c)
			b = a + (c-a)/2
			mixed := func(w io.Writer) error {
				for i, cut := range [][2]int{{0, a}, {a, b}, {b, c}, {c, n}} {
					var err error
					if i%2 == 0 {
						_, err = w.Write(pt[cut[0]:cut[1]])
					} else {
						_, err = w.(io.ReaderFrom).ReadFrom(src(pt[cut[0]:cut[1]]))
					}
					if err != nil {
						return err
					}
				}
				return nil
			}
			if got := sealVia(t, cs, mixed); !bytes.Equal(got, want) {
				t.Errorf("%d bytes, Writes and ReadFrom from %s at %d, %d, %d: the object differs", n, name, a, b, c)
			}
		}
	}
}

// dataThenErr returns all of b together with err in one Read.
type dataThenErr struct {
	b   []byte
	err error
}

func (d *dataThenErr) Read(p []byte) (int, error) {
	n := copy(p, d.b)
	d.b = d.b[n:]
	if len(d.b) == 0 {
		return n, d.err
	}
	return n, nil
}

// TestReadFromSourceError checks that a source failing mid-stream fails
// the object for good: the error is sticky, and Close does not seal a
// last chunk, so what was written never opens as a complete object.
func TestReadFromSourceError(t *testing.T) {
	const cs = MinChunkSize
	pt := plaintext(rand.New(rand.NewPCG(25, 26)), 4*cs+7)
	dek := newDEK(21)
	for _, k := range []int{0, 1, cs - 1, cs, cs + 1, 2 * cs, 3*cs + 5, len(pt)} {
		for name, src := range map[string]io.Reader{
			"then error":     io.MultiReader(readerOnly{bytes.NewReader(pt[:k])}, iotest.ErrReader(errBoom)),
			"data and error": &dataThenErr{pt[:k], errBoom},
			"short reads":    &shortReads{io.MultiReader(bytes.NewReader(pt[:k]), iotest.ErrReader(errBoom)), rand.New(rand.NewPCG(1, 1)), cs / 3},
		} {
			what := fmt.Sprintf("source failing after %d bytes, %s", k, name)
			var obj bytes.Buffer
			w, err := NewWriter(&obj, dek, testContext, &Options{ChunkSize: cs})
			if err != nil {
				t.Fatal(err)
			}
			n, err := io.Copy(w, readerOnly{src})
			if n != int64(k) || !errors.Is(err, errBoom) || errors.Is(err, ErrIntegrity) {
				t.Errorf("%s: io.Copy = %d, %v; want %d and an error wrapping %v, not ErrIntegrity", what, n, err, k, errBoom)
			}
			if _, err := w.Write([]byte{1}); !errors.Is(err, errBoom) {
				t.Errorf("%s: Write after: err = %v, want the sticky error", what, err)
			}
			if _, err := w.(io.ReaderFrom).ReadFrom(bytes.NewReader([]byte{1})); !errors.Is(err, errBoom) {
				t.Errorf("%s: ReadFrom after: err = %v, want the sticky error", what, err)
			}
			if err := w.Close(); !errors.Is(err, errBoom) {
				t.Errorf("%s: Close: err = %v, want the sticky error", what, err)
			}
			if max := HeaderSize + max(k-1, 0)/cs*(cs+tagSize); obj.Len() > max {
				t.Errorf("%s: wrote %d bytes, more than the %d of the chunks known not to be last", what, obj.Len(), max)
			}
			got, err := openStream(dek, testContext, obj.Bytes())
			wantIntegrity(t, what+": opening what was written", err)
			if !bytes.HasPrefix(pt, got) {
				t.Errorf("%s: what was written opens to bytes that are not a prefix of the plaintext", what)
			}
		}
	}
}

// zeroReader returns nothing, forever, without an error.
type zeroReader struct{}

func (zeroReader) Read([]byte) (int, error) { return 0, nil }

// badCount claims more bytes than it was given room for.
type badCount struct{}

func (badCount) Read(p []byte) (int, error) { return len(p) + 1, nil }

func TestReadFromBadSources(t *testing.T) {
	for name, tc := range map[string]struct {
		src  io.Reader
		want string
	}{
		"no progress": {zeroReader{}, io.ErrNoProgress.Error()},
		"bad count":   {badCount{}, errInvalidRead.Error()},
	} {
		w, err := NewWriter(io.Discard, newDEK(0), testContext, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, err = w.(io.ReaderFrom).ReadFrom(tc.src)
		if err == nil || !bytes.Contains([]byte(err.Error()), []byte(tc.want)) || errors.Is(err, ErrIntegrity) {
			t.Errorf("%s: err = %v, want %q", name, err, tc.want)
		}
		if err2 := w.Close(); err2 != err {
			t.Errorf("%s: Close: err = %v, want the sticky %v", name, err2, err)
		}
	}
}

func TestReadFromDestinationError(t *testing.T) {
	w, err := NewWriter(&failingWriter{n: HeaderSize}, newDEK(0), testContext, &Options{ChunkSize: MinChunkSize})
	if err != nil {
		t.Fatal(err)
	}
	_, err = io.Copy(w, readerOnly{bytes.NewReader(make([]byte, 3*MinChunkSize))})
	if !errors.Is(err, errBoom) || errors.Is(err, ErrIntegrity) {
		t.Errorf("io.Copy: err = %v, want it to wrap %v and not ErrIntegrity", err, errBoom)
	}
	if err := w.Close(); !errors.Is(err, errBoom) {
		t.Errorf("Close: err = %v, want the sticky error", err)
	}
}
