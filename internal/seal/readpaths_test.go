package seal

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"testing/iotest"
)

// Tests of the Reader's WriteTo, which opens chunks straight from the
// source's memory when the source is an io.WriterTo and reads straight into
// the chunk buffer otherwise. The tamper, vector and fuzz tests check that
// it fails exactly as Read does (see sameAsStream).

// pieces is a source whose WriteTo hands out its bytes in Writes of random
// sizes, empty ones too, as a WriterTo over a list of buffers would.
type pieces struct {
	b   []byte
	rng *rand.Rand
	max int
}

func (s *pieces) Read(p []byte) (int, error) {
	if len(s.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p, s.b)
	s.b = s.b[n:]
	return n, nil
}

func (s *pieces) WriteTo(w io.Writer) (int64, error) {
	var total int64
	for len(s.b) > 0 {
		k := min(len(s.b), s.rng.IntN(s.max+1))
		n, err := w.Write(s.b[:k])
		total += int64(n)
		s.b = s.b[n:]
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// sources returns the ways a source may hand the object to WriteTo, each
// as a maker of a fresh source.
func sources(rng *rand.Rand, cs int) map[string]func([]byte) io.Reader {
	return map[string]func([]byte) io.Reader{
		"bytes.Reader (one Write)": func(b []byte) io.Reader { return bytes.NewReader(b) },
		"read only (ReadFrom)":     func(b []byte) io.Reader { return readerOnly{bytes.NewReader(b)} },
		"one byte (ReadFrom)":      func(b []byte) io.Reader { return iotest.OneByteReader(bytes.NewReader(b)) },
		"data+EOF (ReadFrom)":      func(b []byte) io.Reader { return iotest.DataErrReader(bytes.NewReader(b)) },
		"pieces (Writes)":          func(b []byte) io.Reader { return &pieces{b, rng, 3 * cs} },
		"bufio over read only":     func(b []byte) io.Reader { return bufio.NewReaderSize(readerOnly{bytes.NewReader(b)}, 3000) },
		"bufio over bytes.Reader":  func(b []byte) io.Reader { return bufio.NewReaderSize(bytes.NewReader(b), 3000) },
		"multi (Writes, ReadFrom)": func(b []byte) io.Reader {
			k, l := rng.IntN(len(b)+1), rng.IntN(len(b)+1)
			k, l = min(k, l), max(k, l)
			return io.MultiReader(bytes.NewReader(b[:k]), readerOnly{bytes.NewReader(b[k:l])}, &pieces{b[l:], rng, cs})
		},
	}
}

func TestWriteToRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(31, 32))
	const cs = MinChunkSize
	dek := newDEK(30)
	for _, n := range writeSizes(cs, rng) {
		pt := plaintext(rng, n)
		obj := sealBytes(t, dek, testContext, pt, &Options{ChunkSize: cs})
		for name, src := range sources(rng, cs) {
			// Read a little first, now and then, so that WriteTo starts
			// with plaintext left over and a look-ahead byte in cbuf.
			for _, first := range []int{0, 1, cs + 5} {
				what := fmt.Sprintf("%d bytes from %s, %d read first", n, name, first)
				r, err := NewReader(src(obj), dek, testContext)
				if err != nil {
					t.Fatal(err)
				}
				head := make([]byte, min(first, n))
				if _, err := io.ReadFull(r, head); err != nil {
					t.Fatalf("%s: %v", what, err)
				}
				var out bytes.Buffer
				k, err := io.Copy(&out, r)
				if err != nil || k != int64(n-len(head)) || !bytes.Equal(append(head, out.Bytes()...), pt) {
					t.Fatalf("%s: io.Copy = %d, %v; want %d bytes back", what, k, err, n-len(head))
				}
				if k, err := r.(io.WriterTo).WriteTo(&out); k != 0 || err != nil {
					t.Errorf("%s: WriteTo at the end = %d, %v; want 0, nil", what, k, err)
				}
				if k, err := r.Read(make([]byte, 1)); k != 0 || err != io.EOF {
					t.Errorf("%s: Read at the end = %d, %v; want 0, EOF", what, k, err)
				}
			}
		}
	}
}

// TestWriteToOpensFromSource checks that WriteTo opens every chunk but the
// last straight from a bytes.Reader's memory, and from cbuf otherwise.
func TestWriteToOpensFromSource(t *testing.T) {
	const cs = MinChunkSize
	dek := newDEK(33)
	obj := sealBytes(t, dek, testContext, make([]byte, 5*cs+3), &Options{ChunkSize: cs})
	for _, tc := range []struct {
		src           io.Reader
		fromBuf, away int
	}{
		{bytes.NewReader(obj), 1, 5},
		{readerOnly{bytes.NewReader(obj)}, 6, 0},
	} {
		r, err := NewReader(tc.src, dek, testContext)
		if err != nil {
			t.Fatal(err)
		}
		rd := r.(*reader)
		spy := &spyAEAD{AEAD: rd.aead, buf: rd.cbuf}
		rd.aead = spy
		if _, err := io.Copy(io.Discard, r); err != nil {
			t.Fatal(err)
		}
		if spy.fromBuf != tc.fromBuf || spy.away != tc.away {
			t.Errorf("%T: opened %d chunks from cbuf and %d from the source; want %d and %d", tc.src, spy.fromBuf, spy.away, tc.fromBuf, tc.away)
		}
	}
}

// partialWriter takes n bytes in all, then fails, taking what fits.
type partialWriter struct {
	out bytes.Buffer
	n   int
}

func (w *partialWriter) Write(p []byte) (int, error) {
	k := min(len(p), w.n)
	w.out.Write(p[:k])
	w.n -= k
	if k < len(p) {
		return k, errBoom
	}
	return k, nil
}

