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

// DefaultDedupBudget is the memory of the duplicate-row counter: half of
// it holds row hashes (16 bytes a row: 2 Mi rows) before they are sorted
// into the other half and spilled to a temporary file as a run.
const DefaultDedupBudget = 64 << 20

// dedup counts exact duplicate rows in bounded memory: row hashes are
// collected up to half the budget, then sorted (into as much memory again)
// and written to a temporary file as a run; at the end the runs are merged
// and equal neighbours counted. The hashes are held in fixed chunks, not
// one growing slice: growing it copied every hash several times and
// allocated five times its size, which made the garbage collector run
// more often for every other part of a put.
type dedup struct {
	cur    []rowHash   // the chunk being filled
	full   [][]rowHash // filled chunks
	free   [][]rowHash // chunks to fill again after a spill
	held   int         // hashes in full
	limit  int         // hashes held before a spill
	chunk  int         // hashes a chunk holds
	sorted []rowHash   // where held hashes are sorted into
	dir    string
	runs   []*os.File
	err    error
	spills int
}

// dedupChunk is the most hashes a chunk holds (256 KiB).
const dedupChunk = 1 << 14

func newDedup(budget int, dir string) *dedup {
	if budget <= 0 {
		budget = DefaultDedupBudget
	}
	limit := max(budget/32, 2)
	return &dedup{limit: limit, chunk: min(limit, dedupChunk), dir: dir}
}

func (d *dedup) add(h rowHash) {
	if len(d.cur) == cap(d.cur) {
		d.next()
	}
	d.cur = append(d.cur, h)
}

// next files the full chunk, spills if the held hashes reach the limit,
// and starts a chunk.
func (d *dedup) next() {
	if cap(d.cur) > 0 {
		d.full = append(d.full, d.cur)
		d.held += len(d.cur)
		d.cur = nil
	}
	if d.held+d.chunk > d.limit { // the next chunk would pass the limit
		d.spill()
	}
	if n := len(d.free); n > 0 {
		d.cur, d.free = d.free[n-1][:0], d.free[:n-1]
	} else {
		d.cur = make([]rowHash, 0, d.chunk)
	}
}

// sortHeld sorts the held hashes (the full chunks and cur) into d.sorted
// and returns them: the first pass of the radix sort moves them out of the
// chunks by their top byte, the rest sorts each bucket in place. The
// chunks are then free to fill again.
func (d *dedup) sortHeld() []rowHash {
	if d.cur != nil {
		d.full = append(d.full, d.cur)
		d.held += len(d.cur)
		d.cur = nil
	}
	n := d.held
	if cap(d.sorted) < n {
		d.sorted = make([]rowHash, n)
	}
	dst := d.sorted[:n]
	var count [256]int
	for _, c := range d.full {
		for _, h := range c {
			count[h.hi>>56]++
		}
	}
	var next [256]int
	sum := 0
	for b, c := range count {
		next[b] = sum
		sum += c
	}
	for _, c := range d.full {
		for _, h := range c {
			b := h.hi >> 56
			dst[next[b]] = h
			next[b]++
		}
	}
	start := 0
	for b := range 256 {
		radixRowHashes(dst[start:next[b]], 48)
		start = next[b]
	}
	d.release()
	return dst
}

// release frees the full chunks to fill again.
func (d *dedup) release() {
	for _, c := range d.full {
		if cap(c) == d.chunk {
			d.free = append(d.free, c[:0])
		}
	}
	d.full, d.held = d.full[:0], 0
}

func (d *dedup) spill() {
	if d.err != nil { // the count has failed: drop the hashes
		d.release()
		return
	}
	sorted := d.sortHeld()
	f, err := os.CreateTemp(d.dir, "coffer-dedup-*")
	if err != nil {
		d.err = err
		return
	}
	os.Remove(f.Name()) // unnamed: gone when closed, even after a crash
	d.runs = append(d.runs, f)
	w := bufio.NewWriterSize(f, 256<<10)
	var b [16]byte
	for _, h := range sorted {
		binary.LittleEndian.PutUint64(b[:8], h.hi)
		binary.LittleEndian.PutUint64(b[8:], h.lo)
		w.Write(b[:])
	}
	if err := w.Flush(); err != nil {
		d.err = err
		return
	}
	d.spills++
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
	mem := d.sortHeld()
	if len(d.runs) == 0 { // all in memory
		var n int64
		for i := 1; i < len(mem); i++ {
			if mem[i] == mem[i-1] {
				n++
			}
		}
		return n, nil
	}
	srcs, err := d.readers(mem)
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
