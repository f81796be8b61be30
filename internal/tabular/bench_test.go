package tabular

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"testing"
)

const benchSize = 16 << 20

// BenchmarkCSVRead reads the same 16 MiB of CSV with tabular and with
// encoding/csv (ReuseRecord), touching every cell in both. "quoted" has a
// quoted field in every row, and in a tenth of the rows doubled quotes and
// a quoted line break; "plain" is the same rows with no quotes at all.
func BenchmarkCSVRead(b *testing.B) {
	quoted := append([]byte(csvHeader), csvBlock(benchSize)...)
	plain := bytes.ReplaceAll(quoted, []byte(`"Springfield, IL"`), []byte("Springfield IL"))
	plain = bytes.ReplaceAll(plain, []byte("\"said \"\"call me\"\",\nthen left\""), []byte("said call me then left"))
	for _, data := range []struct {
		name string
		b    []byte
	}{{"quoted", quoted}, {"plain", plain}} {
		b.Run(data.name+"/tabular", func(b *testing.B) { benchCSV(b, data.b) })
		b.Run(data.name+"/encoding-csv", func(b *testing.B) { benchEncodingCSV(b, data.b) })
	}
}

func benchCSV(b *testing.B, data []byte) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := Open(bytes.NewReader(data), CSV, &Options{Delimiter: ','})
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			row, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			for i := range row {
				n += len(row[i].Bytes())
			}
		}
		if n == 0 {
			b.Fatal("no cells")
		}
	}
}

func benchEncodingCSV(b *testing.B, data []byte) {
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		r := csv.NewReader(bytes.NewReader(data))
		r.ReuseRecord = true
		n := 0
		for {
			rec, err := r.Read()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			for _, f := range rec {
				n += len(f)
			}
		}
		if n == 0 {
			b.Fatal("no cells")
		}
	}
}

// BenchmarkJSONLRead reads 16 MiB of JSON Lines with nested objects and
// arrays, and, for scale, decodes the same lines with encoding/json into
// maps (what a naive reader would do).
func BenchmarkJSONLRead(b *testing.B) {
	data := jsonlBlock(benchSize)
	b.Run("tabular", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			r, err := Open(bytes.NewReader(data), JSONL, nil)
			if err != nil {
				b.Fatal(err)
			}
			for {
				if _, err := r.Read(); err == io.EOF {
					break
				} else if err != nil {
					b.Fatal(err)
				}
			}
		}
	})
	b.Run("encoding-json-map", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			d := json.NewDecoder(bytes.NewReader(data))
			for {
				var m map[string]any
				if err := d.Decode(&m); err == io.EOF {
					break
				} else if err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// BenchmarkParquetRead reads the JSONL benchmark's rows from Parquet.
func BenchmarkParquetRead(b *testing.B) {
	src := jsonlBlock(benchSize / 4)
	cols, rows, err := openAll(src, JSONL, nil)
	if err != nil {
		b.Fatal(err)
	}
	data := writeAll(b, Parquet, cols, rows, nil)
	b.SetBytes(int64(len(src)))
	b.ReportAllocs()
	for b.Loop() {
		r, err := OpenParquet(bytes.NewReader(data), int64(len(data)), nil)
		if err != nil {
			b.Fatal(err)
		}
		for {
			if _, err := r.Read(); err == io.EOF {
				break
			} else if err != nil {
				b.Fatal(err)
			}
		}
	}
}

// BenchmarkWrite re-encodes rows, the cost of a filter or mask pass.
func BenchmarkWrite(b *testing.B) {
	for _, format := range []string{CSV, JSONL, Parquet} {
		src := jsonlBlock(benchSize / 4)
		cols, rows, err := openAll(src, JSONL, nil)
		if err != nil {
			b.Fatal(err)
		}
		if format == CSV {
			for i := range cols {
				cols[i].Type = String
			}
		}
		b.Run(format, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				w, err := NewWriter(io.Discard, format, cols, nil)
				if err != nil {
					b.Fatal(err)
				}
				for _, row := range rows {
					if err := w.Write(row); err != nil {
						b.Fatal(err)
					}
				}
				if err := w.Close(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
