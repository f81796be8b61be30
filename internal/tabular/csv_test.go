package tabular

import (
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"testing/iotest"
)

func TestCSVRead(t *testing.T) {
	tests := []struct {
		name, in, format string
		header           []string
		rows             [][]string
		lines            []int64
	}{
		{"simple", "a,b\n1,2\n3,4\n", "", []string{"a", "b"}, [][]string{{"1", "2"}, {"3", "4"}}, []int64{2, 3}},
		{"no final newline", "a,b\n1,2", "", []string{"a", "b"}, [][]string{{"1", "2"}}, []int64{2}},
		{"crlf", "a,b\r\n1,2\r\n", "", []string{"a", "b"}, [][]string{{"1", "2"}}, []int64{2}},
		{"bom", "\ufeffa,b\n1,2\n", "", []string{"a", "b"}, [][]string{{"1", "2"}}, []int64{2}},
		{"quotes", "a,b\n\"x,y\",\"he said \"\"hi\"\"\"\n", "", []string{"a", "b"},
			[][]string{{"x,y", `he said "hi"`}}, []int64{2}},
		{"quoted newline", "a,b\n\"multi\nline\",z\n\"q\",w\n", "", []string{"a", "b"},
			[][]string{{"multi\nline", "z"}, {"q", "w"}}, []int64{2, 4}},
		{"quoted crlf kept", "a\n\"x\r\ny\"\r\n", "", []string{"a"}, [][]string{{"x\r\ny"}}, []int64{2}},
		{"empty fields", "a,b,c\n,,\n\"\",x,\"\"\n", "", []string{"a", "b", "c"},
			[][]string{{"", "", ""}, {"", "x", ""}}, []int64{2, 3}},
		{"blank lines skipped", "a\n\nx\n\r\n\ny\n\n", "", []string{"a"}, [][]string{{"x"}, {"y"}}, []int64{3, 6}},
		{"trailing delimiter", "a,b\n1,\n", "", []string{"a", "b"}, [][]string{{"1", ""}}, []int64{2}},
		{"lone cr is data", "a,b\n1\r2,3\n", "", []string{"a", "b"}, [][]string{{"1\r2", "3"}}, []int64{2}},
		{"header only", "a,b\n", "", []string{"a", "b"}, nil, nil},
		{"quoted at eof", "a\n\"x\"", "", []string{"a"}, [][]string{{"x"}}, []int64{2}},
		{"quoted header", "\"a,1\",b\n1,2\n", "", []string{"a,1", "b"}, [][]string{{"1", "2"}}, []int64{2}},
		{"tsv", "a\tb\n1\t\"2\t3\"\n", TSV, []string{"a", "b"}, [][]string{{"1", "2\t3"}}, []int64{2}},
		{"semicolon sniffed", "name;city\nAnn;Paris, France\n", "", []string{"name", "city"},
			[][]string{{"Ann", "Paris, France"}}, []int64{2}},
		{"pipe sniffed", "a|b\n1|2\n", CSV, []string{"a", "b"}, [][]string{{"1", "2"}}, []int64{2}},
		{"unicode", "名前,город\n日本,Москва\n", "", []string{"名前", "город"}, [][]string{{"日本", "Москва"}}, []int64{2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, err := Open(strings.NewReader(tt.in), tt.format, nil)
			if err != nil {
				t.Fatal(err)
			}
			var header []string
			for _, c := range r.Columns() {
				header = append(header, c.Name)
				if c.Type != String || len(c.Path) != 1 || c.Path[0] != c.Name {
					t.Errorf("column %+v: want a String column with Path {Name}", c)
				}
			}
			if !slices.Equal(header, tt.header) {
				t.Errorf("header = %q, want %q", header, tt.header)
			}
			var rows [][]string
			var lines []int64
			for {
				row, err := r.Read()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatal(err)
				}
				var cells []string
				for _, v := range row {
					cells = append(cells, string(v.Bytes()))
				}
				rows = append(rows, cells)
				lines = append(lines, r.Line())
			}
			if !slices.EqualFunc(rows, tt.rows, slices.Equal) {
				t.Errorf("rows = %q, want %q", rows, tt.rows)
			}
			if !slices.Equal(lines, tt.lines) {
				t.Errorf("lines = %v, want %v", lines, tt.lines)
			}
		})
	}
}

func TestCSVEmpty(t *testing.T) {
	r, err := Open(strings.NewReader(""), CSV, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Columns()) != 0 {
		t.Errorf("Columns() = %v, want none", r.Columns())
	}
	if _, err := r.Read(); err != io.EOF {
		t.Errorf("Read() = %v, want io.EOF", err)
	}
}

