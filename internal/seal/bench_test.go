package seal

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"encoding/binary"
	"io"
	"testing"
	"time"
)

// The benchmarks compare seal with raw AES-256-GCM doing the same work:
// 64 MiB of plaintext in 64 KiB chunks. scripts/bench-seal runs them on one
// core and prints the ratios. Each raw benchmark has three forms: "memory"
// seals or opens from one 64 MiB buffer straight into another, which is
// the cipher alone; "discard" seals or opens from a 64 MiB buffer into one
// chunk buffer, over and over, which is the cipher alone with its output
// left in cache, as a stream to io.Discard leaves it; "stream" adds to
// "memory" the one copy that any io.Writer or io.Reader imposes (sealed
// chunks are written to an in-memory writer, ciphertext is read from a
// bytes.Reader), which is the work BenchmarkWriter and BenchmarkReader do.
const (
	benchSize  = 64 << 20
	benchChunk = DefaultChunkSize
)

func benchAEAD(b *testing.B) cipher.AEAD {
	block, err := aes.NewCipher(make([]byte, 32))
	if err != nil {
		b.Fatal(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		b.Fatal(err)
	}
	return aead
}

// cpuLoop runs body b.N times, as b.Loop decides, and reports the
// throughput in CPU time next to the usual wall-time MB/s.
func cpuLoop(b *testing.B, body func()) {
	b.SetBytes(benchSize)
	var start time.Duration
	for i := 0; b.Loop(); i++ {
		if i == 0 {
			start = cpuTime()
		}
		body()
	}
	if used := cpuTime() - start; start > 0 && used > 0 {
		b.ReportMetric(float64(benchSize)*float64(b.N)/used.Seconds()/1e6, "cpu-MB/s")
	}
}

// benchPlaintext returns 64 MiB of plaintext. It is written to, because a
// fresh allocation that is only read maps the kernel's one zero page, which
// is always in cache and would make reading it look free.
func benchPlaintext() []byte { return touched(benchSize) }

// touched returns n bytes that have been written to, so that their pages
// are mapped before the clock starts.
func touched(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

// ctSize is the size of 64 MiB sealed in 64 KiB chunks, tags included.
const ctSize = benchSize / benchChunk * (benchChunk + tagSize)

// rawSeal seals pt chunk by chunk into ct, which holds the tags too.
func rawSeal(aead cipher.AEAD, ct, pt []byte) {
	var nonce [12]byte
	for i := 0; i*benchChunk < len(pt); i++ {
		binary.BigEndian.PutUint32(nonce[7:], uint32(i))
		off := i * (benchChunk + tagSize)
		aead.Seal(ct[off:off], nonce[:], pt[i*benchChunk:(i+1)*benchChunk], nil)
	}
}

func BenchmarkRawGCMSeal(b *testing.B) {
	aead := benchAEAD(b)
	pt := benchPlaintext()
	b.Run("memory", func(b *testing.B) {
		ct := touched(ctSize)
		cpuLoop(b, func() { rawSeal(aead, ct, pt) })
	})
	b.Run("discard", func(b *testing.B) {
		buf := make([]byte, benchChunk+tagSize)
		var nonce [12]byte
		cpuLoop(b, func() {
			for i := 0; i*benchChunk < len(pt); i++ {
				binary.BigEndian.PutUint32(nonce[7:], uint32(i))
				aead.Seal(buf[:0], nonce[:], pt[i*benchChunk:(i+1)*benchChunk], nil)
			}
		})
	})
	b.Run("stream", func(b *testing.B) {
		dst := &sink{b: touched(ctSize)[:0]}
		buf := make([]byte, benchChunk+tagSize)
		var nonce [12]byte
		cpuLoop(b, func() {
			dst.b = dst.b[:0]
			for i := 0; i*benchChunk < len(pt); i++ {
				binary.BigEndian.PutUint32(nonce[7:], uint32(i))
				dst.Write(aead.Seal(buf[:0], nonce[:], pt[i*benchChunk:(i+1)*benchChunk], nil))
			}
		})
	})
}

func BenchmarkRawGCMOpen(b *testing.B) {
	aead := benchAEAD(b)
	pt := benchPlaintext()
	ct := touched(ctSize)
	rawSeal(aead, ct, pt)
	var nonce [12]byte
	openTo := func(dst []byte, i int, ct []byte) {
		binary.BigEndian.PutUint32(nonce[7:], uint32(i))
		if _, err := aead.Open(dst, nonce[:], ct, nil); err != nil {
			b.Fatal(err)
		}
	}
	open := func(i int, ct []byte) { openTo(pt[i*benchChunk:i*benchChunk], i, ct) }
	b.Run("memory", func(b *testing.B) {
		cpuLoop(b, func() {
			for i := 0; i*benchChunk < len(pt); i++ {
				off := i * (benchChunk + tagSize)
				open(i, ct[off:off+benchChunk+tagSize])
			}
		})
	})
	b.Run("discard", func(b *testing.B) {
		buf := make([]byte, benchChunk)
		cpuLoop(b, func() {
			for i := 0; i*benchChunk < len(pt); i++ {
				off := i * (benchChunk + tagSize)
				openTo(buf[:0], i, ct[off:off+benchChunk+tagSize])
			}
		})
	})
	b.Run("stream", func(b *testing.B) {
		src := bytes.NewReader(ct)
		buf := make([]byte, benchChunk+tagSize)
		cpuLoop(b, func() {
			src.Reset(ct)
			for i := 0; i*benchChunk < len(pt); i++ {
				if _, err := io.ReadFull(src, buf); err != nil {
					b.Fatal(err)
				}
				open(i, buf)
			}
		})
	})
}

// sink is an in-memory io.Writer with a fixed capacity, so that the
// benchmark measures sealing and not buffer growth.
type sink struct{ b []byte }

func (s *sink) Write(p []byte) (int, error) {
	s.b = append(s.b, p...)
	return len(p), nil
}

var benchContext = Context{"dataset": "bench", "version": "1"}

// BenchmarkWriter seals 64 MiB, written in one Write, into memory.
func BenchmarkWriter(b *testing.B) {
	dek := make([]byte, DEKSize)
	pt := benchPlaintext()
	dst := &sink{b: touched(int(EncryptedSize(benchSize, benchChunk)))[:0]}
	cpuLoop(b, func() {
		dst.b = dst.b[:0]
		w, err := NewWriter(dst, dek, benchContext, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := w.Write(pt); err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkWriterDiscard seals 64 MiB, written in one Write, to
// io.Discard: the fast path of Write, which seals every chunk but the last
// straight from the caller's slice into the Writer's chunk buffer. That is
// RawGCMSeal/memory's work, one GCM pass and no copy, except that the
// ciphertext goes to a 64 KiB buffer in cache and not on to 64 MiB of memory.
func BenchmarkWriterDiscard(b *testing.B) {
	dek := make([]byte, DEKSize)
	pt := benchPlaintext()
	cpuLoop(b, func() {
		w, err := NewWriter(io.Discard, dek, benchContext, nil)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := w.Write(pt); err != nil {
			b.Fatal(err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	})
}

// BenchmarkWriterReadFrom seals 64 MiB with io.Copy from a bytes.Reader
// that offers only Read (a bare bytes.Reader would have io.Copy call its
// WriteTo, which makes one Write: BenchmarkWriterDiscard) to io.Discard.
// The Writer's ReadFrom reads each chunk straight into its chunk buffer and
// seals it there: one copy and one GCM pass, RawGCMSeal/stream's work with
// the copy before the cipher instead of after it.
func BenchmarkWriterReadFrom(b *testing.B) {
	dek := make([]byte, DEKSize)
	pt := benchPlaintext()
	src := bytes.NewReader(pt)
	cpuLoop(b, func() {
		src.Reset(pt)
		w, err := NewWriter(io.Discard, dek, benchContext, nil)
		if err != nil {
			b.Fatal(err)
		}
		if n, err := io.Copy(w, readerOnly{src}); n != benchSize || err != nil {
			b.Fatalf("io.Copy = %d, %v", n, err)
		}
		if err := w.Close(); err != nil {
			b.Fatal(err)
		}
	})
}

func benchObject(b *testing.B) (dek, obj []byte) {
	dek = make([]byte, DEKSize)
	return dek, sealBytes(b, dek, benchContext, benchPlaintext(), nil)
}

// BenchmarkReader opens a 64 MiB object from a bytes.Reader into memory.
func BenchmarkReader(b *testing.B) {
	dek, obj := benchObject(b)
	out := touched(benchSize)
	src := bytes.NewReader(obj)
	cpuLoop(b, func() {
		src.Reset(obj)
		r, err := NewReader(src, dek, benchContext)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := io.ReadFull(r, out); err != nil {
			b.Fatal(err)
		}
		if n, err := r.Read(out[:1]); n != 0 || err != io.EOF {
			b.Fatalf("Read at end = %d, %v; want 0, EOF", n, err)
		}
	})
}

// BenchmarkReaderAt opens a 64 MiB object and reads it all in 1 MiB ReadAt
// calls.
func BenchmarkReaderAt(b *testing.B) {
	dek, obj := benchObject(b)
	out := touched(benchSize)
	src := bytes.NewReader(obj)
	cpuLoop(b, func() {
		r, err := NewReaderAt(src, int64(len(obj)), dek, benchContext)
		if err != nil {
			b.Fatal(err)
		}
		for off := 0; off < benchSize; off += 1 << 20 {
			if _, err := r.ReadAt(out[off:off+1<<20], int64(off)); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkReaderWriteTo opens a 64 MiB object with io.Copy to io.Discard,
// which calls the Reader's WriteTo. In "memory" the source is a
// bytes.Reader: WriteTo has it hand over the object in one Write and opens
// every chunk but the last straight from it into a 64 KiB buffer, no copy,
// which is RawGCMOpen/memory's work except that the plaintext stays in
// cache. In "stream" the source offers only Read, as a pipe or socket does:
// WriteTo reads each chunk into its buffer first, one copy, which is
// RawGCMOpen/stream's work.
func BenchmarkReaderWriteTo(b *testing.B) {
	dek, obj := benchObject(b)
	src := bytes.NewReader(obj)
	for _, bc := range []struct {
		name string
		src  io.Reader
	}{{"memory", src}, {"stream", readerOnly{src}}} {
		b.Run(bc.name, func(b *testing.B) {
			cpuLoop(b, func() {
				src.Reset(obj)
				r, err := NewReader(bc.src, dek, benchContext)
				if err != nil {
					b.Fatal(err)
				}
				if n, err := io.Copy(io.Discard, r); n != benchSize || err != nil {
					b.Fatalf("io.Copy = %d, %v", n, err)
				}
			})
		})
	}
}
