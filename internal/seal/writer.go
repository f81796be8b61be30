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

var errClosed = errors.New("seal: write to a closed writer")

// writer seals chunks as they fill. buf holds up to one chunk of plaintext
// and is sealed in place; a Write of more than a chunk seals straight from
// the caller's slice into buf, so no plaintext is copied.
type writer struct {
	dst   io.Writer
	aead  cipher.AEAD
	nonce nonce
	cs    int
	buf   []byte // cs + tagSize
	n     int    // plaintext bytes in buf[:n] not yet sealed
	chunk int64  // index of the next chunk to seal
	err   error  // sticky; errClosed after Close
}

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

func (w *writer) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	total := len(p)
	for len(p) > 0 {
		if w.n == w.cs {
			// A full chunk is sealed only once more data shows that it
			// is not the last one.
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
