package tabular

import (
	"bytes"
	"fmt"
	"io"
	"runtime"
	"testing"
)

// cycle is an endless reader that repeats block, so that a benchmark or a
// test can read a stream of any length without holding it.
type cycle struct {
	block []byte
	off   int
}

func (c *cycle) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		k := copy(p[n:], c.block[c.off:])
		n += k
		c.off = (c.off + k) % len(c.block)
	}
	return n, nil
}

// csvBlock returns rows of a people dataset (with quoted fields, escaped
// quotes and quoted line breaks in some rows), about size bytes, without
// the header.
func csvBlock(size int) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < size; i++ {
		note := "regular customer"
		if i%10 == 0 {
			note = "\"said \"\"call me\"\",\nthen left\""
		}
		fmt.Fprintf(&b, "%d,Jane %d Doe,jane.doe%d@example.com,+1 415 555 %04d,%d Main St,\"Springfield, IL\",%d-%02d-%02d,%s\n",
			i, i, i, i%10000, i%999, 1950+i%50, 1+i%12, 1+i%28, note)
	}
	return b.Bytes()
}

const csvHeader = "id,name,email,phone,street,city,born,note\n"

func jsonlBlock(size int) []byte {
	var b bytes.Buffer
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, `{"id":%d,"name":"Jane %d Doe","email":"jane.doe%d@example.com","score":%d.5,"vip":%v,`+
			`"address":{"street":"%d Main St","city":"Springfield","zip":"6270%d"},"tags":["a","b"],"note":null}`+"\n",
			i, i, i, i%100, i%2 == 0, i%999, i%10)
	}
	return b.Bytes()
}

// TestStreamBoundedMemory reads 100 MB of CSV and of JSONL generated on
// the fly through an io.Pipe and checks that the heap in use stays small:
// the readers hold one record, not the input.
func TestStreamBoundedMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 200 MB")
	}
	const total = 100 << 20
	for _, tt := range []struct {
		format string
		header []byte
		block  []byte
	}{
		{CSV, []byte(csvHeader), csvBlock(1 << 20)},
		{JSONL, nil, jsonlBlock(1 << 20)},
	} {
		pr, pw := io.Pipe()
		go func() {
			pw.Write(tt.header)
			for n := 0; n < total; n += len(tt.block) {
				if _, err := pw.Write(tt.block); err != nil {
					return
				}
			}
			pw.Close()
		}()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base := ms.HeapInuse
		r, err := Open(pr, tt.format, nil)
		if err != nil {
			t.Fatal(err)
		}
		var rows int64
		var peak uint64
		for {
			_, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatal(err)
			}
			if rows++; rows%100000 == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapInuse)
			}
		}
		growth := int64(peak) - int64(base)
		t.Logf("%s: %d rows, heap in use grew by %d KiB at most", tt.format, rows, growth>>10)
		if growth > 8<<20 {
			t.Errorf("%s: heap in use grew by %d bytes, want under 8 MiB", tt.format, growth)
		}
	}
}

// TestReadAllocs shows that reading a row allocates nothing once a
// reader is warm: no allocation per cell or per row.
func TestReadAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	for _, tt := range []struct {
		format string
		src    io.Reader
	}{
		{CSV, io.MultiReader(bytes.NewReader([]byte(csvHeader)), &cycle{block: csvBlock(256 << 10)})},
		{JSONL, &cycle{block: jsonlBlock(256 << 10)}},
	} {
		r, err := Open(tt.src, tt.format, nil)
		if err != nil {
			t.Fatal(err)
		}
		for range 10000 { // grow the buffers, learn the JSONL columns
			if _, err := r.Read(); err != nil {
				t.Fatal(err)
			}
		}
		allocs := testing.AllocsPerRun(20000, func() {
			if _, err := r.Read(); err != nil {
				t.Fatal(err)
			}
		})
		if allocs != 0 {
			t.Errorf("%s: %v allocations per row, want 0", tt.format, allocs)
		}
	}
}