func TestCSVMalformed(t *testing.T) {
	tests := []struct {
		name, in string
		opts     *Options
		want     string
		category error
	}{
		{"unterminated", "a,b\n1,2\n\"x,1\n2,3\n", nil,
			"tabular: csv line 3, field 1: unterminated quoted field", ErrMalformed},
		{"bare quote", "a,b\n1,x\"y\n", nil, "tabular: csv line 2, field 2: bare quote in unquoted field", ErrMalformed},
		{"bare quote before newline", "a,b\n1,x\"y\n3,4\n", nil,
			"tabular: csv line 2, field 2: bare quote in unquoted field", ErrMalformed},
		{"extraneous", "a,b\n\"x\"y,1\n", nil,
			"tabular: csv line 2, field 1: extraneous character after closing quote", ErrMalformed},
		{"extraneous on a later line", "a,b\n\"x\ny\"z,1\n", nil,
			"tabular: csv line 3, field 1: extraneous character after closing quote", ErrMalformed},
		{"too many fields", "a,b\n1,2\n1,2,3\n", nil, "tabular: csv line 3: more fields than the header's 2", ErrMalformed},
		{"too few fields", "a,b\n1\n", nil, "tabular: csv line 2: 1 field, the header has 2", ErrMalformed},
		{"too few quoted", "a,b,c\n\"1\",2\n", nil, "tabular: csv line 2: 2 fields, the header has 3", ErrMalformed},
		{"record too long", "a\n12345678901\n", &Options{MaxRecordBytes: 10},
			"tabular: csv line 2: record longer than 10 bytes", ErrLimit},
		{"quoted record too long", "a\n\"1234\n5678\n901\"\n", &Options{MaxRecordBytes: 10},
			"tabular: csv line 2: record longer than 10 bytes", ErrLimit},
		{"too many columns", "a,b,c\n", &Options{MaxColumns: 2}, "tabular: csv line 1: more than 2 fields", ErrLimit},
		{"header unterminated", "\"a,b\n", nil, "tabular: csv line 1, field 1: unterminated quoted field", ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := openAll([]byte(tt.in), CSV, tt.opts)
			mustErr(t, err, tt.want, tt.category)
			var e *Error
			if !errors.As(err, &e) || e.Line == 0 {
				t.Errorf("error %#v does not carry its line", err)
			}
		})
	}
}

func TestCSVErrorIsSticky(t *testing.T) {
	r, err := Open(strings.NewReader("a,b\n1\n1,2\n"), CSV, nil)
	if err != nil {
		t.Fatal(err)
	}
	_, err1 := r.Read()
	_, err2 := r.Read()
	if err1 == nil || err1 != err2 {
		t.Errorf("Read errors = %v, %v; want the same error twice", err1, err2)
	}
}

// TestCSVErrorsHoldNoCells checks that no error message carries a cell.
func TestCSVErrorsHoldNoCells(t *testing.T) {
	secret := "123-45-6789"
	for _, in := range []string{
		"a,b\n" + secret + "\n",
		"a,b\n\"" + secret + ",1\n",
		"a,b\n1," + secret + "\"\n",
		"a,b\n\"" + secret + "\"x,1\n",
	} {
		_, _, err := openAll([]byte(in), CSV, nil)
		if err == nil || strings.Contains(err.Error(), secret) {
			t.Errorf("error for %q = %v; want one without the cell", in, err)
		}
	}
}

