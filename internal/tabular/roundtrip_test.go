package tabular

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestRoundTripCSV writes generated text with every delimiter and reads it
// back to the same header and cells.
func TestRoundTripCSV(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	for _, format := range []string{CSV, TSV} {
		for _, delim := range []byte{',', ';', '|', '\t'} {
			for ncols := 1; ncols <= 5; ncols++ {
				name := fmt.Sprintf("%s/%q/%d", format, delim, ncols)
				opts := &Options{Delimiter: delim}
				cols, rows := genTable(rng, 200, ncols)
				data := writeAll(t, format, cols, rows, opts)
				r, err := Open(bytes.NewReader(data), format, opts)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				got, err := readAll(r)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if strings.Join(names(r.Columns()), "\x00") != strings.Join(names(cols), "\x00") {
					t.Fatalf("%s: header %q, want %q", name, names(r.Columns()), names(cols))
				}
				if err := diffRows(cols, rows, r.Columns(), got); err != nil {
					t.Fatalf("%s: %v", name, err)
				}
			}
		}
	}
}

// TestCSVSameDialect reads a semicolon CSV and writes it with the reader's
// format and options: the output is the input (which needs no quoting).
func TestCSVSameDialect(t *testing.T) {
	in := "\ufeffname;city;note\nAnn;Paris, FR;\nBob;\"Rome; IT\";\"say \"\"ciao\"\"\"\n"
	r, err := Open(strings.NewReader(in), "", nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	opts := r.Options()
	w, err := NewWriter(&buf, r.Format(), r.Columns(), &opts)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := readAll(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		if err := w.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if want := strings.TrimPrefix(in, "\ufeff"); buf.String() != want {
		t.Errorf("wrote %q, want %q", buf.String(), want)
	}
}

func TestRoundTripJSONL(t *testing.T) {
	cols, rows := genTyped(rand.New(rand.NewPCG(11, 12)), 1000)
	data := writeAll(t, JSONL, cols, rows, nil)
	cols2, rows2, err := openAll(data, JSONL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := diffRows(cols, rows, cols2, rows2); err != nil {
		t.Fatal(err)
	}
	// Read, written and read again, the text is stable.
	again := writeAll(t, JSONL, cols2, rows2, nil)
	if !bytes.Equal(again, writeAll(t, JSONL, cols2, rows2, nil)) {
		t.Error("writing the same rows twice gave different bytes")
	}
}

// TestRoundTripAcross carries typed rows through every typed format.
func TestRoundTripAcross(t *testing.T) {
	cols, rows := genTyped(rand.New(rand.NewPCG(13, 14)), 300)
	c, r := cols, rows
	for _, format := range []string{Parquet, JSONL, Parquet} {
		data := writeAll(t, format, c, r, nil)
		var err error
		if c, r, err = openAll(data, format, nil); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		if err := diffRows(cols, rows, c, r); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
	}
}

// TestJSONLSchemaGrowthWrite follows a growing JSONL schema with Grow.
func TestJSONLSchemaGrowthWrite(t *testing.T) {
	in := "{\"a\":1}\n{\"b\":{\"c\":2}}\n{\"a\":null,\"b\":{\"d\":[1]}}\n"
	r, err := Open(strings.NewReader(in), JSONL, nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, JSONL, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := readAll(&growing{Reader: r, w: w})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range rows {
		if err := w.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	_ = w.Close()
	want := "{\"a\":1,\"b\":{\"c\":null,\"d\":null}}\n{\"a\":null,\"b\":{\"c\":2,\"d\":null}}\n{\"a\":null,\"b\":{\"c\":null,\"d\":[1]}}\n"
	if buf.String() != want {
		t.Errorf("wrote\n%s\nwant\n%s", buf.String(), want)
	}
}

// growing calls Grow on w whenever the reader's columns grow.
type growing struct {
	Reader
	w Writer
	n int
}

func (g *growing) Read() (Row, error) {
	row, err := g.Reader.Read()
	if cols := g.Columns(); len(cols) > g.n {
		g.n = len(cols)
		if gerr := g.w.Grow(cols); gerr != nil {
			return nil, gerr
		}
	}
	return row, err
}

func TestSniff(t *testing.T) {
	tests := []struct {
		head string
		want string
		sep  byte
	}{
		{"PAR1\x15\x00", Parquet, ','},
		{"{\"a\":1}\n{\"a\":2}\n", JSONL, ','},
		{"\ufeff  \n{\"a\":1}", JSONL, ','},
		{"a,b,c\n1,2,3\n", CSV, ','},
		{"a;b;c\n1;2,5;3\n", CSV, ';'},
		{"a\tb\n1\t2\n", TSV, '\t'},
		{"a|b\n1|2\n", CSV, '|'},
		{"\"x,y\";b\n\"1,2\";3\n", CSV, ';'},
		{"\"multi\nline,field\";b\n1;2\n", CSV, ';'},
		{"name\nAnn\nBob\n", CSV, ','},
		{"a,b;c\n1,2;3\n", CSV, ','},             // both consistent: the first candidate wins
		{"a;b,c\n1;2\n3;4,5,6\n", CSV, ';'},      // only ; is consistent
		{"a,b\n1,2\n3,4,5,6,7,8,9\n1", CSV, ','}, // none consistent: most frequent in the header
		{"col1\tcol2\tcol3\nx\ty\tz\npartial\tli", TSV, '\t'},
		{"", "", ','},
		{"   \n\n", "", ','},
		{"\x00\x01binary", "", ','},
		{"ELF\x7f\x02\x01", "", ','},
	}
	for _, tt := range tests {
		if got := Sniff([]byte(tt.head)); got != tt.want {
			t.Errorf("Sniff(%q) = %q, want %q", tt.head, got, tt.want)
		}
		if got := SniffDelimiter([]byte(tt.head)); got != tt.sep {
			t.Errorf("SniffDelimiter(%q) = %q, want %q", tt.head, got, tt.sep)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	_, err := Open(strings.NewReader("\x00\x01\x02"), "", nil)
	mustErr(t, err, "tabular: input: not CSV, TSV, JSON Lines or Parquet", ErrInvalid)
	_, err = Open(strings.NewReader("a"), "xml", nil)
	mustErr(t, err, "tabular: xml: unknown format", ErrInvalid)
	_, err = Open(strings.NewReader("a"), CSV, &Options{Delimiter: '\n'})
	mustErr(t, err, "tabular: csv: invalid delimiter", ErrInvalid)
	_, err = NewWriter(&bytes.Buffer{}, "xml", nil, nil)
	mustErr(t, err, "tabular: xml: unknown format", ErrInvalid)
}
