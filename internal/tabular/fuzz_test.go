package tabular

import (
	"bytes"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
)

// Each fuzz target is seeded from testdata and from the unit tests' cases,
// and fails when it finds no seeds: a target without seeds would fuzz from
// nothing and prove little.

func testdataSeeds(f *testing.F, exts ...string) [][]byte {
	var seeds [][]byte
	for _, ext := range exts {
		paths, _ := filepath.Glob(filepath.Join("testdata", "*"+ext))
		for _, p := range paths {
			b, err := os.ReadFile(p)
			if err != nil {
				f.Fatal(err)
			}
			seeds = append(seeds, b)
		}
	}
	return seeds
}

// fuzzLimits keep the fuzzer's inputs from spending its time on size.
var fuzzLimits = Options{MaxRecordBytes: 1 << 16, MaxColumns: 256, MaxPageBytes: 1 << 20}

// checkError fails unless err is a *tabular.Error of one of the three
// categories: whatever the input, an error is an error, not a panic and
// not an unexplained failure.
func checkError(t *testing.T, err error) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %q is not a *tabular.Error", err)
	}
	if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrLimit) && !errors.Is(err, ErrInvalid) {
		t.Fatalf("error %q has no category", err)
	}
	if !strings.HasPrefix(err.Error(), "tabular: ") {
		t.Fatalf("error %q does not start with tabular: ", err)
	}
}

func FuzzCSV(f *testing.F) {
	seeds := testdataSeeds(f, ".csv", ".tsv")
	for _, s := range []string{
		"a,b\n1,2\n", "a,b\r\n\"x,\"\"y\"\"\nz\",2\r\n", "\ufeffa\n\n\"\"\n", "a,b\n\"x,1\n", "a,b\n1,x\"y\n",
		"a;b\n1;2", "a\tb\n1\t2\n", "a|b\n|\n", "\"a\"b\n", "a\n\r\n\r", "a,b\n1,2,3\n",
	} {
		seeds = append(seeds, []byte(s))
	}
	cols, rows := genTable(rand.New(rand.NewPCG(1, 1)), 5, 3)
	seeds = append(seeds, writeAll(f, CSV, cols, rows, nil))
	if len(seeds) == 0 {
		f.Fatal("no seeds")
	}
	for i, s := range seeds {
		f.Add(s, []byte{0, ',', ';', '\t', '|'}[i%5])
	}
	f.Fuzz(func(t *testing.T, data []byte, delim byte) {
		opts := fuzzLimits
		opts.Delimiter = delim
		r, err := Open(bytes.NewReader(data), CSV, &opts)
		if err != nil {
			checkError(t, err)
			return
		}
		rows, err := readAll(r)
		if err != nil {
			checkError(t, err)
			return
		}
		// What reads re-encodes, and reads back to the same header and
		// cells, in the same dialect.
		ropts := r.Options()
		out, err := tryWrite(r.Format(), r.Columns(), rows, &ropts)
		if err != nil {
			if !errors.Is(err, ErrLimit) { // quoting can lengthen a record past the limit
				t.Fatalf("write of what was read: %v", err)
			}
			return
		}
		r2, err := Open(bytes.NewReader(out), r.Format(), &ropts)
		if err != nil {
			t.Fatalf("reopen %q: %v", out, err)
		}
		rows2, err := readAll(r2)
		if err != nil {
			t.Fatalf("reread %q: %v", out, err)
		}
		if strings.Join(names(r.Columns()), "\x00") != strings.Join(names(r2.Columns()), "\x00") {
			t.Fatalf("header %q read back as %q", names(r.Columns()), names(r2.Columns()))
		}
		if len(rows) != len(rows2) {
			t.Fatalf("%d rows read back as %d from %q", len(rows), len(rows2), out)
		}
		for i := range rows {
			if !rows[i].Equal(rows2[i]) {
				t.Fatalf("row %d changed on the way through %q", i+1, out)
			}
		}
	})
}

// tryWrite is writeAll that returns the error instead of failing.
func tryWrite(format string, cols []Column, rows []Row, opts *Options) ([]byte, error) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, format, cols, opts)
	if err != nil {
		return nil, err
	}
	for _, row := range rows {
		if err := w.Write(row); err != nil {
			return nil, err
		}
	}
	if err := w.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

