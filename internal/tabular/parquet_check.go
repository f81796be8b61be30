package tabular

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/parquet-go/parquet-go/format"
)

// The checks here run before parquet-go reads a footer or a row group,
// because parquet-go trusts the sizes and counts it decodes: it allocates
// a footer of the length the last bytes claim, a page of the size its
// header claims, and Thrift lists of the length they claim.

// footerBudgetFactor × MaxPageBytes bounds the estimated memory of the
// decoded footer; residentFactor × MaxPageBytes bounds the pages of one
// row group that are decoded at the same time (one per column, plus the
// dictionaries).
const (
	footerBudgetFactor = 4
	residentFactor     = 16
	maxPageHeader      = 1 << 20
	pageTypeDictionary = 2
	// columnOverhead is what parquet-go holds per column while it reads a
	// row group, besides pages (value buffers, a read buffer): about 18 KiB
	// measured with v0.32.0, rounded up.
	columnOverhead = 32 << 10
)

func checkFooter(ra io.ReaderAt, size int64, o Options) error {
	if size < 12 {
		return pqError(0, 0, "too short to be a Parquet file", nil)
	}
	var head, tail [8]byte
	if err := readFull(ra, head[:4], 0); err != nil {
		return err
	}
	if err := readFull(ra, tail[:], size-8); err != nil {
		return err
	}
	switch {
	case string(tail[4:]) == "PARE":
		return &Error{Format: Parquet, Msg: "encrypted Parquet files are not supported", Err: ErrInvalid}
	case string(head[:4]) != "PAR1" || string(tail[4:]) != "PAR1":
		return pqError(0, 0, "not a Parquet file (no PAR1 magic)", nil)
	}
	n := int64(binary.LittleEndian.Uint32(tail[:4]))
	if n > size-12 {
		return pqError(0, 0, "footer length exceeds the file", nil)
	}
	if n > int64(o.MaxPageBytes) {
		return &Error{Format: Parquet, Msg: fmt.Sprintf("footer larger than %d bytes", o.MaxPageBytes), Err: ErrLimit}
	}
	footer := make([]byte, n)
	if err := readFull(ra, footer, size-8-n); err != nil {
		return err
	}
	w := thriftWalker{b: footer, budget: footerBudgetFactor * int64(o.MaxPageBytes)}
	if err := w.structure(0, 0); err != nil {
		return thriftError(0, "footer", err)
	}
	return nil
}

func thriftError(rowGroup int, what string, err error) error {
	if err == errThriftBudget {
		return &Error{Format: Parquet, RowGroup: rowGroup, Msg: what + " too large to decode", Err: ErrLimit}
	}
	return pqError(rowGroup, 0, what+" is "+err.Error(), nil)
}

func readFull(ra io.ReaderAt, b []byte, off int64) error {
	n, err := ra.ReadAt(b, off)
	if n == len(b) {
		return nil
	}
	if err == nil || err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	return &Error{Format: Parquet, Msg: "read", Err: err}
}

// preflight checks the column chunks of row group rg (0-based): that each
// lies inside the file and that each page header in it is well formed,
// declares sizes and value counts within MaxPageBytes and fits in its
// chunk. It reads only page headers, mirroring how parquet-go steps from
// one page to the next.
func (r *parquetReader) preflight(rg int) error {
	md := r.file.Metadata()
	g := &md.RowGroups[rg]
	if len(g.Columns) != len(r.leaves) {
		return pqError(rg+1, 0, fmt.Sprintf("%d column chunks, the schema has %d columns", len(g.Columns), len(r.leaves)), nil)
	}
	var resident int64
	for i := range g.Columns {
		cc := &g.Columns[i]
		m := &cc.MetaData
		start := m.DataPageOffset
		if m.DictionaryPageOffset != 0 { // what parquet-go does
			start = m.DictionaryPageOffset
		}
		end := start + m.TotalCompressedSize
		if cc.FilePath != "" || start < 4 || m.TotalCompressedSize < 0 || end < start || end > r.size-8 {
			return r.chunkError(rg, i, "column chunk lies outside the file")
		}
		page, dict, err := r.pages(rg, i, m.Codec, start, end)
		if err != nil {
			return err
		}
		resident += page + dict + columnOverhead
	}
	if limit := residentFactor * int64(r.opts.MaxPageBytes); resident > limit {
		return &Error{Format: Parquet, RowGroup: rg + 1, Err: ErrLimit,
			Msg: fmt.Sprintf("row group needs more than %d bytes of decoded pages at once", limit)}
	}
	return nil
}

