package tabular

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
)

// readAll reads every row, cloned, and stops at the first error.
func readAll(r Reader) ([]Row, error) {
	var rows []Row
	for {
		row, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return rows, err
		}
		rows = append(rows, row.Clone())
	}
}

// openAll opens data in format (Parquet through OpenParquet) and reads it.
func openAll(data []byte, format string, opts *Options) ([]Column, []Row, error) {
	var r Reader
	var err error
	if format == Parquet {
		r, err = OpenParquet(bytes.NewReader(data), int64(len(data)), opts)
	} else {
		r, err = Open(bytes.NewReader(data), format, opts)
	}
	if err != nil {
		return nil, nil, err
	}
	rows, err := readAll(r)
	return r.Columns(), rows, err
}

// writeAll writes rows with a writer of format and returns the bytes.
func writeAll(t testing.TB, format string, cols []Column, rows []Row, opts *Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, format, cols, opts)
	if err != nil {
		t.Fatalf("NewWriter(%s) = %v", format, err)
	}
	for i, row := range rows {
		if err := w.Write(row); err != nil {
			t.Fatalf("Write(row %d) = %v", i+1, err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatalf("Close() = %v", err)
	}
	return buf.Bytes()
}

// byPath maps the non-null cells of a row to their column paths, so that
// rows compare independently of column order (JSON objects are unordered)
// and of columns that are null throughout.
func byPath(cols []Column, row Row) map[string]Value {
	m := make(map[string]Value)
	for i, v := range row {
		if !v.IsNull() {
			m[strings.Join(cols[i].path(), "\x00")] = v
		}
	}
	return m
}

// diffRows describes the first difference between two tables, by path.
func diffRows(colsA []Column, a []Row, colsB []Column, b []Row) error {
	if len(a) != len(b) {
		return fmt.Errorf("%d rows, want %d", len(b), len(a))
	}
	for i := range a {
		ma, mb := byPath(colsA, a[i]), byPath(colsB, b[i])
		if len(ma) != len(mb) {
			return fmt.Errorf("row %d: %d non-null cells, want %d", i+1, len(mb), len(ma))
		}
		for k, va := range ma {
			if vb, ok := mb[k]; !ok || !va.Equal(vb) {
				return fmt.Errorf("row %d column %q: %s %q, want %s %q", i+1, k,
					vb.Kind(), vb.AppendText(nil), va.Kind(), va.AppendText(nil))
			}
		}
	}
	return nil
}

func mustErr(t *testing.T, err error, want string, category error) {
	t.Helper()
	if err == nil {
		t.Fatalf("error = nil, want %q", want)
	}
	if err.Error() != want {
		t.Fatalf("error = %q, want %q", err, want)
	}
	if category != nil && !errors.Is(err, category) {
		t.Fatalf("errors.Is(%q, %v) = false", err, category)
	}
}

// textCols returns String columns with the given names.
func textCols(names ...string) []Column {
	cols := make([]Column, len(names))
	for i, n := range names {
		cols[i] = Column{Name: n, Path: []string{n}, Type: String}
	}
	return cols
}

func strRow(cells ...string) Row {
	row := make(Row, len(cells))
	for i, c := range cells {
		row[i] = StringValue([]byte(c))
	}
	return row
}

// Pieces of generated text: the hard cases of every format.
var textPieces = []string{
	"a", "plain", "ünïcödé", "日本語", "emoji 🎉", ",", ";", "\t", "|", "\"", "\"\"",
	"\n", "\r\n", "\r", " ", "", "\\", "{", "}", "[", "]", ":", "null", "\ufeff", "\u2028",
	"\x00", "\x1f", "'", "é", "-1", "1e5",
}

func genText(rng *rand.Rand) string {
	var b strings.Builder
	for range rng.IntN(5) {
		b.WriteString(textPieces[rng.IntN(len(textPieces))])
	}
	return b.String()
}

// genTable makes rows of String cells (CSV) with the given number of
// columns.
func genTable(rng *rand.Rand, nrows, ncols int) ([]Column, []Row) {
	names := make([]string, ncols)
	for i := range names {
		names[i] = fmt.Sprintf("c%d%s", i, genText(rng))
	}
	rows := make([]Row, nrows)
	for i := range rows {
		cells := make([]string, ncols)
		for j := range cells {
			cells[j] = genText(rng)
		}
		rows[i] = strRow(cells...)
	}
	return textCols(names...), rows
}

// genTyped makes rows of every kind for JSONL and Parquet, with nulls.
func genTyped(rng *rand.Rand, nrows int) ([]Column, []Row) {
	cols := []Column{
		{Name: "id", Path: []string{"id"}, Type: Int},
		{Name: "name", Path: []string{"name"}, Type: String},
		{Name: "address.city", Path: []string{"address", "city"}, Type: String},
		{Name: "address.zip", Path: []string{"address", "zip"}, Type: String},
		{Name: "score", Path: []string{"score"}, Type: Float},
		{Name: "ok", Path: []string{"ok"}, Type: Bool},
		{Name: "tags", Path: []string{"tags"}, Type: JSON},
		{Name: "a.b", Path: []string{"a.b"}, Type: String},
	}
	floats := []float64{0, -0.5, 1.5, 1e300, -2.25e-10, 3, 123456.789}
	rows := make([]Row, nrows)
	for i := range rows {
		text := func() Value { return StringValue([]byte(strings.ToValidUTF8(genText(rng), "?"))) }
		row := Row{
			IntValue(rng.Int64() - rng.Int64()), text(), text(), text(),
			FloatValue(floats[rng.IntN(len(floats))]), BoolValue(rng.IntN(2) == 0),
			JSONValue([]byte(`["x",1,{"y":null}]`)), text(),
		}
		for j := range row {
			if rng.IntN(5) == 0 {
				row[j] = Value{}
			}
		}
		rows[i] = row
	}
	return cols, rows
}

// TestMain makes a panic that guard recovers inside tabular's own code a
// test failure: guard is there for parquet-go's panics, not to hide ours.
func TestMain(m *testing.M) {
	onPanic = func(function string) {
		if strings.Contains(function, "/internal/tabular.") {
			panic("tabular panicked in " + function)
		}
	}
	os.Exit(m.Run())
}
