package vault

import (
	"io"
	"sync"
	"sync/atomic"
)

// fanout hands what is written to it to several readers, each at its own
// pace: a write copies the bytes into a chunk and queues it for every
// reader, and waits only when a reader is fanoutDepth chunks behind. The
// put's PII scan and its profile each parse the stream on a goroutine of
// its own this way, so neither waits for the other (docs/quality.md).
type fanout struct {
	outs []*fanReader
	err  error // the writer's, set before the queues close
	pool sync.Pool
}

// fanoutDepth is how many chunks (of a write each, 32 KiB from io.Copy) a
// reader may fall behind.
const fanoutDepth = 16

type fanChunk struct {
	b    []byte
	refs atomic.Int32
}

type fanReader struct {
	f   *fanout
	in  chan *fanChunk
	cur *fanChunk
	off int
}

func newFanout(n int) *fanout {
	f := &fanout{}
	f.pool.New = func() any { return new(fanChunk) }
	for range n {
		f.outs = append(f.outs, &fanReader{f: f, in: make(chan *fanChunk, fanoutDepth)})
	}
	return f
}

// Write queues a copy of p for every reader. Every reader must read to
// the end (io.Copy(io.Discard, r) after an error) or the writer stops.
func (f *fanout) Write(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	c := f.pool.Get().(*fanChunk)
	c.b = append(c.b[:0], p...)
	c.refs.Store(int32(len(f.outs)))
	for _, r := range f.outs {
		r.in <- c
	}
	return len(p), nil
}

// CloseWithError ends the stream: the readers read err after the last
// chunk, or io.EOF if err is nil.
func (f *fanout) CloseWithError(err error) error {
	f.err = err
	for _, r := range f.outs {
		close(r.in)
	}
	return nil
}

func (r *fanReader) Read(p []byte) (int, error) {
	for r.cur == nil || r.off == len(r.cur.b) {
		if r.cur != nil {
			if r.cur.refs.Add(-1) == 0 {
				r.f.pool.Put(r.cur)
			}
			r.cur = nil
		}
		c, ok := <-r.in
		if !ok {
			if r.f.err != nil {
				return 0, r.f.err
			}
			return 0, io.EOF
		}
		r.cur, r.off = c, 0
	}
	n := copy(p, r.cur.b[r.off:])
	r.off += n
	return n, nil
}
