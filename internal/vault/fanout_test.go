package vault

import (
	"bytes"
	"errors"
	"io"
	"math/rand/v2"
	"testing"
	"time"
)

// TestFanout: every reader of a fanout reads exactly the bytes written,
// in order, whatever the sizes of the writes and of the reads and however
// far apart the readers are; the writer's error comes after the data.
func TestFanout(t *testing.T) {
	r := rand.New(rand.NewPCG(41, 42))
	for _, readers := range []int{1, 2, 3} {
		for _, closeErr := range []error{nil, errors.New("input failed")} {
			var want bytes.Buffer
			f := newFanout(readers)
			got := make([][]byte, readers)
			errs := make([]error, readers)
			done := make(chan int, readers)
			for k := range readers {
				go func() {
					buf := make([]byte, 64+k*777)
					for {
						n, err := f.outs[k].Read(buf[:1+r2(k, len(got[k]))%len(buf)])
						got[k] = append(got[k], buf[:n]...)
						if err != nil {
							errs[k] = err
							break
						}
					}
					done <- k
				}()
			}
			for range 200 {
				p := make([]byte, r.IntN(20000))
				for i := range p {
					p[i] = byte(r.Uint32())
				}
				want.Write(p)
				if n, err := f.Write(p); n != len(p) || err != nil {
					t.Fatalf("Write = %d, %v", n, err)
				}
			}
			f.CloseWithError(closeErr)
			for range readers {
				<-done
			}
			wantErr := closeErr
			if wantErr == nil {
				wantErr = io.EOF
			}
			for k := range readers {
				if !bytes.Equal(got[k], want.Bytes()) {
					t.Fatalf("%d readers: reader %d read %d bytes, not the %d written", readers, k, len(got[k]), want.Len())
				}
				if errs[k] != wantErr {
					t.Fatalf("%d readers: reader %d ended with %v, want %v", readers, k, errs[k], wantErr)
				}
			}
		}
	}
}

// r2 varies read sizes by reader and position, without shared state.
func r2(k, n int) int { return (n*31 + k*17) ^ (n >> 3) }

// TestFanoutBounded: a writer waits once a reader is fanoutDepth chunks
// behind, and goes on when it reads.
func TestFanoutBounded(t *testing.T) {
	f := newFanout(2)
	go io.Copy(io.Discard, f.outs[0]) // one reader keeps up, the other reads nothing yet
	for range fanoutDepth {
		f.Write([]byte("chunk"))
	}
	wrote := make(chan struct{})
	go func() {
		f.Write([]byte("one too many"))
		close(wrote)
	}()
	select {
	case <-wrote:
		t.Fatal("a write went through with a reader fanoutDepth chunks behind")
	case <-time.After(50 * time.Millisecond):
	}
	buf := make([]byte, 5)
	if _, err := io.ReadFull(f.outs[1], buf); err != nil || string(buf) != "chunk" {
		t.Fatalf("read %q, %v", buf, err)
	}
	<-wrote // the slow reader took a chunk: the writer goes on
	f.CloseWithError(nil)
	rest, err := io.ReadAll(f.outs[1])
	if err != nil || len(rest) != 5*(fanoutDepth-1)+len("one too many") {
		t.Fatalf("the slow reader read %d more bytes, %v", len(rest), err)
	}
}