// TestCSVReaders reads the same input through readers that return little
// at a time and compares, which moves every record across refills.
func TestCSVReaders(t *testing.T) {
	cols, rows := genTable(rand.New(rand.NewPCG(1, 2)), 300, 4)
	data := writeAll(t, CSV, cols, rows, nil)
	wantCols, want, err := openAll(data, CSV, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := diffRows(cols, rows, wantCols, want); err != nil {
		t.Fatal(err)
	}
	for name, src := range map[string]io.Reader{
		"one byte": iotest.OneByteReader(bytes.NewReader(data)),
		"half":     iotest.HalfReader(bytes.NewReader(data)),
		"data+err": iotest.DataErrReader(bytes.NewReader(data)),
	} {
		r, err := Open(src, CSV, &Options{Delimiter: ','})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got, err := readAll(r)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if err := diffRows(wantCols, want, r.Columns(), got); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestCSVReadError(t *testing.T) {
	src := io.MultiReader(strings.NewReader("a,b\n1,2\n3,"), iotest.ErrReader(iotest.ErrTimeout))
	_, _, err := openAll(nil, CSV, nil) // empty input is fine
	if err != nil {
		t.Fatal(err)
	}
	r, err := Open(src, CSV, &Options{Delimiter: ','})
	if err != nil {
		t.Fatal(err)
	}
	_, err = readAll(r)
	if !errors.Is(err, iotest.ErrTimeout) {
		t.Fatalf("error = %v, want one wrapping iotest.ErrTimeout", err)
	}
	mustErr(t, err, "tabular: csv line 3: read: timeout", nil)
}

// TestCSVAgainstEncodingCSV reads what encoding/csv writes with both
// readers. encoding/csv turns a quoted CRLF into LF and tabular keeps it,
// so the generated text has no CR.
func TestCSVAgainstEncodingCSV(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for round := range 50 {
		ncols := 1 + rng.IntN(5)
		var buf bytes.Buffer
		cw := csv.NewWriter(&buf)
		for i := range 1 + rng.IntN(30) {
			rec := make([]string, ncols)
			for j := range rec {
				rec[j] = strings.ReplaceAll(genText(rng), "\r", "")
				if i == 0 {
					rec[j] = "h" + rec[j]
				}
			}
			_ = cw.Write(rec)
		}
		cw.Flush()
		std, err := csv.NewReader(bytes.NewReader(buf.Bytes())).ReadAll()
		if err != nil {
			t.Fatalf("round %d: encoding/csv: %v", round, err)
		}
		r, err := Open(bytes.NewReader(buf.Bytes()), CSV, &Options{Delimiter: ','})
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		got := [][]string{names(r.Columns())}
		rows, err := readAll(r)
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		for _, row := range rows {
			var rec []string
			for _, v := range row {
				rec = append(rec, string(v.Bytes()))
			}
			got = append(got, rec)
		}
		if !slices.EqualFunc(got, std, slices.Equal) {
			t.Fatalf("round %d: got %q, encoding/csv read %q", round, got, std)
		}
	}
}

func names(cols []Column) []string {
	var n []string
	for _, c := range cols {
		n = append(n, c.Name)
	}
	return n
}

func TestCSVWrite(t *testing.T) {
	tests := []struct {
		name   string
		format string
		opts   *Options
		cols   []Column
		rows   []Row
		want   string
	}{
		{"plain", CSV, nil, textCols("a", "b"), []Row{strRow("1", "2")}, "a,b\n1,2\n"},
		{"quoting", CSV, nil, textCols("a", "b"),
			[]Row{strRow("x,y", `say "hi"`), strRow("two\nlines", "cr\r")},
			"a,b\n\"x,y\",\"say \"\"hi\"\"\"\n\"two\nlines\",\"cr\r\"\n"},
		{"semicolon", CSV, &Options{Delimiter: ';'}, textCols("a", "b"), []Row{strRow("1;2", "3,4")},
			"a;b\n\"1;2\";3,4\n"},
		{"tsv", TSV, nil, textCols("a", "b"), []Row{strRow("1\t2", "3")}, "a\tb\n\"1\t2\"\t3\n"},
		{"lone empty field", CSV, nil, textCols(""), []Row{strRow(""), strRow("x")}, "\"\"\n\"\"\nx\n"},
		{"bom in header", CSV, nil, textCols("\ufeffa", "\ufeffb"), nil, "\"\ufeffa\",\ufeffb\n"},
		{"kinds", CSV, nil, textCols("n", "i", "f", "b", "j"),
			[]Row{{Value{}, IntValue(-7), FloatValue(2.5), BoolValue(true), JSONValue([]byte(`[1,"a"]`))}},
			"n,i,f,b,j\n,-7,2.5,true,\"[1,\"\"a\"\"]\"\n"},
		{"header only", CSV, nil, textCols("a"), nil, "a\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := writeAll(t, tt.format, tt.cols, tt.rows, tt.opts)
			if string(got) != tt.want {
				t.Errorf("wrote %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCSVWriteErrors(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, CSV, textCols("a", "b"), &Options{MaxRecordBytes: 8})
	if err != nil {
		t.Fatal(err)
	}
	mustErr(t, w.Write(strRow("1")), "tabular: csv record 1: row has 1 cell, the writer has 2 columns", ErrInvalid)
	mustErr(t, w.Write(strRow("123456", "789")), "tabular: csv record 2: record longer than 8 bytes", ErrLimit)
	if _, err := NewWriter(&buf, CSV, nil, &Options{Delimiter: '"'}); !errors.Is(err, ErrInvalid) {
		t.Errorf("NewWriter with delimiter '\"' = %v, want ErrInvalid", err)
	}
	w, _ = NewWriter(&buf, CSV, textCols("a"), nil)
	if err := w.Grow(textCols("a", "b")); err != nil {
		t.Errorf("Grow before the first row = %v", err)
	}
	if err := w.Grow(textCols("b")); err == nil {
		t.Error("Grow that drops a column succeeded")
	}
	_ = w.Write(strRow("1", "2"))
	if err := w.Grow(textCols("a", "b", "c")); err == nil {
		t.Error("Grow after the header succeeded")
	}
}
