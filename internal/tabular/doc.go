// Package tabular reads and writes datasets row by row in one model,
// whatever their format: CSV and TSV (RFC 4180), JSON Lines and Parquet.
// The PII scanner, the quality profiler and the filters and masks that
// re-encode a dataset in its own format all read through it.
//
//	r, err := tabular.Open(src, "", nil)                 // sniffs csv, tsv or jsonl
//	r, err := tabular.OpenParquet(ra, size, nil)        // Parquet needs an io.ReaderAt
//	for {
//		row, err := r.Read()                             // io.EOF at the end
//		...row[i] is the cell of r.Columns()[i]
//	}
//	opts := r.Options()
//	w, err := tabular.NewWriter(dst, r.Format(), r.Columns(), &opts) // same dialect
//	err = w.Write(row); err = w.Close()
//
// A Row is a []Value, one per column. A Value is null, string, int,
// float, bool or JSON (raw JSON text, for arrays). CSV cells are always
// strings, and an empty field is the empty string, not null. JSON Lines
// objects are flattened to one column per key path (address.city); the
// columns grow as keys appear. Parquet columns are its leaf columns by
// path; logical types read as text (dates, timestamps, decimals, UUIDs)
// and are written back to the same Parquet type. docs/tabular.md gives
// each format's rules.
//
// # Lifetime of rows
//
// Readers reuse their buffers so that reading allocates nothing per row
// or per cell (CSV and JSONL; Parquet allocates per batch of rows inside
// parquet-go): the Row that Read returns, and the bytes of its cells, are
// valid only until the next call to Read. Row.Clone and Value.Clone copy
// what must outlive that. Readers and writers are not safe for concurrent
// use.
//
// # Errors
//
// Every failure is an *Error that names the format and the place (CSV or
// JSONL line and field, Parquet row group and record, the column) and says
// what is wrong, for example
//
//	tabular: csv line 17, field 3: unterminated quoted field
//	tabular: jsonl line 3: not a JSON object
//	tabular: parquet row group 2, column "ssn": page header with an invalid size
//
// and matches ErrMalformed, ErrLimit or ErrInvalid, or wraps the I/O error
// of the underlying reader or writer. A reader that failed keeps failing
// with the same error.
//
// # Security
//
// tabular treats its input as hostile. It promises:
//
//   - Bounded memory per record: a CSV record or JSONL line longer than
//     Options.MaxRecordBytes (16 MiB) and a header or schema of more than
//     Options.MaxColumns columns end in an ErrLimit error, and the text
//     readers hold one record at a time. Before parquet-go decodes a
//     Parquet footer or row group, tabular checks the footer's length and
//     every Thrift list and string length in it, and every page of the row
//     group: its header's sizes are at most Options.MaxPageBytes (64 MiB)
//     and its value count a quarter of that, the pages decoded at the same
//     time take at most 16 times that, and its compressed bytes expand to
//     at most the limit (the SNAPPY length, every ZSTD frame, a bounded GZIP
//     decompression). BROTLI and LZ4_RAW pages, whose expansion tabular
//     cannot bound cheaply, are refused (parquet-go's LZ4 decoder doubles
//     its buffer without end on a malformed page).
//   - No panic on any input: the readers are fuzzed (FuzzCSV, FuzzJSONL,
//     FuzzParquet); a panic inside parquet-go on a malformed file is
//     recovered and returned as an error.
//   - No cell in an error message, and none printed by fmt or log/slog: a
//     Value formats as its kind and size. Errors name lines, fields,
//     records and column names (which come from the data's header or keys).
//   - Strict parsing: a bare quote, a wrong field count, a duplicate JSON
//     key or invalid UTF-8 in a JSON string is an error, never a guess, so
//     that a mask meant for one column never lands on another's cells.
//
// It does not promise: validation of CSV text as UTF-8 (cells are bytes);
// a bound on one Parquet row's list values beyond the page limits (they
// are decoded by parquet-go before tabular sees them); protection from
// slow input (a quoted CSV record may be scanned twice while its end is
// found, a GZIP page is decompressed twice); or confidentiality of the
// cells themselves, which is package seal's job.
package tabular