func FuzzJSONL(f *testing.F) {
	seeds := testdataSeeds(f, ".jsonl")
	for _, s := range []string{
		`{"a":1}`, "{\"a\":{\"b\":[1,2]},\"c\":null}\n{\"a\":1.50}\n", `{"a":"\ud83c\udf89\u0000"}`,
		`{"a":1,"a":2}`, `[1]`, `{"a":}`, `{"a.b":1,"a":{"b":2}}`, "{\"a\":null}\n{\"a\":{\"b\":1}}",
		`{"n":-0,"m":1e400,"k":12345678901234567890}`,
	} {
		seeds = append(seeds, []byte(s))
	}
	cols, rows := genTyped(rand.New(rand.NewPCG(2, 2)), 5)
	seeds = append(seeds, writeAll(f, JSONL, cols, rows, nil))
	if len(seeds) == 0 {
		f.Fatal("no seeds")
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := fuzzLimits
		cols, rows, err := openAll(data, JSONL, &opts)
		if err != nil {
			checkError(t, err)
			return
		}
		out, err := tryWrite(JSONL, cols, rows, &opts)
		if err != nil {
			if !errors.Is(err, ErrLimit) { // nulls and escapes can lengthen a line
				t.Fatalf("write of what was read: %v", err)
			}
			return
		}
		cols2, rows2, err := openAll(out, JSONL, &opts)
		if err != nil {
			t.Fatalf("reread %q: %v", out, err)
		}
		if err := diffRows(cols, rows, cols2, rows2); err != nil {
			t.Fatalf("%v, through %q", err, out)
		}
	})
}

func FuzzParquet(f *testing.F) {
	seeds := testdataSeeds(f, ".parquet")
	seeds = append(seeds, pqFile(f, sampleRecords()))
	for _, codec := range []compress.Codec{&parquet.Zstd, &parquet.Gzip, &parquet.Uncompressed} {
		seeds = append(seeds, pqFile(f, sampleRecords()[:1], parquet.Compression(codec)))
	}
	cols, rows := genTyped(rand.New(rand.NewPCG(3, 3)), 5)
	seeds = append(seeds, writeAll(f, Parquet, cols, rows, nil))
	seeds = append(seeds, parquetWith([]byte{0x29, 0xFC, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00}))
	if len(seeds) == 0 {
		f.Fatal("no seeds")
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		opts := fuzzLimits
		cols, rows, err := openAll(data, Parquet, &opts)
		if err != nil {
			checkError(t, err)
			return
		}
		// Not every file that reads can be written (a timestamp past year
		// 9999 has no RFC 3339 text to parse back), but what is written
		// must read back to the same rows.
		out, err := tryWrite(Parquet, cols, rows, &opts)
		if err != nil {
			checkError(t, err)
			return
		}
		cols2, rows2, err := openAll(out, Parquet, &opts)
		if err != nil {
			t.Fatalf("reread: %v", err)
		}
		if err := diffRows(cols, rows, cols2, rows2); err != nil {
			t.Fatal(err)
		}
	})
}

// TestTestdata reads every file in testdata through sniffing.
func TestTestdata(t *testing.T) {
	tests := []struct {
		file, format string
		cols, rows   int
	}{
		{"people.csv", CSV, 5, 3},
		{"semicolon.csv", CSV, 4, 2},
		{"people.tsv", TSV, 3, 2},
		{"people.jsonl", JSONL, 11, 3},
	}
	for _, tt := range tests {
		data, err := os.ReadFile(filepath.Join("testdata", tt.file))
		if err != nil {
			t.Fatal(err)
		}
		r, err := Open(bytes.NewReader(data), "", nil)
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		rows, err := readAll(r)
		if err != nil {
			t.Fatalf("%s: %v", tt.file, err)
		}
		if r.Format() != tt.format || len(r.Columns()) != tt.cols || len(rows) != tt.rows {
			t.Errorf("%s: %s, %d columns (%q), %d rows; want %s, %d, %d", tt.file, r.Format(),
				len(r.Columns()), names(r.Columns()), len(rows), tt.format, tt.cols, tt.rows)
		}
	}
}