func (r *parquetReader) codecError(rg, col int, err error) error {
	var te *Error
	if errors.As(err, &te) { // I/O
		return te
	}
	e := r.chunkError(rg, col, "page "+err.Error()).(*Error)
	switch {
	case err == errCodecBomb:
		e.Err = ErrLimit
		e.Msg = fmt.Sprintf("page %v (%d bytes)", err, r.opts.MaxPageBytes)
	case errors.As(err, new(unsupportedCodec)):
		e.Err = ErrInvalid
		e.Msg = err.Error()
	}
	return e
}

func (r *parquetReader) chunkError(rg, col int, msg string) error {
	return &Error{Format: Parquet, RowGroup: rg + 1, Column: r.cols[col].Name, Msg: msg, Err: ErrMalformed}
}

// pages walks the page headers of one column chunk and returns the
// largest data page and the dictionary size, both uncompressed.
func (r *parquetReader) pages(rg, col int, codec format.CompressionCodec, pos, end int64) (page, dict int64, err error) {
	limit := int64(r.opts.MaxPageBytes)
	for pos < end {
		w, n, err := r.pageHeader(rg, col, pos, end)
		if err != nil {
			return 0, 0, err
		}
		switch {
		case w.compressed > limit || w.uncompressed > limit || w.values > limit/4:
			// parquet-go sizes level and index buffers by the value count,
			// a few bytes per value, whatever the page's size.
			e := r.chunkError(rg, col, fmt.Sprintf("page larger than %d bytes or %d values", limit, limit/4))
			e.(*Error).Err = ErrLimit
			return 0, 0, e
		case w.compressed < 0 || w.uncompressed < 0 || w.values < 0 || pos+n+w.compressed > end ||
			w.levels < 0 || w.levels > w.compressed ||
			(w.pageType == pageTypeDictionary && w.values > w.uncompressed):
			return 0, 0, r.chunkError(rg, col, "page header with an invalid size")
		}
		if !w.v2Uncompressed {
			if err := r.checkCodec(codec, pos+n+w.levels, w.compressed-w.levels); err != nil {
				return 0, 0, r.codecError(rg, col, err)
			}
		}
		if w.pageType == pageTypeDictionary {
			dict = max(dict, w.uncompressed)
		} else {
			page = max(page, w.uncompressed)
		}
		pos += n + w.compressed
	}
	return page, dict, nil
}

// pageHeader reads and checks the page header at pos, reading more of the
// chunk while the header is longer than what was read.
func (r *parquetReader) pageHeader(rg, col int, pos, end int64) (thriftWalker, int64, error) {
	size := min(end-pos, 256)
	for {
		if cap(r.hdr) < int(size) {
			r.hdr = make([]byte, size)
		}
		buf := r.hdr[:size]
		if err := readFull(r.ra, buf, pos); err != nil {
			return thriftWalker{}, 0, err
		}
		w := thriftWalker{b: buf, budget: maxPageHeader * 2}
		err := w.structure(0, 0)
		if err == nil {
			return w, int64(w.p), nil
		}
		if err == errThriftShort && size < min(end-pos, maxPageHeader) {
			size = min(end-pos, maxPageHeader, size*4)
			continue
		}
		return thriftWalker{}, 0, r.chunkError(rg, col, "page header is "+err.Error())
	}
}
