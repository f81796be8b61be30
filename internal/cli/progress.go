package cli

import (
	"fmt"
	"io"
	"os"
	"sync/atomic"
	"time"

	"github.com/dustin/go-humanize"
	"golang.org/x/term"
)

// progress shows bytes done and the rate on stderr while long work runs,
// only when stderr is a terminal (CLI.md: no bars in pipes and logs).
type progress struct {
	n     atomic.Int64
	total int64 // 0 if unknown
	label string
	unit  string // empty: bytes
	out   io.Writer
	start time.Time
	stop  chan struct{}
	done  chan struct{}
}

// startProgress returns nil when stderr is not a terminal; a nil
// *progress counts nothing and its methods do nothing.
func (e *env) startProgress(label string, total int64) *progress {
	f, ok := e.stderr.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil
	}
	p := &progress{total: total, label: label, out: f, start: time.Now(), stop: make(chan struct{}), done: make(chan struct{})}
	go p.loop()
	return p
}

func (p *progress) loop() {
	defer close(p.done)
	t := time.NewTicker(200 * time.Millisecond)
	defer t.Stop()
	for {
		select {
		case <-p.stop:
			p.draw()
			fmt.Fprintln(p.out)
			return
		case <-t.C:
			p.draw()
		}
	}
}

func (p *progress) draw() {
	n := p.n.Load()
	if p.unit != "" {
		fmt.Fprintf(p.out, "\r%s %d %s   ", p.label, n, p.unit)
		return
	}
	rate := float64(n) / time.Since(p.start).Seconds()
	s := fmt.Sprintf("\r%s %s", p.label, humanize.IBytes(uint64(n)))
	if p.total > 0 {
		s += fmt.Sprintf(" / %s (%d%%)", humanize.IBytes(uint64(p.total)), n*100/p.total)
	}
	fmt.Fprintf(p.out, "%s  %s/s   ", s, humanize.IBytes(uint64(rate)))
}

// startCounter is startProgress for a count of things, not bytes.
func (e *env) startCounter(label, unit string) *progress {
	p := e.startProgress(label, 0)
	if p != nil {
		p.unit = unit
	}
	return p
}

// Set records that n things are done.
func (p *progress) Set(n int64) {
	if p != nil {
		p.n.Store(n)
	}
}

// Finish stops the display.
func (p *progress) Finish() {
	if p == nil {
		return
	}
	close(p.stop)
	<-p.done
}

// Reader counts what passes through r.
func (p *progress) Reader(r io.Reader) io.Reader {
	if p == nil {
		return r
	}
	return &countingReader{r: r, n: &p.n}
}

// Writer counts what passes through w.
func (p *progress) Writer(w io.Writer) io.Writer {
	if p == nil {
		return w
	}
	return &countingWriter{w: w, n: &p.n}
}

type countingReader struct {
	r io.Reader
	n *atomic.Int64
}

func (c *countingReader) Read(b []byte) (int, error) {
	n, err := c.r.Read(b)
	c.n.Add(int64(n))
	return n, err
}

type countingWriter struct {
	w io.Writer
	n *atomic.Int64
}

func (c *countingWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n.Add(int64(n))
	return n, err
}
