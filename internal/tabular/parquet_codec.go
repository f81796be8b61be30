package tabular

import (
	"bytes"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"io"

	"github.com/parquet-go/parquet-go/format"
)

// parquet-go sizes the buffer a page decompresses into from what the
// compressed bytes claim, not from the page header: a snappy block states
// its length (up to 4 GiB), a zstd frame its content size (up to 64 GiB),
// and its LZ4 decoder doubles its buffer on any error until memory runs
// out. A few hostile bytes would crash the process, which no recover can
// catch. So before a row group is read, the compressed bytes of each page
// are checked to expand to at most MaxPageBytes:
//
//   - SNAPPY: the length in the block's first bytes;
//   - ZSTD: every frame's content size, or 128 KiB per block without one;
//   - GZIP: by decompressing the page, with a limit (gzip states no size);
//   - BROTLI and LZ4_RAW are refused: their sizes cannot be bounded short
//     of decompressing with a library tabular does not otherwise need.

var errCodecBomb = errors.New("decompresses to more than the page limit")

// unsupportedCodec is a compression tabular refuses to read.
type unsupportedCodec format.CompressionCodec

func (c unsupportedCodec) Error() string {
	return format.CompressionCodec(c).String() + " compression is not supported"
}

// checkCodec checks one page whose compressed bytes are at payload.
func (r *parquetReader) checkCodec(codec format.CompressionCodec, payload, size int64) error {
	limit := int64(r.opts.MaxPageBytes)
	switch codec {
	case format.Uncompressed:
		return nil
	case format.Snappy:
		head := make([]byte, min(size, binary.MaxVarintLen32))
		if err := readFull(r.ra, head, payload); err != nil {
			return err
		}
		n, k := binary.Uvarint(head)
		if k <= 0 {
			return errors.New("snappy block has no length")
		}
		if n > uint64(limit) {
			return errCodecBomb
		}
		return nil
	case format.Zstd, format.Gzip:
		page := make([]byte, size)
		if err := readFull(r.ra, page, payload); err != nil {
			return err
		}
		if codec == format.Zstd {
			return checkZstd(page, limit)
		}
		return checkGzip(page, limit)
	}
	return unsupportedCodec(codec)
}

// checkZstd walks the frames of a zstd stream without decompressing it and
// bounds what it decodes to.
func checkZstd(b []byte, limit int64) error {
	var total int64
	for len(b) > 0 {
		if len(b) < 8 {
			return errors.New("zstd frame truncated")
		}
		magic := binary.LittleEndian.Uint32(b)
		if magic&0xFFFFFFF0 == 0x184D2A50 { // skippable frame
			n := int64(binary.LittleEndian.Uint32(b[4:]))
			if n > int64(len(b)-8) {
				return errors.New("zstd frame truncated")
			}
			b = b[8+n:]
			continue
		}
		if magic != 0xFD2FB528 {
			return errors.New("not a zstd frame")
		}
		n, used, err := zstdFrame(b)
		if err != nil {
			return err
		}
		if total += n; total > limit {
			return errCodecBomb
		}
		b = b[used:]
	}
	return nil
}

// zstdFrame returns the most one frame decodes to and its length.
func zstdFrame(b []byte) (int64, int, error) {
	errShort := errors.New("zstd frame truncated")
	fhd := b[4]
	p := 5
	single := fhd>>5&1 == 1
	if !single {
		p++ // window descriptor
	}
	p += [4]int{0, 1, 2, 4}[fhd&3] // dictionary id
	fcsLen := [4]int{0, 2, 4, 8}[fhd>>6]
	if fcsLen == 0 && single {
		fcsLen = 1
	}
	if p+fcsLen > len(b) {
		return 0, 0, errShort
	}
	var fcs uint64
	for i := fcsLen - 1; i >= 0; i-- {
		fcs = fcs<<8 | uint64(b[p+i])
	}
	if fcsLen == 2 {
		fcs += 256
	}
	p += fcsLen
	var blocks int64
	for last := false; !last; {
		if p+3 > len(b) {
			return 0, 0, errShort
		}
		h := uint32(b[p]) | uint32(b[p+1])<<8 | uint32(b[p+2])<<16
		p += 3
		last = h&1 == 1
		size := int(h >> 3)
		switch (h >> 1) & 3 {
		case 0: // raw
			blocks += int64(size)
		case 1: // RLE: one byte repeated size times
			blocks += int64(size)
			size = 1
		case 2: // compressed: at most 128 KiB out
			blocks += 128 << 10
		default:
			return 0, 0, errors.New("zstd block of reserved type")
		}
		if p += size; p > len(b) {
			return 0, 0, errShort
		}
	}
	if fhd>>2&1 == 1 { // content checksum
		p += 4
	}
	if p > len(b) {
		return 0, 0, errShort
	}
	if fcsLen > 0 && fcs > uint64(blocks) {
		return 0, 0, errors.New("zstd frame content size exceeds its blocks")
	}
	return blocks, p, nil
}

func checkGzip(b []byte, limit int64) error {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return errors.New("not a gzip stream")
	}
	n, err := io.Copy(io.Discard, io.LimitReader(zr, limit+1))
	if err != nil {
		return errors.New("gzip stream is malformed")
	}
	if n > limit {
		return errCodecBomb
	}
	return nil
}
