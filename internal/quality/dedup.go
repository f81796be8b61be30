package quality

import (
	"bufio"
	"encoding/binary"
	"errors"
	"io"
	"os"
)

// rowHash is a 128-bit digest of one row: two independent 64-bit hashes.
// Two different rows share one with a probability of about 2^-128.
type rowHash struct{ hi, lo uint64 }

func cmpRowHash(a, b rowHash) int {
	switch {
	case a.hi < b.hi:
		return -1
	case a.hi > b.hi:
		return 1
	case a.lo < b.lo:
		return -1
	case a.lo > b.lo:
		return 1
	}
	return 0
}

// DefaultDedupBudget is the memory the duplicate-row counter holds row
// hashes in (16 bytes a row: 4 Mi rows) before it spills sorted runs to
// temporary files.
const DefaultDedupBudget = 64 << 20

// dedup counts exact duplicate rows in bounded memory: row hashes are
// collected up to budget bytes, then sorted and written to a temporary
// file as a run; at the end the runs are merged and equal neighbours
// counted.
type dedup struct {
	buf    []rowHash
	limit  int
	dir    string
	runs   []*os.File
	err    error
	spills int
}

func newDedup(budget int, dir string) *dedup {
	if budget <= 0 {
		budget = DefaultDedupBudget
	}
	limit := max(budget/16, 2)
	return &dedup{buf: make([]rowHash, 0, min(limit, 1<<16)), limit: limit, dir: dir}
}

func (d *dedup) add(h rowHash) {
	if d.err != nil {
		return
	}
	d.buf = append(d.buf, h)
	if len(d.buf) >= d.limit {
		d.spill()
	}
}

func (d *dedup) spill() {
	sortRowHashes(d.buf)
	f, err := os.CreateTemp(d.dir, "coffer-dedup-*")
	if err != nil {
		d.err = err
		return
	}
	os.Remove(f.Name()) // unnamed: gone when closed, even after a crash
	d.runs = append(d.runs, f)
	w := bufio.NewWriterSize(f, 256<<10)
	var b [16]byte
	for _, h := range d.buf {
		binary.LittleEndian.PutUint64(b[:8], h.hi)
		binary.LittleEndian.PutUint64(b[8:], h.lo)
		w.Write(b[:])
	}
	if err := w.Flush(); err != nil {
		d.err = err
		return
	}
	d.spills++
	d.buf = d.buf[:0]
	if len(d.runs) >= maxRuns {
		d.compactRuns()
	}
}

// maxRuns bounds the open run files: when there are this many, they are
// merged into one.
const maxRuns = 16

func (d *dedup) compactRuns() {
	f, err := os.CreateTemp(d.dir, "coffer-dedup-*")
	if err != nil {
		d.err = err
		return
	}
	os.Remove(f.Name())
	srcs, err := d.readers(nil)
	if err != nil {
		f.Close()
		d.err = err
		return
	}
	w := bufio.NewWriterSize(f, 256<<10)
	var b [16]byte
	err = mergeRuns(srcs, func(h rowHash) {
		binary.LittleEndian.PutUint64(b[:8], h.hi)
		binary.LittleEndian.PutUint64(b[8:], h.lo)
		w.Write(b[:])
	})
	if err == nil {
		err = w.Flush()
	}
	d.close()
	d.runs = []*os.File{f}
	if err != nil {
		d.err = err
	}
}

// readers returns a reader of each run from its start, after mem.
func (d *dedup) readers(mem []rowHash) ([]*runReader, error) {
	srcs := []*runReader{{mem: mem}}
	for _, f := range d.runs {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, err
		}
		srcs = append(srcs, &runReader{r: bufio.NewReaderSize(f, 64<<10)})
	}
	return srcs, nil
}

// duplicates returns how many rows repeat an earlier row, and releases
// the temporary files.
func (d *dedup) duplicates() (int64, error) {
	defer d.close()
	if d.err != nil {
		return 0, d.err
	}
	sortRowHashes(d.buf)
	if len(d.runs) == 0 { // all in memory
		var n int64
		for i := 1; i < len(d.buf); i++ {
			if d.buf[i] == d.buf[i-1] {
				n++
			}
		}
		return n, nil
	}
	srcs, err := d.readers(d.buf)
	if err != nil {
		return 0, err
	}
	var n int64
	var prev rowHash
	first := true
	err = mergeRuns(srcs, func(h rowHash) {
		if !first && h == prev {
			n++
		}
		prev, first = h, false
	})
	return n, err
}

func (d *dedup) close() {
	for _, f := range d.runs {
		f.Close()
	}
	d.runs = nil
}

// runReader reads one sorted run, from memory or a file.
type runReader struct {
	mem []rowHash
	r   *bufio.Reader
	cur rowHash
	ok  bool
}

func (rr *runReader) next() error {
	if rr.r == nil {
		rr.ok = len(rr.mem) > 0
		if rr.ok {
			rr.cur, rr.mem = rr.mem[0], rr.mem[1:]
		}
		return nil
	}
	var b [16]byte
	_, err := io.ReadFull(rr.r, b[:])
	if errors.Is(err, io.EOF) {
		rr.ok = false
		return nil
	}
	if err != nil {
		return err
	}
	rr.cur = rowHash{binary.LittleEndian.Uint64(b[:8]), binary.LittleEndian.Uint64(b[8:])}
	rr.ok = true
	return nil
}

// mergeRuns merges sorted runs, calling emit for each hash in order. The
// runs are few (at most maxRuns+1), so a linear scan for the smallest head
// is as good as a heap.
func mergeRuns(srcs []*runReader, emit func(rowHash)) error {
	for _, s := range srcs {
		if err := s.next(); err != nil {
			return err
		}
	}
	for {
		best := -1
		for i, s := range srcs {
			if s.ok && (best < 0 || cmpRowHash(s.cur, srcs[best].cur) < 0) {
				best = i
			}
		}
		if best < 0 {
			return nil
		}
		emit(srcs[best].cur)
		if err := srcs[best].next(); err != nil {
			return err
		}
	}
}