// TestWriteToFailingWriter checks that an error from dst is returned, is no
// integrity error, loses nothing and is not sticky: a later Read or WriteTo
// goes on where dst stopped.
func TestWriteToFailingWriter(t *testing.T) {
	rng := rand.New(rand.NewPCG(34, 35))
	const cs = MinChunkSize
	dek := newDEK(34)
	pt := plaintext(rng, 5*cs+100)
	obj := sealBytes(t, dek, testContext, pt, &Options{ChunkSize: cs})
	for name, src := range sources(rng, cs) {
		for _, k := range []int{0, 1, cs - 1, cs, cs + 1, 3*cs + 7, 5 * cs, len(pt) - 1} {
			for _, resume := range []string{"Read", "WriteTo"} {
				what := fmt.Sprintf("%s, dst failing after %d bytes, then %s", name, k, resume)
				r, err := NewReader(src(obj), dek, testContext)
				if err != nil {
					t.Fatal(err)
				}
				dst := &partialWriter{n: k}
				n, err := io.Copy(dst, r)
				if n != int64(k) || !errors.Is(err, errBoom) || errors.Is(err, ErrIntegrity) {
					t.Errorf("%s: io.Copy = %d, %v; want %d and an error wrapping %v, not ErrIntegrity", what, n, err, k, errBoom)
				}
				var rest []byte
				if resume == "Read" {
					rest, err = io.ReadAll(r)
				} else {
					var out bytes.Buffer
					_, err = r.(io.WriterTo).WriteTo(&out)
					rest = out.Bytes()
				}
				if err != nil || !bytes.Equal(append(dst.out.Bytes(), rest...), pt) {
					t.Errorf("%s: got %d + %d bytes, %v; want the plaintext, nothing lost", what, dst.out.Len(), len(rest), err)
				}
			}
		}
	}
}

func TestWriteToBadWriters(t *testing.T) {
	dek := newDEK(36)
	obj := sealBytes(t, dek, testContext, make([]byte, 3*MinChunkSize), &Options{ChunkSize: MinChunkSize})
	for name, tc := range map[string]struct {
		dst  io.Writer
		want error
	}{
		"short":     {shortWriter{}, io.ErrShortWrite},
		"bad count": {tooMuch{}, errInvalidWrite},
	} {
		for _, push := range []bool{true, false} {
			var src io.Reader = bytes.NewReader(obj)
			if !push {
				src = readerOnly{src}
			}
			r, err := NewReader(src, dek, testContext)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := io.Copy(tc.dst, r); !errors.Is(err, tc.want) {
				t.Errorf("%s, push %v: err = %v, want %v", name, push, err, tc.want)
			}
		}
	}
}

// tooMuch claims to have written more than it was given.
type tooMuch struct{}

func (tooMuch) Write(p []byte) (int, error) { return len(p) + 1, nil }

// TestWriteToSourceError checks that a failing source is an I/O error, not
// an integrity failure, that it is sticky, and that WriteTo released only
// authenticated plaintext, whether the source pushes or is read.
func TestWriteToSourceError(t *testing.T) {
	rng := rand.New(rand.NewPCG(37, 38))
	const cs = MinChunkSize
	dek := newDEK(37)
	pt := plaintext(rng, 3*cs+50)
	obj := sealBytes(t, dek, testContext, pt, &Options{ChunkSize: cs})
	for _, cut := range []int{HeaderSize, HeaderSize + 100, HeaderSize + cs + tagSize, HeaderSize + cs + tagSize + 1, len(obj) - 1, len(obj)} {
		for name, src := range map[string]io.Reader{
			"push": io.MultiReader(bytes.NewReader(obj[:cut]), iotest.ErrReader(errBoom)),
			"read": readerOnly{io.MultiReader(bytes.NewReader(obj[:cut]), iotest.ErrReader(errBoom))},
			"both": io.MultiReader(bytes.NewReader(obj[:cut]), &pieces{nil, rng, 1}, iotest.ErrReader(errBoom)),
		} {
			what := fmt.Sprintf("source failing after %d bytes, %s", cut, name)
			r, err := NewReader(src, dek, testContext)
			if err != nil {
				t.Fatal(err)
			}
			var out bytes.Buffer
			_, err = io.Copy(&out, r)
			if !errors.Is(err, errBoom) || errors.Is(err, ErrIntegrity) {
				t.Errorf("%s: err = %v, want %v and not ErrIntegrity", what, err, errBoom)
			}
			if whole := (cut - HeaderSize - 1) / (cs + tagSize) * cs; out.Len() > whole || !bytes.HasPrefix(pt, out.Bytes()) {
				t.Errorf("%s: released %d bytes; want a prefix of at most the %d of the chunks that more bytes follow", what, out.Len(), whole)
			}
			if _, err2 := r.Read(make([]byte, 10)); err2 != err {
				t.Errorf("%s: Read after: %v, want the sticky %v", what, err2, err)
			}
		}
	}
}

// TestWriteToFileSource reads through an *os.File, an io.WriterTo that
// hands the sink to io.Copy, which then calls the sink's ReadFrom.
func TestWriteToFileSource(t *testing.T) {
	dek := newDEK(38)
	pt := plaintext(rand.New(rand.NewPCG(39, 40)), 5*MinChunkSize+9)
	path := filepath.Join(t.TempDir(), "obj")
	if err := os.WriteFile(path, sealBytes(t, dek, testContext, pt, &Options{ChunkSize: MinChunkSize}), 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := NewReader(f, dek, testContext)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if n, err := io.Copy(&out, r); n != int64(len(pt)) || err != nil || !bytes.Equal(out.Bytes(), pt) {
		t.Errorf("io.Copy = %d, %v; want %d bytes back", n, err, len(pt))
	}
}
