package seal

import (
	"bytes"
	"fmt"
	"io"
	"math/rand/v2"
	"testing"
	"testing/iotest"
)

func roundTripSizes(cs int, rng *rand.Rand) []int {
	return []int{0, 1, cs - 1, cs, cs + 1, 2 * cs, 3*cs + 7, rng.IntN(5 * cs), rng.IntN(5 * cs)}
}

func TestRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	dek := newDEK(1)
	for _, cs := range []int{MinChunkSize, 4096, 0} {
		opts := &Options{ChunkSize: cs}
		if cs == 0 {
			cs = DefaultChunkSize // zero means the default
		}
		for _, n := range roundTripSizes(cs, rng) {
			t.Run(fmt.Sprintf("chunk=%d/size=%d", cs, n), func(t *testing.T) {
				pt := plaintext(rng, n)
				obj := writeInPieces(t, rng, dek, pt, opts)
				if got, want := int64(len(obj)), EncryptedSize(int64(n), cs); got != want {
					t.Errorf("object is %d bytes, EncryptedSize says %d", got, want)
				}
				got, err := openStream(dek, testContext, obj)
				if err != nil || !bytes.Equal(got, pt) {
					t.Fatalf("Reader: %d bytes, err %v; want %d bytes back", len(got), err, n)
				}
				got, err = openAt(dek, testContext, obj)
				if err != nil || !bytes.Equal(got, pt) {
					t.Fatalf("ReaderAt: %d bytes, err %v; want %d bytes back", len(got), err, n)
				}
			})
		}
	}
}

// writeInPieces seals pt with Writes of random sizes, some larger than a
// chunk, so both the buffered and the direct path of Write run.
func writeInPieces(t *testing.T, rng *rand.Rand, dek, pt []byte, opts *Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, dek, testContext, opts)
	if err != nil {
		t.Fatal(err)
	}
	for rest := pt; len(rest) > 0; {
		k := min(len(rest), rng.IntN(3*DefaultChunkSize/2)+1)
		if n, err := w.Write(rest[:k]); n != k || err != nil {
			t.Fatalf("Write(%d bytes) = %d, %v", k, n, err)
		}
		rest = rest[k:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestIOTestReader(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	dek := newDEK(2)
	opts := &Options{ChunkSize: MinChunkSize}
	for _, n := range roundTripSizes(MinChunkSize, rng) {
		pt := plaintext(rng, n)
		obj := sealBytes(t, dek, testContext, pt, opts)
		r, err := NewReader(bytes.NewReader(obj), dek, testContext)
		if err != nil {
			t.Fatal(err)
		}
		if err := iotest.TestReader(r, pt); err != nil {
			t.Errorf("Reader, %d bytes: %v", n, err)
		}
		ra, err := NewReaderAt(bytes.NewReader(obj), int64(len(obj)), dek, testContext)
		if err != nil {
			t.Fatal(err)
		}
		if err := iotest.TestReader(io.NewSectionReader(ra, 0, ra.Size()), pt); err != nil {
			t.Errorf("ReaderAt, %d bytes: %v", n, err)
		}
	}
}

// TestReaderOddSources reads through sources that return one byte at a
// time or data together with io.EOF.
func TestReaderOddSources(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	dek := newDEK(3)
	pt := plaintext(rng, 3*MinChunkSize+100)
	obj := sealBytes(t, dek, testContext, pt, &Options{ChunkSize: MinChunkSize})
	for name, src := range map[string]io.Reader{
		"one byte": iotest.OneByteReader(bytes.NewReader(obj)),
		"data+EOF": iotest.DataErrReader(bytes.NewReader(obj)),
		"half":     iotest.HalfReader(bytes.NewReader(obj)),
	} {
		r, err := NewReader(src, dek, testContext)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := io.ReadAll(iotest.OneByteReader(r))
		if err != nil || !bytes.Equal(got, pt) {
			t.Errorf("%s: %d bytes, %v; want %d bytes", name, len(got), err, len(pt))
		}
	}
}

func TestEncryptedSize(t *testing.T) {
	const cs = DefaultChunkSize
	for _, tc := range []struct {
		plaintext int64
		chunk     int
		want      int64
	}{
		{0, cs, HeaderSize + 16},
		{1, cs, HeaderSize + 1 + 16},
		{cs, cs, HeaderSize + cs + 16},
		{cs + 1, cs, HeaderSize + cs + 1 + 32},
		{-1, cs, -1},
		{1, MinChunkSize - 1, -1},
		{1, MaxChunkSize + 1, -1},
		{1 << 32 * MinChunkSize, MinChunkSize, HeaderSize + 1<<32*(MinChunkSize+16)},
		{1<<32*MinChunkSize + 1, MinChunkSize, -1},
	} {
		if got := EncryptedSize(tc.plaintext, tc.chunk); got != tc.want {
			t.Errorf("EncryptedSize(%d, %d) = %d, want %d", tc.plaintext, tc.chunk, got, tc.want)
		}
	}
}
