package seal

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"sync"
	"testing"
)

// countingReaderAt records the byte ranges read from an io.ReaderAt.
type countingReaderAt struct {
	r     io.ReaderAt
	mu    sync.Mutex
	reads [][2]int64 // [off, off+len)
}

func (c *countingReaderAt) ReadAt(p []byte, off int64) (int, error) {
	c.mu.Lock()
	c.reads = append(c.reads, [2]int64{off, off + int64(len(p))})
	c.mu.Unlock()
	return c.r.ReadAt(p, off)
}

func (c *countingReaderAt) take() [][2]int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	r := c.reads
	c.reads = nil
	return r
}

func TestReadAtRandomRanges(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	dek := newDEK(20)
	for _, cs := range []int{MinChunkSize, 3000, 16 << 10} {
		for _, size := range []int{0, 1, cs, 5*cs + 17, rng.IntN(40 * cs)} {
			t.Run(fmt.Sprintf("chunk=%d/size=%d", cs, size), func(t *testing.T) {
				pt := plaintext(rng, size)
				obj := sealBytes(t, dek, testContext, pt, &Options{ChunkSize: cs})
				src := &countingReaderAt{r: bytes.NewReader(obj)}
				r, err := NewReaderAt(src, int64(len(obj)), dek, testContext)
				if err != nil {
					t.Fatal(err)
				}
				if r.Size() != int64(size) {
					t.Fatalf("Size = %d, want %d", r.Size(), size)
				}
				src.take()
				for range 200 {
					readRandomRange(t, rng, r, src, pt, cs)
				}
			})
		}
	}
}

// readRandomRange reads a random range, compares it with the plaintext and
// checks that only the ciphertext of the chunks it touches was read.
func readRandomRange(t *testing.T, rng *rand.Rand, r *ReaderAt, src *countingReaderAt, pt []byte, cs int) {
	t.Helper()
	off := rng.Int64N(int64(len(pt)) + 2)
	p := make([]byte, rng.IntN(4*cs))
	n, err := r.ReadAt(p, off)
	want := pt[min(off, int64(len(pt))):]
	want = want[:min(len(want), len(p))]
	if n != len(want) || !bytes.Equal(p[:n], want) {
		t.Fatalf("ReadAt(%d bytes, %d) = %d bytes, want %d", len(p), off, n, len(want))
	}
	if wantEOF := n < len(p); (err == io.EOF) != wantEOF || (err != nil && err != io.EOF) {
		t.Fatalf("ReadAt(%d bytes, %d): err = %v, want EOF: %v", len(p), off, err, wantEOF)
	}
	var lo, hi int64 // the ciphertext of the touched chunks
	if n > 0 {
		first, last := off/int64(cs), (off+int64(n)-1)/int64(cs)
		lo = HeaderSize + first*int64(cs+tagSize)
		hi = min(HeaderSize+(last+1)*int64(cs+tagSize), EncryptedSize(int64(len(pt)), cs))
	}
	var total int64
	for _, rd := range src.take() {
		if rd[0] < lo || rd[1] > hi {
			t.Fatalf("ReadAt(%d bytes, %d) read ciphertext [%d, %d), outside the touched chunks [%d, %d)",
				len(p), off, rd[0], rd[1], lo, hi)
		}
		total += rd[1] - rd[0]
	}
	if total != hi-lo {
		t.Fatalf("ReadAt(%d bytes, %d) read %d bytes of ciphertext, want %d", len(p), off, total, hi-lo)
	}
}

// TestReadAtBatches checks that a long range is fetched in few reads.
func TestReadAtBatches(t *testing.T) {
	dek := newDEK(21)
	pt := make([]byte, 64*MinChunkSize)
	obj := sealBytes(t, dek, testContext, pt, &Options{ChunkSize: MinChunkSize})
	src := &countingReaderAt{r: bytes.NewReader(obj)}
	r, err := NewReaderAt(src, int64(len(obj)), dek, testContext)
	if err != nil {
		t.Fatal(err)
	}
	src.take()
	if _, err := r.ReadAt(make([]byte, len(pt)), 0); err != nil {
		t.Fatal(err)
	}
	if n := len(src.take()); n != 1 {
		t.Errorf("reading %d chunks took %d reads of the source, want 1", 64, n)
	}
}

func TestReadAtConcurrent(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	dek := newDEK(22)
	pt := plaintext(rng, 50*MinChunkSize+33)
	obj := sealBytes(t, dek, testContext, pt, &Options{ChunkSize: MinChunkSize})
	r, err := NewReaderAt(bytes.NewReader(obj), int64(len(obj)), dek, testContext)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(g), 15))
			for range 300 {
				off := rng.IntN(len(pt))
				p := make([]byte, min(rng.IntN(3*MinChunkSize)+1, len(pt)-off))
				if _, err := r.ReadAt(p, int64(off)); err != nil || !bytes.Equal(p, pt[off:off+len(p)]) {
					t.Errorf("ReadAt(%d bytes, %d): %v or wrong bytes", len(p), off, err)
					return
				}
			}
		})
	}
	wg.Wait()
}
