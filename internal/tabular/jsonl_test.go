package tabular

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"
	"testing"
)

func TestJSONLFlatten(t *testing.T) {
	in := `{"id":1,"address":{"city":"Paris","zip":"75001"},"tags":["a", {"b":2}],"ok":true,"x":null}` + "\n"
	cols, rows, err := openAll([]byte(in), JSONL, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name string
		path []string
		typ  Kind
		text string
	}{
		{"id", []string{"id"}, Int, "1"},
		{"address.city", []string{"address", "city"}, String, "Paris"},
		{"address.zip", []string{"address", "zip"}, String, "75001"},
		{"tags", []string{"tags"}, JSON, `["a", {"b":2}]`},
		{"ok", []string{"ok"}, Bool, "true"},
		{"x", []string{"x"}, Null, ""},
	}
	if len(cols) != len(want) || len(rows) != 1 {
		t.Fatalf("got %d columns and %d rows, want %d and 1", len(cols), len(rows), len(want))
	}
	for i, w := range want {
		c, v := cols[i], rows[0][i]
		if c.Name != w.name || strings.Join(c.Path, "/") != strings.Join(w.path, "/") || c.Type != w.typ {
			t.Errorf("column %d = %q %q %v, want %q %q %v", i, c.Name, c.Path, c.Type, w.name, w.path, w.typ)
		}
		if v.Kind() != w.typ || string(v.AppendText(nil)) != w.text {
			t.Errorf("cell %q = %v %q, want %v %q", w.name, v.Kind(), v.AppendText(nil), w.typ, w.text)
		}
	}
}

func TestJSONLSchemaGrows(t *testing.T) {
	in := "{\"a\":1}\n\n{\"b\":\"x\"}\r\n{\"a\":2.5,\"b\":null}\n{\"a\":\"s\"}"
	r, err := Open(strings.NewReader(in), JSONL, nil)
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		line  int64
		cols  string
		row   string
		types string
	}{
		{1, "a", "int:1", "int"},
		{3, "a,b", "null:,string:x", "int,string"},
		{4, "a,b", "float:2.5,null:", "float,string"},
		{5, "a,b", "string:s,null:", "string,string"},
	}
	for _, s := range steps {
		row, err := r.Read()
		if err != nil {
			t.Fatal(err)
		}
		var cols, cells, types []string
		for i, c := range r.Columns() {
			cols = append(cols, c.Name)
			types = append(types, c.Type.String())
			cells = append(cells, fmt.Sprintf("%v:%s", row[i].Kind(), row[i].AppendText(nil)))
		}
		if got := strings.Join(cols, ","); got != s.cols || r.Line() != s.line {
			t.Errorf("line %d: columns %q, want line %d and %q", r.Line(), got, s.line, s.cols)
		}
		if got := strings.Join(cells, ","); got != s.row {
			t.Errorf("line %d: row %q, want %q", s.line, got, s.row)
		}
		if got := strings.Join(types, ","); got != s.types {
			t.Errorf("line %d: types %q, want %q", s.line, got, s.types)
		}
	}
	if _, err := r.Read(); err != io.EOF {
		t.Errorf("Read at the end = %v, want io.EOF", err)
	}
}

func TestJSONLValues(t *testing.T) {
	tests := []struct {
		json string
		kind Kind
		text string
	}{
		{`"a\"b\\c\/d\n\t\u00e9\ud83c\udf89"`, String, "a\"b\\c/d\n\té🎉"},
		{`"lone \ud800 surrogate"`, String, "lone \uFFFD surrogate"},
		{`"\u0000"`, String, "\x00"},
		{`1.50`, Float, "1.50"},
		{`-0`, Int, "-0"},
		{`-9223372036854775808`, Int, "-9223372036854775808"},
		{`12345678901234567890`, Float, "12345678901234567890"},
		{`1e400`, Float, "1e400"},
		{`2E-3`, Float, "2E-3"},
		{`false`, Bool, "false"},
		{`[]`, JSON, "[]"},
		{`[[1,[2]],{"a":[true,null]}]`, JSON, `[[1,[2]],{"a":[true,null]}]`},
	}
	for _, tt := range tests {
		_, rows, err := openAll([]byte(`{"v":`+tt.json+"}"), JSONL, nil)
		if err != nil {
			t.Errorf("%s: %v", tt.json, err)
			continue
		}
		v := rows[0][0]
		if v.Kind() != tt.kind || string(v.AppendText(nil)) != tt.text {
			t.Errorf("%s = %v %q, want %v %q", tt.json, v.Kind(), v.AppendText(nil), tt.kind, tt.text)
		}
	}
	_, rows, _ := openAll([]byte(`{"a":-9223372036854775808,"b":1e400,"c":0.1}`), JSONL, nil)
	if rows[0][0].Int() != math.MinInt64 || !math.IsInf(rows[0][1].Float(), 1) || rows[0][2].Float() != 0.1 {
		t.Errorf("numbers read as %d, %g, %g", rows[0][0].Int(), rows[0][1].Float(), rows[0][2].Float())
	}
}

