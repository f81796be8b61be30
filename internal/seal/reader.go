package seal

import (
	"crypto/cipher"
	"fmt"
	"io"
)

// reader streams the plaintext of an object. cbuf holds one chunk of
// ciphertext plus one byte of look-ahead: a chunk is the last exactly when
// the source ends before that extra byte. Chunks are opened out of place,
// into the caller's slice when it can take the whole chunk and into pbuf
// otherwise, so a failed chunk's ciphertext is still there to tell a
// truncation or trailing data from tampering (see flagError). WriteTo
// (writeto.go) opens chunks straight from the source's own memory when the
// source lets it.
type reader struct {
	src   io.Reader
	aead  cipher.AEAD
	nonce nonce
	cs    int
	cbuf  []byte // cs + tagSize + 1
	pend  int    // cbuf[:pend] is the start of the next chunk
	carry bool   // cbuf's last byte is the first byte of the next chunk (pend is 0)
	pbuf  []byte // cs
	out   []byte // plaintext in pbuf not yet returned
	chunk int64  // index of the next chunk to open
	err   error  // sticky; io.EOF after the last chunk
}

var _ io.WriterTo = (*reader)(nil)

// NewReader reads and authenticates the header of an object from src, then
// returns a Reader of its plaintext. It fails, with an error matching
// ErrIntegrity, if the header is malformed or fails authentication under
// dek, or if the object was sealed for another Context. The Reader returns
// io.EOF only after the last chunk authenticated and nothing followed it.
// It is also an io.WriterTo, which io.Copy uses (see reader.WriteTo).
func NewReader(src io.Reader, dek []byte, c Context) (io.Reader, error) {
	if err := checkDEK(dek); err != nil {
		return nil, err
	}
	hdr := make([]byte, HeaderSize)
	if n, err := io.ReadFull(src, hdr); err != nil {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, errHeader("truncated header: %d of %d bytes", n, HeaderSize)
		}
		return nil, fmt.Errorf("seal: reading header: %w", err)
	}
	h, aead, err := openHeader(hdr, dek, c)
	if err != nil {
		return nil, err
	}
	return &reader{
		src:   src,
		aead:  aead,
		nonce: newNonce(&h.NoncePrefix),
		cs:    h.ChunkSize,
		cbuf:  make([]byte, h.ChunkSize+tagSize+1),
		pbuf:  make([]byte, h.ChunkSize),
	}, nil
}

func (r *reader) Read(p []byte) (int, error) {
	if len(r.out) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		if len(p) == 0 {
			return 0, nil
		}
		n, err := r.advance(p)
		if err != nil {
			return 0, err
		}
		if len(r.out) == 0 { // opened straight into p
			if n == 0 {
				return 0, r.err // the empty object: its one chunk is empty
			}
			return n, nil
		}
	}
	n := copy(p, r.out)
	r.out = r.out[n:]
	return n, nil
}

// advance reads the next chunk from the source and opens it: straight into
// p if p can take all of its plaintext, returning how many bytes it holds,
// and into pbuf otherwise, leaving the plaintext in r.out. Errors are
// sticky; after the last chunk r.err is io.EOF.
func (r *reader) advance(p []byte) (int, error) {
	ct, last, err := r.next()
	if err != nil {
		r.err = err
		return 0, err
	}
	direct := len(p) >= len(ct)-tagSize
	dst := r.pbuf
	if direct {
		dst = p[:len(p):len(p)] // Open may scribble up to cap, and only p is ours to use
	}
	pt, err := r.open(dst, ct, last)
	if err != nil {
		r.err = err
		return 0, err
	}
	r.chunk++
	if last {
		r.err = io.EOF
	}
	if direct {
		return len(pt), nil
	}
	r.out = pt
	return 0, nil
}

// settle moves the look-ahead byte that the previous chunk left at the end
// of cbuf to its front.
func (r *reader) settle() {
	if r.carry {
		r.cbuf[0] = r.cbuf[len(r.cbuf)-1]
		r.pend, r.carry = 1, false
	}
}

// next reads the rest of the next chunk's ciphertext into cbuf.
func (r *reader) next() (ct []byte, last bool, err error) {
	r.settle()
	n, err := io.ReadFull(r.src, r.cbuf[r.pend:])
	n += r.pend
	r.pend = 0
	switch err {
	case nil:
		r.carry = true
		return r.cbuf[:len(r.cbuf)-1], false, nil
	case io.EOF, io.ErrUnexpectedEOF:
		if n < tagSize {
			return nil, false, errTruncatedIn(r.chunk, n)
		}
		return r.cbuf[:n], true, nil
	default:
		return nil, false, fmt.Errorf("seal: reading chunk %d: %w", r.chunk, err)
	}
}

// open authenticates and decrypts ct, the next chunk, into dst[:0].
func (r *reader) open(dst, ct []byte, last bool) ([]byte, error) {
	if r.chunk > maxChunkIndex {
		return nil, errChunk(r.chunk)
	}
	pt, err := r.aead.Open(dst[:0], r.nonce.set(r.chunk, last), ct, nil)
	if err == nil {
		return pt, nil
	}
	if len(ct) != r.cs+tagSize {
		return nil, errChunk(r.chunk) // a chunk that is not the last is always full
	}
	return nil, flagError(r.aead, &r.nonce, dst[:0], ct, r.chunk, last)
}

// flagError explains the failure of chunk i, a full chunk that did not open
// with the last flag set to last. If it opens with the other flag it is a
// genuine chunk: taken for the last, the object was cut right after it;
// taken for a middle chunk, it was the last and bytes were appended. Only a
// genuine chunk passes this second check, so it tells a forger nothing it
// did not know; anything else reads the same as tampering.
func flagError(aead cipher.AEAD, n *nonce, dst, ct []byte, i int64, last bool) error {
	pt, err := aead.Open(dst, n.set(i, !last), ct, nil)
	if err != nil {
		return errChunk(i)
	}
	clear(pt)
	if last {
		return errTruncatedAfter(i)
	}
	return errTrailing(i)
}
