package quality

import (
	"github.com/coffer-vault/coffer/internal/tabular"
)

// A Profiler with Options.Async profiles on its own goroutine: Observe
// copies each cell into a batch, and full batches go to the worker, so the
// caller's scan and the profile use two cores (the vault does this for
// Parquet; a streamed put parses the stream once more for the profile
// instead, internal/vault/scan.go). Batches are small enough
// that the ones in flight stay in the cores' caches: larger ones (1 MiB)
// made the copy cost the scanning goroutine half of what profiling in
// line did, in cache misses. A batch is handed over at the end of the row
// that fills it; memory: asyncBatches+1 batches of about asyncBatchBytes
// of text and asyncBatchCells cells of 12 bytes (a batch that one long or
// wide row made larger is not kept for reuse).
const (
	asyncBatchBytes = 64 << 10
	asyncBatchRows  = 512
	asyncBatchCells = 8192
	asyncBatches    = 3
)

// cellRec is a cell in a batch: its text is batch.text from the end of
// the cell before (0 for the first) to end; an Int or Float cell's number
// is the next of batch.nums.
type cellRec struct {
	end  int32
	col  int32
	kind tabular.Kind
}

type colEvent struct {
	row  int // rows of the batch before it
	i    int
	name string
}

type batch struct {
	text    []byte
	cells   []cellRec
	nums    []float64
	rowEnds []int32 // cells of row r end at rowEnds[r]
	cols    []colEvent
}

type async struct {
	cur  *batch
	work chan *batch
	free chan *batch
	done chan struct{}
}

func (p *Profiler) startAsync() {
	a := &async{work: make(chan *batch, asyncBatches), free: make(chan *batch, asyncBatches+1), done: make(chan struct{})}
	for range asyncBatches + 1 {
		a.free <- &batch{}
	}
	a.cur = <-a.free
	p.async = a
	go func() {
		defer close(a.done)
		for b := range a.work {
			p.replay(b)
			b.text, b.cells, b.nums, b.rowEnds, b.cols = b.text[:0], b.cells[:0], b.nums[:0], b.rowEnds[:0], b.cols[:0]
			if cap(b.text) > 4*asyncBatchBytes || cap(b.cells) > 4*asyncBatchCells || cap(b.nums) > 4*asyncBatchCells {
				*b = batch{} // grown by a long or wide row: let it go
			}
			a.free <- b
		}
	}()
}

func (a *async) addColumn(i int, name string) {
	a.cur.cols = append(a.cur.cols, colEvent{len(a.cur.rowEnds), i, name})
}

func (a *async) observe(i int, kind tabular.Kind, num float64, text []byte) {
	b := a.cur
	b.text = append(b.text, text...)
	b.cells = append(b.cells, cellRec{end: int32(len(b.text)), col: int32(i), kind: kind})
	if kind == tabular.Int || kind == tabular.Float {
		b.nums = append(b.nums, num)
	}
}

func (a *async) endRow() {
	b := a.cur
	b.rowEnds = append(b.rowEnds, int32(len(b.cells)))
	if len(b.text) >= asyncBatchBytes || len(b.rowEnds) >= asyncBatchRows || len(b.cells) >= asyncBatchCells {
		a.flush()
	}
}

func (a *async) flush() {
	a.work <- a.cur
	a.cur = <-a.free
}

// wait hands over the last batch and waits for the worker.
func (a *async) wait() {
	a.flush()
	close(a.work)
	<-a.done
}

// replay profiles a batch on the worker.
func (p *Profiler) replay(b *batch) {
	ev, start, from, num := 0, int32(0), int32(0), 0
	for r, end := range b.rowEnds {
		for ; ev < len(b.cols) && b.cols[ev].row <= r; ev++ {
			p.addColumn(b.cols[ev].i, b.cols[ev].name)
		}
		for _, c := range b.cells[start:end] {
			text := b.text[from:c.end:c.end]
			from = c.end
			switch c.kind {
			case tabular.String:
				p.observeString(int(c.col), text)
			case tabular.Int, tabular.Float:
				p.observe(int(c.col), c.kind, b.nums[num], text)
				num++
			case tabular.Null:
				p.observe(int(c.col), c.kind, 0, nil)
			default:
				p.observe(int(c.col), c.kind, 0, text)
			}
		}
		p.endRow()
		start = end
	}
	for ; ev < len(b.cols); ev++ { // columns announced after the last row
		p.addColumn(b.cols[ev].i, b.cols[ev].name)
	}
}
