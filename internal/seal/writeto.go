package seal

import (
	"fmt"
	"io"
)

// WriteTo writes the rest of the plaintext to dst, each chunk once it
// authenticated, until the last chunk authenticated and nothing followed
// it; io.Copy calls it. It returns nil, not io.EOF, at the end, and fails
// exactly where and as Read would. Like Read, it may have written the
// plaintext of chunks that authenticated before a later chunk fails.
//
// It copies no ciphertext that it need not. When the source is itself an
// io.WriterTo (a bytes.Reader, a bufio.Reader...), WriteTo has the source
// write the ciphertext to a chunkSink, which opens every chunk that more
// bytes follow straight from the source's slice; with an object already in
// memory, that is all chunks but the last, and no ciphertext is copied at
// all. When the source also offers only io.Reader to the sink (a bufio.Reader
// over a file, or an os.File), the sink's ReadFrom reads straight into cbuf,
// as WriteTo does itself for any other source. Chunks are opened into pbuf,
// out of place: GCM clears its output when a tag fails, and opening in
// place would destroy the ciphertext that flagError needs.
//
// An integrity failure or an error from the source is sticky, as for Read.
// An error from dst is not: the plaintext dst did not take stays buffered,
// and a later Read or WriteTo goes on from there.
func (r *reader) WriteTo(dst io.Writer) (int64, error) {
	s := &chunkSink{r: r, dst: dst}
	if err := s.flush(); err != nil {
		return s.n, err
	}
	if r.err != nil {
		if r.err == io.EOF {
			return s.n, nil
		}
		return s.n, r.err
	}
	r.settle()
	var err error
	if wt, ok := r.src.(io.WriterTo); ok {
		_, err = wt.WriteTo(s)
	} else {
		_, err = s.ReadFrom(r.src)
	}
	switch {
	case s.err != nil: // the sink's own error, whatever the source made of it
		return s.n, s.err
	case err != nil:
		r.err = fmt.Errorf("seal: reading chunk %d: %w", r.chunk, err)
		return s.n, r.err
	}
	// The source ended, so what cbuf holds is the last chunk.
	if r.pend < tagSize {
		r.err = errTruncatedIn(r.chunk, r.pend)
		return s.n, r.err
	}
	if err := s.open(r.cbuf[:r.pend], true); err != nil {
		return s.n, err
	}
	r.pend = 0
	err = s.flush()
	return s.n, err
}

// chunkSink takes the ciphertext of an object's chunks, from the source's
// WriteTo or from its own ReadFrom, and writes the plaintext of each chunk
// that authenticates to dst. Between calls cbuf[:r.pend] holds at most one
// chunk: a full chunk is opened as a middle chunk only once more bytes
// came, and whatever is in cbuf when the source ends is the last chunk,
// which WriteTo opens. That is the rule by which Read tells the last chunk.
type chunkSink struct {
	r   *reader
	dst io.Writer
	n   int64 // plaintext bytes written to dst
	err error // an integrity failure (also in r.err) or dst's error
}

// Write opens each chunk of p that more bytes follow straight from p, with
// no copy, and copies the rest into cbuf. Its count is of the bytes it has
// consumed, which the source's WriteTo then no longer holds.
func (s *chunkSink) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	r := s.r
	full := r.cs + tagSize
	n := 0
	for n < len(p) {
		if r.pend == full {
			if err := s.open(r.cbuf[:full], false); err != nil {
				return n, err
			}
			r.pend = 0
			if err := s.flush(); err != nil {
				return n, err
			}
		}
		if r.pend == 0 && len(p)-n > full {
			if err := s.open(p[n:n+full], false); err != nil {
				return n, err
			}
			n += full
			if err := s.flush(); err != nil {
				return n, err
			}
			continue
		}
		k := copy(r.cbuf[r.pend:full], p[n:])
		r.pend += k
		n += k
	}
	return n, nil
}

// ReadFrom reads straight into cbuf until src ends, asking for up to one
// byte more than completes a chunk, as Read does; the chunk is opened as a
// middle chunk once that byte came, and the byte moves to the front of
// cbuf. It returns src's errors as they are; WriteTo wraps them.
func (s *chunkSink) ReadFrom(src io.Reader) (int64, error) {
	if s.err != nil {
		return 0, s.err
	}
	r := s.r
	full := r.cs + tagSize
	var total int64
	for empty := 0; ; {
		m, err := src.Read(r.cbuf[r.pend : full+1])
		if m < 0 || m > full+1-r.pend {
			m, err = 0, errInvalidRead
		}
		total += int64(m)
		r.pend += m
		if err == nil && m == 0 {
			if empty++; empty == maxEmptyReads {
				err = io.ErrNoProgress
			}
		} else {
			empty = 0
		}
		if err != nil && err != io.EOF {
			return total, err
		}
		if r.pend > full {
			next := r.cbuf[full]
			if err := s.open(r.cbuf[:full], false); err != nil {
				return total, err
			}
			r.cbuf[0], r.pend = next, 1
			if err := s.flush(); err != nil {
				return total, err
			}
		}
		if err == io.EOF {
			return total, nil
		}
	}
}

// open authenticates and decrypts chunk ct into pbuf and leaves its
// plaintext in r.out. A failure is sticky.
func (s *chunkSink) open(ct []byte, last bool) error {
	r := s.r
	pt, err := r.open(r.pbuf, ct, last)
	if err != nil {
		r.err, s.err = err, err
		return err
	}
	r.chunk++
	if last {
		r.err = io.EOF
	}
	r.out = pt
	return nil
}

// flush writes r.out to dst. What dst does not take stays in r.out.
func (s *chunkSink) flush() error {
	r := s.r
	if len(r.out) == 0 {
		return nil
	}
	m, err := s.dst.Write(r.out)
	if m < 0 || m > len(r.out) {
		m, err = 0, errInvalidWrite
	}
	s.n += int64(m)
	r.out = r.out[m:]
	if err == nil && len(r.out) > 0 {
		err = io.ErrShortWrite
	}
	if err != nil {
		s.err = fmt.Errorf("seal: writing plaintext of chunk %d: %w", r.chunk-1, err)
		return s.err
	}
	return nil
}