func TestJSONLDottedKeys(t *testing.T) {
	cols, rows, err := openAll([]byte(`{"a.b":1,"a":{"b":2}}`), JSONL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(cols) != 2 || cols[0].Name != "a.b" || cols[1].Name != "a.b" || len(cols[0].Path) != 1 || len(cols[1].Path) != 2 {
		t.Fatalf("columns = %+v, want two named a.b with paths {a.b} and {a b}", cols)
	}
	out := writeAll(t, JSONL, cols, rows, nil)
	if string(out) != `{"a.b":1,"a":{"b":2}}`+"\n" {
		t.Errorf("wrote %q", out)
	}
}

func TestJSONLMalformed(t *testing.T) {
	deep := strings.Repeat(`{"a":`, MaxDepth+1) + "1" + strings.Repeat("}", MaxDepth+1)
	tests := []struct {
		in       string
		opts     *Options
		want     string
		category error
	}{
		{"[1,2]", nil, "tabular: jsonl line 1: not a JSON object", ErrMalformed},
		{"{\"a\":1}\n\n\"x\"\n", nil, "tabular: jsonl line 3: not a JSON object", ErrMalformed},
		{`{"a":}`, nil, "tabular: jsonl line 1: byte 6: unexpected character", ErrMalformed},
		{`{"a":1`, nil, "tabular: jsonl line 1: byte 7: expected , or }", ErrMalformed},
		{`{"a":"x`, nil, "tabular: jsonl line 1: byte 6: unterminated string", ErrMalformed},
		{`{"a":1} x`, nil, "tabular: jsonl line 1: byte 9: unexpected data after the object", ErrMalformed},
		{`{"a":1,"a":2}`, nil, `tabular: jsonl line 1: byte 8: duplicate key "a"`, ErrMalformed},
		{`{"a":1,"a":{"b":1}}`, nil, `tabular: jsonl line 1: byte 8: duplicate key "a"`, ErrMalformed},
		{`{"a":{"b":1,"b":2}}`, nil, `tabular: jsonl line 1: byte 13: duplicate key "a.b"`, ErrMalformed},
		{"{\"a\":\"\x01\"}", nil, "tabular: jsonl line 1: byte 7: control character in string", ErrMalformed},
		{"{\"a\":\"\xff\"}", nil, "tabular: jsonl line 1: byte 7: invalid UTF-8 in string", ErrMalformed},
		{`{"a":01}`, nil, "tabular: jsonl line 1: byte 6: invalid number", ErrMalformed},
		{`{"a":1.}`, nil, "tabular: jsonl line 1: byte 6: invalid number", ErrMalformed},
		{`{"a":-}`, nil, "tabular: jsonl line 1: byte 6: invalid number", ErrMalformed},
		{`{"a":tru}`, nil, "tabular: jsonl line 1: byte 6: invalid literal", ErrMalformed},
		{`{"a":"\q"}`, nil, "tabular: jsonl line 1: byte 7: invalid escape", ErrMalformed},
		{`{"a":"\u12"}`, nil, "tabular: jsonl line 1: byte 7: invalid \\u escape", ErrMalformed},
		{`{"a":[1,]}`, nil, "tabular: jsonl line 1: byte 9: unexpected character", ErrMalformed},
		{`{a:1}`, nil, "tabular: jsonl line 1: byte 2: expected a key", ErrMalformed},
		{deep, nil, "tabular: jsonl line 1: byte 321: nested deeper than 64", ErrMalformed},
		{`{"a":"0123456789"}`, &Options{MaxRecordBytes: 10}, "tabular: jsonl line 1: record longer than 10 bytes", ErrLimit},
		{`{"a":1,"b":2,"c":3}`, &Options{MaxColumns: 2}, "tabular: jsonl line 1: more than 2 columns", ErrLimit},
	}
	for _, tt := range tests {
		_, _, err := openAll([]byte(tt.in), JSONL, tt.opts)
		mustErr(t, err, tt.want, tt.category)
	}
}

func TestJSONLErrorsHoldNoCells(t *testing.T) {
	secret := "4111111111111111"
	for _, in := range []string{
		`{"a":"` + secret, `{"a":"` + secret + `"} x`, `{"a":` + secret + `x}`, `["` + secret + `"]`,
	} {
		_, _, err := openAll([]byte(in), JSONL, nil)
		if err == nil || strings.Contains(err.Error(), secret) {
			t.Errorf("error for %q = %v; want one without the cell", in, err)
		}
	}
}

func TestJSONLWrite(t *testing.T) {
	ab := []Column{{Name: "a", Path: []string{"a"}}, {Name: "a.b", Path: []string{"a", "b"}}}
	addr := []Column{
		{Name: "id", Path: []string{"id"}},
		{Name: "address.city", Path: []string{"address", "city"}},
		{Name: "note", Path: []string{"note"}},
		{Name: "address.zip", Path: []string{"address", "zip"}},
	}
	tests := []struct {
		name string
		cols []Column
		row  Row
		want string
	}{
		{"nested", addr, Row{IntValue(1), StringValue([]byte("P")), Value{}, Value{}},
			`{"id":1,"address":{"city":"P","zip":null},"note":null}`},
		{"short row", addr, Row{IntValue(1)}, `{"id":1,"address":{"city":null,"zip":null},"note":null}`},
		{"object wins", ab, Row{Value{}, IntValue(1)}, `{"a":{"b":1}}`},
		{"scalar wins", ab, Row{IntValue(1), Value{}}, `{"a":1}`},
		{"all null", ab, Row{Value{}, Value{}}, `{"a":null}`},
		{"kinds", textCols("f", "g", "s", "j", "b"),
			Row{FloatValue(3), FloatValue(1e21), StringValue([]byte("q\"\\\n\x01é")), JSONValue([]byte("[1,\n 2]")), BoolValue(false)},
			`{"f":3.0,"g":1e+21,"s":"q\"\\\n\u0001é","j":[1, 2],"b":false}`},
	}
	for _, tt := range tests {
		got := writeAll(t, JSONL, tt.cols, []Row{tt.row}, nil)
		if string(got) != tt.want+"\n" {
			t.Errorf("%s: wrote %s, want %s", tt.name, got, tt.want)
		}
	}
}

func TestJSONLWriteErrors(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(&buf, JSONL, []Column{{Name: "a", Path: []string{"a"}}, {Name: "a.b", Path: []string{"a", "b"}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	mustErr(t, w.Write(Row{IntValue(1), IntValue(2)}),
		`tabular: jsonl record 1, column "a": column has a value and so does a column under it`, ErrInvalid)
	mustErr(t, w.Write(Row{FloatValue(math.NaN()), Value{}}),
		`tabular: jsonl record 2, column "a": NaN and infinities have no JSON form`, ErrInvalid)
	mustErr(t, w.Write(Row{StringValue([]byte("\xff")), Value{}}),
		`tabular: jsonl record 3, column "a": string is not valid UTF-8`, ErrInvalid)
	mustErr(t, w.Write(Row{JSONValue([]byte("[1,")), Value{}}),
		`tabular: jsonl record 4, column "a": JSON cell: byte 4: unexpected end of line`, ErrInvalid)
	mustErr(t, w.Write(Row{Value{}, Value{}, Value{}}),
		`tabular: jsonl record 5: row has 3 cells, the writer has 2 columns`, ErrInvalid)
	if _, err := NewWriter(&buf, JSONL, textCols("x", "x"), nil); !errors.Is(err, ErrInvalid) {
		t.Errorf("NewWriter with a duplicate path = %v, want ErrInvalid", err)
	}
	if err := w.Grow(append(w.(*jsonlWriter).cols, textCols("c")...)); err != nil {
		t.Errorf("Grow = %v", err)
	}
	if err := w.Write(Row{Value{}, Value{}, IntValue(3)}); err != nil {
		t.Errorf("Write after Grow = %v", err)
	}
}

// TestJSONLKeepsLiterals writes back what it read, byte for byte, when the
// input is compact and has no escapes the writer spells differently.
func TestJSONLKeepsLiterals(t *testing.T) {
	in := `{"p":1.50,"big":12345678901234567890,"neg":-0,"e":1E+2,"s":"é","arr":[1.0, "x"]}` + "\n"
	cols, rows, err := openAll([]byte(in), JSONL, nil)
	if err != nil {
		t.Fatal(err)
	}
	if out := writeAll(t, JSONL, cols, rows, nil); string(out) != in {
		t.Errorf("wrote %s, want %s", out, in)
	}
}
