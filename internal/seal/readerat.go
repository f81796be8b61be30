package seal

import (
	"crypto/cipher"
	"errors"
	"fmt"
	"io"
	"sync"
)

// readBatch bounds the ciphertext fetched by one ReadAt of the source, so
// that a long range costs few requests (an S3 Range GET each) and a
// bounded buffer.
const readBatch = 1 << 20

// ReaderAt gives random access to the plaintext of an object: ReadAt
// fetches and authenticates only the chunks its range touches. It is safe
// for concurrent use.
type ReaderAt struct {
	src     io.ReaderAt
	aead    cipher.AEAD // crypto/cipher's GCM holds no per-call state
	prefix  [prefixSize]byte
	cs      int
	chunks  int64 // number of chunks, at least 1
	lastLen int   // plaintext bytes in the last chunk
	size    int64 // plaintext bytes
	batch   int   // chunks per ReadAt of src
	pool    sync.Pool
}

// scratch is one ReadAt's working memory: ciphertext of up to batch chunks
// and a nonce.
type scratch struct {
	buf   []byte
	nonce nonce
}

// NewReaderAt authenticates the header of the object in src, whose
// ciphertext is size bytes, and its last chunk, so that Size is
// authenticated too: a truncated or extended object fails here.
func NewReaderAt(src io.ReaderAt, size int64, dek []byte, c Context) (*ReaderAt, error) {
	if err := checkDEK(dek); err != nil {
		return nil, err
	}
	if size < HeaderSize {
		return nil, errHeader("truncated header: %d of %d bytes", max(size, 0), HeaderSize)
	}
	hdr := make([]byte, HeaderSize)
	if err := readFullAt(src, hdr, 0); err != nil {
		return nil, fmt.Errorf("seal: reading header: %w", err)
	}
	h, aead, err := openHeader(hdr, dek, c)
	if err != nil {
		return nil, err
	}
	r := &ReaderAt{src: src, aead: aead, prefix: h.NoncePrefix, cs: h.ChunkSize}
	tail, err := r.layout(size - HeaderSize)
	if err != nil {
		return nil, err
	}
	r.batch = int(min(r.chunks, int64(max(1, readBatch/(r.cs+tagSize)))))
	r.pool.New = func() any {
		return &scratch{buf: make([]byte, r.batch*(r.cs+tagSize)), nonce: newNonce(&r.prefix)}
	}
	if err := r.verifyEnd(tail); err != nil {
		return nil, err
	}
	return r, nil
}

// Size returns the plaintext size of the object.
func (r *ReaderAt) Size() int64 { return r.size }

// layout computes the chunk count and the plaintext size from the payload
// size. A full chunk takes cs+16 bytes and only the last chunk may be
// shorter, but never shorter than its 16-byte tag. If 1 to 15 bytes follow
// the full chunks, layout counts the full chunks only and returns that
// tail, which verifyEnd explains.
func (r *ReaderAt) layout(payload int64) (tail int, err error) {
	full := int64(r.cs + tagSize)
	n, rem := payload/full, int(payload%full)
	switch {
	case n == 0 && rem < tagSize:
		return 0, errTruncatedIn(0, rem)
	case rem == 0 || rem < tagSize:
		r.chunks, r.lastLen, tail = n, r.cs, rem
	default:
		r.chunks, r.lastLen = n+1, rem-tagSize
	}
	if r.chunks-1 > maxChunkIndex {
		return 0, &Error{Chunk: -1, kind: trailingData,
			Reason: fmt.Sprintf("object of %d bytes has more than 2^32 chunks", HeaderSize+payload)}
	}
	r.size = (r.chunks-1)*int64(r.cs) + int64(r.lastLen)
	return tail, nil
}

// verifyEnd authenticates the last chunk, and says what is wrong in the
// words the streaming Reader would use: which reads a full chunk followed
// by a short tail as a middle chunk, then finds the tail cut; and which
// reads a full last chunk followed by more bytes as a middle chunk that
// turns out to be the last.
func (r *ReaderAt) verifyEnd(tail int) error {
	l := r.chunks - 1
	if tail > 0 {
		if err := r.check(l, r.cs, false); err != nil {
			return err
		}
		return errTruncatedIn(l+1, tail)
	}
	err := r.check(l, r.lastLen, true)
	var e *Error
	if err == nil || l == 0 || !errors.As(err, &e) || e.kind != chunkFailure {
		return err
	}
	if r.check(l-1, r.cs, true) == nil {
		return errTrailing(l - 1)
	}
	return err
}

