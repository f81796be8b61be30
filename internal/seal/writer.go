package seal

import (
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
)

// Options tune NewWriter. A nil *Options means the defaults.
type Options struct {
	// ChunkSize is the number of plaintext bytes per chunk, between
	// MinChunkSize and MaxChunkSize; 0 means DefaultChunkSize.
	ChunkSize int

	// rand supplies the salt and nonce prefix; nil means crypto/rand.
	// Only tests set it, to make vectors reproducible: a predictable salt
	// and prefix under a reused data key would repeat nonces.
	rand io.Reader
}

var (
	errClosed       = errors.New("seal: write to a closed writer")
	errInvalidRead  = errors.New("invalid count returned by Read") // wrapped by the caller
	errInvalidWrite = errors.New("invalid count returned by Write")
)

// maxEmptyReads is how many reads in a row may return no data and no
// error before ReadFrom gives up with io.ErrNoProgress, as bufio does.
const maxEmptyReads = 100

// writer seals chunks as they fill. buf holds up to one chunk of plaintext
// and is sealed in place. No plaintext is copied that need not be: Write
// seals every chunk of the caller's slice that is known not to be the last
// straight from the slice into buf, and ReadFrom reads straight into buf.
// Only a chunk that may be the last waits in buf, since the last chunk is
// sealed with the last flag, by Close.
type writer struct {
	dst   io.Writer
	aead  cipher.AEAD
	nonce nonce
	cs    int
	buf   []byte // cs + tagSize, at least cs + 1
	n     int    // plaintext bytes in buf[:n] not yet sealed, at most cs between calls
	chunk int64  // index of the next chunk to seal
	err   error  // sticky; errClosed after Close
}

var _ io.ReaderFrom = (*writer)(nil)

// NewWriter writes the header of a new object sealed with dek for c to dst
// and returns a WriteCloser that seals what is written to it. Close seals
// the last chunk; it must be called exactly once, and does not close dst.
// A data key should seal only one object (see the package doc).
func NewWriter(dst io.Writer, dek []byte, c Context, opts *Options) (io.WriteCloser, error) {
	if err := checkDEK(dek); err != nil {
		return nil, err
	}
	cs, rnd := DefaultChunkSize, rand.Reader
	if opts != nil && opts.ChunkSize != 0 {
		cs = opts.ChunkSize
	}
	if opts != nil && opts.rand != nil {
		rnd = opts.rand
	}
	if err := checkChunkSize(cs); err != nil {
		return nil, fmt.Errorf("seal: %v", err)
	}
	hdr, h, aead, err := sealHeader(rnd, dek, c, cs)
	if err != nil {
		return nil, err
	}
	if err := writeAll(dst, hdr); err != nil {
		return nil, fmt.Errorf("seal: writing header: %w", err)
	}
	return &writer{
		dst:   dst,
		aead:  aead,
		nonce: newNonce(&h.NoncePrefix),
		cs:    cs,
		buf:   make([]byte, cs+tagSize),
	}, nil
}

// Write seals p. A full chunk is sealed only once more data shows that it
// is not the last one. The bytes of p that complete a chunk begun in buf
// are copied there, since GCM seals a chunk from one slice; every further
// chunk of p that more bytes of p follow is sealed straight from p, with
// no copy; and the rest, at most one chunk that may be the last, is copied
// into buf for the next call or Close.
func (w *writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	total := len(p)
	for len(p) > 0 {
		if w.n == w.cs {
			if err := w.seal(w.buf[:w.cs], false); err != nil {
				return total - len(p), err
			}
		}
		if w.n == 0 && len(p) > w.cs {
			if err := w.seal(p[:w.cs], false); err != nil {
				return total - len(p), err
			}
			p = p[w.cs:]
			continue
		}
		k := copy(w.buf[w.n:w.cs], p)
		w.n += k
		p = p[k:]
	}
	return total, nil
}

// ReadFrom seals what it reads from src until io.EOF; io.Copy calls it
// when src is not an io.WriterTo. It reads straight into buf and seals
// there in place, so no plaintext is copied. It asks src for up to one
// byte more than completes a chunk: a full chunk is sealed as a middle
// chunk only once that byte came, and the byte is then moved to the front
// of buf. At io.EOF the chunk in buf, full or not, is left for Close to
// seal as the last, so ReadFrom may be followed by more Writes.
//
// An error from src is sticky: Write, ReadFrom and Close return it from
// then on, and Close does not seal a last chunk, so that a failed source
// never yields an object that opens as complete.
func (w *writer) ReadFrom(src io.Reader) (int64, error) {
	if w.err != nil {
		return 0, w.err
	}
	var total int64
	for empty := 0; ; {
		m, err := src.Read(w.buf[w.n : w.cs+1])
		if m < 0 || m > w.cs+1-w.n {
			m, err = 0, errInvalidRead
		}
		total += int64(m)
		w.n += m
		if err == nil && m == 0 {
			if empty++; empty == maxEmptyReads {
				err = io.ErrNoProgress
			}
		} else {
			empty = 0
		}
		if err != nil && err != io.EOF {
			w.err = fmt.Errorf("seal: reading plaintext for chunk %d: %w", w.chunk, err)
			return total, w.err
		}
		if w.n > w.cs {
			next := w.buf[w.cs] // sealing in place overwrites it with the tag
			if err := w.seal(w.buf[:w.cs], false); err != nil {
				return total, err
			}
			w.buf[0], w.n = next, 1
		}
		if err == io.EOF {
			return total, nil
		}
	}
}

// Close seals and writes the last chunk, which is empty only if nothing
// was written.
func (w *writer) Close() error {
	if w.err != nil {
		return w.err
	}
	if err := w.seal(w.buf[:w.n], true); err != nil {
		return err
	}
	w.err = errClosed
	return nil
}

// seal seals plaintext pt, which is either buf[:n] or a caller's slice,
// into buf and writes it out as the next chunk.
func (w *writer) seal(pt []byte, last bool) error {
	if w.chunk > maxChunkIndex || !last && w.chunk == maxChunkIndex {
		w.err = fmt.Errorf("seal: object too large: more than %d chunks of %d bytes", int64(maxChunkIndex)+1, w.cs)
		return w.err
	}
	ct := w.aead.Seal(w.buf[:0], w.nonce.set(w.chunk, last), pt, nil)
	if err := writeAll(w.dst, ct); err != nil {
		w.err = fmt.Errorf("seal: writing chunk %d: %w", w.chunk, err)
		return w.err
	}
	w.chunk++
	w.n = 0
	return nil
}

func writeAll(dst io.Writer, b []byte) error {
	n, err := dst.Write(b)
	if err == nil && n != len(b) {
		err = io.ErrShortWrite
	}
	return err
}
