package tabular

import (
	"bytes"
	"compress/gzip"
	"errors"
	"testing"

	"github.com/parquet-go/parquet-go"
	"github.com/parquet-go/parquet-go/compress"
)

// TestParquetCodecs reads files of every codec parquet-go writes: the
// bounded ones read, the others are refused by name.
func TestParquetCodecs(t *testing.T) {
	for _, tt := range []struct {
		codec compress.Codec
		want  string
	}{
		{&parquet.Uncompressed, ""},
		{&parquet.Snappy, ""},
		{&parquet.Zstd, ""},
		{&parquet.Gzip, ""},
		{&parquet.Brotli, `tabular: parquet row group 1, column "id": BROTLI compression is not supported`},
		{&parquet.Lz4Raw, `tabular: parquet row group 1, column "id": LZ4_RAW compression is not supported`},
	} {
		recs := sampleRecords()
		for range 10 {
			recs = append(recs, recs...)
		}
		_, rows, err := openAll(pqFile(t, recs, parquet.Compression(tt.codec)), Parquet, nil)
		if tt.want != "" {
			mustErr(t, err, tt.want, ErrInvalid)
			continue
		}
		if err != nil || len(rows) != len(recs) {
			t.Errorf("%v: %d rows, %v", tt.codec, len(rows), err)
		}
	}
}

func zstdFrameOf(fhd byte, fcs []byte, blocks ...[]byte) []byte {
	b := []byte{0x28, 0xB5, 0x2F, 0xFD, fhd}
	b = append(b, fcs...)
	for _, blk := range blocks {
		b = append(b, blk...)
	}
	return b
}

// block returns a zstd block header and content.
func block(typ, size int, last bool, content []byte) []byte {
	h := size<<3 | typ<<1
	if last {
		h |= 1
	}
	return append([]byte{byte(h), byte(h >> 8), byte(h >> 16)}, content...)
}

func TestCheckZstd(t *testing.T) {
	huge := []byte{0, 0, 0, 0, 0, 1, 0, 0} // 2^40
	compressed := append(bytes.Repeat(block(2, 1, false, []byte{0}), 8), block(2, 1, true, []byte{0})...)
	errAny := errors.New("any error")
	tests := []struct {
		name string
		data []byte
		want error
	}{
		{"raw block", zstdFrameOf(0x20, []byte{3}, block(0, 3, true, []byte("abc"))), nil},
		{"rle block", zstdFrameOf(0x20, []byte{200}, block(1, 200, true, []byte("a"))), nil},
		{"skippable frame", append([]byte{0x50, 0x2A, 0x4D, 0x18, 1, 0, 0, 0, 9},
			zstdFrameOf(0x20, []byte{3}, block(0, 3, true, []byte("abc")))...), nil},
		{"lying content size", zstdFrameOf(0xE0, huge, block(0, 3, true, []byte("abc"))), errAny},
		{"too many blocks", zstdFrameOf(0x20, []byte{0}, compressed), errCodecBomb},
		{"rle bomb", zstdFrameOf(0x20, []byte{0}, block(1, 1<<20+1, true, []byte{0})), errCodecBomb},
		{"truncated", zstdFrameOf(0x20, []byte{3}, block(0, 3, true, []byte("a"))), errAny},
		{"not zstd", []byte("PAR1PAR1PAR1"), errAny},
	}
	for _, tt := range tests {
		err := checkZstd(tt.data, 1<<20)
		switch {
		case tt.want == nil && err != nil:
			t.Errorf("%s: checkZstd = %v, want nil", tt.name, err)
		case tt.want == errAny && err == nil:
			t.Errorf("%s: checkZstd = nil, want an error", tt.name)
		case tt.want == errCodecBomb && err != errCodecBomb:
			t.Errorf("%s: checkZstd = %v, want errCodecBomb", tt.name, err)
		}
	}
}

func TestCheckGzip(t *testing.T) {
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(make([]byte, 4<<20))
	zw.Close()
	if err := checkGzip(buf.Bytes(), 1<<20); err != errCodecBomb {
		t.Errorf("checkGzip(4 MiB of zeros, limit 1 MiB) = %v, want errCodecBomb", err)
	}
	if err := checkGzip(buf.Bytes(), 8<<20); err != nil {
		t.Errorf("checkGzip(4 MiB, limit 8 MiB) = %v", err)
	}
	if err := checkGzip([]byte("not gzip"), 1<<20); err == nil {
		t.Error("checkGzip(garbage) = nil")
	}
}

// TestParquetSnappyBomb gives a page a snappy block that claims 2 GiB:
// refused before parquet-go would allocate it.
func TestParquetSnappyBomb(t *testing.T) {
	data := pqFile(t, sampleRecords(), parquet.Compression(&parquet.Snappy))
	r, err := OpenParquet(bytes.NewReader(data), int64(len(data)), nil)
	if err != nil {
		t.Fatal(err)
	}
	pr := r.(*parquetReader)
	m := pr.file.Metadata().RowGroups[0].Columns[0].MetaData
	_, n, err := pr.pageHeader(0, 0, m.DataPageOffset, m.DataPageOffset+m.TotalCompressedSize)
	if err != nil {
		t.Fatal(err)
	}
	payload := m.DataPageOffset + n
	bomb := bytes.Clone(data)
	copy(bomb[payload:], []byte{0x80, 0x80, 0x80, 0x80, 0x08}) // 2^31 as a uvarint
	_, _, err = openAll(bomb, Parquet, nil)
	mustErr(t, err, `tabular: parquet row group 1, column "id": page decompresses to more than the page limit (67108864 bytes)`, ErrLimit)
}