// check authenticates chunk i, of n plaintext bytes, as the last chunk or
// not, and discards its plaintext.
func (r *ReaderAt) check(i int64, n int, last bool) error {
	s := r.pool.Get().(*scratch)
	defer r.pool.Put(s)
	ct := s.buf[:n+tagSize]
	if err := r.fetch(ct, i); err != nil {
		return err
	}
	pt, err := r.aead.Open(ct[:0], s.nonce.set(i, last), ct, nil)
	if err == nil {
		clear(pt)
		return nil
	}
	if n != r.cs {
		return errChunk(i)
	}
	// The failed Open cleared ct in place; fetch it again for flagError.
	if err := r.fetch(ct, i); err != nil {
		return err
	}
	return flagError(r.aead, &s.nonce, ct[:0], ct, i, last)
}

// ReadAt reads len(p) bytes of plaintext at offset off. It returns io.EOF
// when fewer bytes remain, and an error matching ErrIntegrity if a chunk in
// the range fails to authenticate; then p holds no plaintext of that chunk.
func (r *ReaderAt) ReadAt(p []byte, off int64) (int, error) {
	if off < 0 {
		return 0, errors.New("seal: negative offset")
	}
	if off >= r.size {
		return 0, io.EOF
	}
	n := int(min(int64(len(p)), r.size-off))
	if n == 0 {
		return 0, nil
	}
	s := r.pool.Get().(*scratch)
	defer r.pool.Put(s)
	first, last := off/int64(r.cs), (off+int64(n)-1)/int64(r.cs)
	for i := first; i <= last; i += int64(r.batch) {
		if err := r.readChunks(s, i, min(i+int64(r.batch)-1, last), p[:n], off); err != nil {
			return 0, err
		}
	}
	if n < len(p) {
		return n, io.EOF
	}
	return n, nil
}

// readChunks fetches chunks i..j with one ReadAt of the source and opens
// each into its place in p, which holds plaintext from offset off. A chunk
// that p covers whole is opened straight into p; an edge chunk is opened in
// place in the scratch buffer and the needed part copied.
func (r *ReaderAt) readChunks(s *scratch, i, j int64, p []byte, off int64) error {
	full := r.cs + tagSize
	buf := s.buf[:int(j-i)*full+r.ctLen(j)]
	if err := r.fetch(buf, i); err != nil {
		return err
	}
	for k := i; k <= j; k++ {
		ct := buf[int(k-i)*full:][:r.ctLen(k)]
		start := k * int64(r.cs)    // plaintext offset of chunk k
		lo := max(start, off) - off // where its wanted part goes in p
		hi := min(start+int64(len(ct)-tagSize), off+int64(len(p))) - off
		dst, whole := ct[:0], lo == start-off && hi-lo == int64(len(ct)-tagSize)
		if whole {
			dst = p[lo:lo:hi] // Open may scribble up to cap
		}
		pt, err := r.aead.Open(dst, s.nonce.set(k, k == r.chunks-1), ct, nil)
		if err != nil {
			return errChunk(k)
		}
		if !whole {
			copy(p[lo:hi], pt[lo+off-start:])
		}
	}
	return nil
}

// ctLen is the ciphertext size of chunk i.
func (r *ReaderAt) ctLen(i int64) int {
	if i == r.chunks-1 {
		return r.lastLen + tagSize
	}
	return r.cs + tagSize
}

// fetch reads the ciphertext of chunks starting at chunk i into b.
func (r *ReaderAt) fetch(b []byte, i int64) error {
	if err := readFullAt(r.src, b, HeaderSize+i*int64(r.cs+tagSize)); err != nil {
		return fmt.Errorf("seal: reading chunk %d: %w", i, err)
	}
	return nil
}

// readFullAt fills b from src at off. A source shorter than the size it
// was declared with is an I/O error, not an integrity failure: the object
// itself was not shown to be wrong.
func readFullAt(src io.ReaderAt, b []byte, off int64) error {
	n, err := src.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return err
}
