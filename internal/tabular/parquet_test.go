package tabular

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/parquet-go/parquet-go"
)

type pqAddress struct {
	City string  `parquet:"city"`
	Zip  *string `parquet:"zip,optional"`
}

// pqRecord exercises the types tabular maps, written by parquet-go's own
// struct writer rather than by tabular.
type pqRecord struct {
	ID     int64     `parquet:"id"`
	Small  int32     `parquet:"small,int(8)"`
	U64    uint64    `parquet:"u64"`
	Name   *string   `parquet:"name,optional"`
	Born   int32     `parquet:"born,date"`
	Seen   time.Time `parquet:"seen,timestamp(microsecond)"`
	Price  int64     `parquet:"price,decimal(2:10)"`
	UUID   [16]byte  `parquet:"uuid,uuid"`
	Tags   []string  `parquet:"tags,list"`
	Scores []float64 `parquet:"scores"`
	Addr   pqAddress `parquet:"address"`
	Blob   []byte    `parquet:"blob"`
	Flag   bool      `parquet:"flag"`
	F32    float32   `parquet:"f32"`
	Meta   string    `parquet:"meta,json"`
	Kind   string    `parquet:"kind,enum"`
}

func pqFile(t testing.TB, recs []pqRecord, opts ...parquet.WriterOption) []byte {
	t.Helper()
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[pqRecord](&buf, opts...)
	if _, err := w.Write(recs); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func sampleRecords() []pqRecord {
	name := "Zoë"
	born := int32(time.Date(1990, 5, 17, 0, 0, 0, 0, time.UTC).Unix() / 86400)
	var uuid [16]byte
	for i := range uuid {
		uuid[i] = byte(i)
	}
	return []pqRecord{
		{ID: 42, Small: -5, U64: 1<<64 - 1, Name: &name, Born: born,
			Seen: time.Date(2024, 1, 2, 3, 4, 5, 123456000, time.UTC), Price: -12345, UUID: uuid,
			Tags: []string{"a", "b\""}, Scores: []float64{1.5, 2}, Addr: pqAddress{City: "Paris"},
			Blob: []byte{0, 0xff}, Flag: true, F32: 0.25, Meta: `{"k":1}`, Kind: "X"},
		{ID: 7, Born: -1, Seen: time.Unix(0, 0), Price: 5, Addr: pqAddress{City: "Köln", Zip: &name}},
	}
}

func TestParquetTypes(t *testing.T) {
	data := pqFile(t, sampleRecords())
	cols, rows, err := openAll(data, Parquet, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		name, logical string
		typ           Kind
		cells         [2]string // kind:text of both rows
	}{
		{"id", "", Int, [2]string{"int:42", "int:7"}},
		{"small", "int8", Int, [2]string{"int:-5", "int:0"}},
		{"u64", "uint64", Int, [2]string{"string:18446744073709551615", "int:0"}},
		{"name", "", String, [2]string{"string:Zoë", "null:"}},
		{"born", "date", String, [2]string{"string:1990-05-17", "string:1969-12-31"}},
		{"seen", "timestamp(us,utc)", String, [2]string{"string:2024-01-02T03:04:05.123456Z", "string:1970-01-01T00:00:00Z"}},
		{"price", "decimal(10,2)", String, [2]string{"string:-123.45", "string:0.05"}},
		{"uuid", "uuid", String, [2]string{"string:00010203-0405-0607-0809-0a0b0c0d0e0f", "string:00000000-0000-0000-0000-000000000000"}},
		{"tags.list.element", "", JSON, [2]string{`json:["a","b\""]`, "json:[]"}},
		{"scores", "", JSON, [2]string{"json:[1.5,2.0]", "json:[]"}},
		{"address.city", "", String, [2]string{"string:Paris", "string:Köln"}},
		{"address.zip", "", String, [2]string{"null:", "string:Zoë"}},
		{"blob", "binary", String, [2]string{"string:\x00\xff", "string:"}},
		{"flag", "", Bool, [2]string{"bool:true", "bool:false"}},
		{"f32", "", Float, [2]string{"float:0.25", "float:0"}},
		{"meta", "json", JSON, [2]string{`json:{"k":1}`, "json:"}},
		{"kind", "enum", String, [2]string{"string:X", "string:"}},
	}
	if len(cols) != len(want) || len(rows) != 2 {
		t.Fatalf("got %d columns (%q) and %d rows", len(cols), names(cols), len(rows))
	}
	for i, w := range want {
		c := cols[i]
		if c.Name != w.name || c.Logical != w.logical || c.Type != w.typ {
			t.Errorf("column %d = %q %q %v, want %q %q %v", i, c.Name, c.Logical, c.Type, w.name, w.logical, w.typ)
		}
		for j := range rows {
			v := rows[j][i]
			if got := v.Kind().String() + ":" + string(v.AppendText(nil)); got != w.cells[j] {
				t.Errorf("row %d %s = %q, want %q", j+1, w.name, got, w.cells[j])
			}
		}
	}

	// Written back, every column keeps its cells, and each column that does
	// not repeat keeps its Parquet type.
	out := writeAll(t, Parquet, cols, rows, nil)
	cols2, rows2, err := openAll(out, Parquet, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := diffRows(cols, rows, cols2, rows2); err != nil {
		t.Fatal(err)
	}
	for i := range cols {
		if cols[i].Name != cols2[i].Name || (cols[i].pq.maxRep == 0 && cols[i].Logical != cols2[i].Logical) {
			t.Errorf("column %d written back as %q %q, was %q %q", i, cols2[i].Name, cols2[i].Logical, cols[i].Name, cols[i].Logical)
		}
	}
}

// TestParquetNested reads lists of lists with empty and null elements.
func TestParquetNested(t *testing.T) {
	type rec struct {
		M [][]int32 `parquet:"m,list"`
		O []*string `parquet:"o,list,optional" parquet-element:",optional"`
	}
	s := "s"
	var buf bytes.Buffer
	w := parquet.NewGenericWriter[rec](&buf)
	if _, err := w.Write([]rec{
		{M: [][]int32{{1, 2}, {}, {3}}, O: []*string{&s, nil}},
		{M: nil, O: nil},
		{M: [][]int32{{}}, O: []*string{}},
	}); err != nil {
		t.Fatal(err)
	}
	_ = w.Close()
	_, rows, err := openAll(buf.Bytes(), Parquet, nil)
	if err != nil {
		t.Fatal(err)
	}
	want := [][2]string{{"[[1,2],[],[3]]", `["s",null]`}, {"[]", "null"}, {"[[]]", "[]"}}
	for i, w := range want {
		for j := range 2 {
			got := string(rows[i][j].AppendText(nil))
			if rows[i][j].IsNull() {
				got = "null"
			}
			if got != w[j] {
				t.Errorf("row %d cell %d = %s, want %s", i+1, j+1, got, w[j])
			}
		}
	}
}

func TestParquetRoundTrip(t *testing.T) {
	cols, rows := genTyped(rand.New(rand.NewPCG(5, 6)), 500)
	data := writeAll(t, Parquet, cols, rows, nil)
	cols2, rows2, err := openAll(data, Parquet, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(names(cols2), ","); got != strings.Join(names(cols), ",") {
		t.Errorf("columns %s, want the order written", got)
	}
	if err := diffRows(cols, rows, cols2, rows2); err != nil {
		t.Fatal(err)
	}
}

func TestParquetRowGroups(t *testing.T) {
	recs := make([]pqRecord, 5000)
	for i := range recs {
		recs[i] = pqRecord{ID: int64(i), Addr: pqAddress{City: strings.Repeat("x", i%50)}}
	}
	data := pqFile(t, recs, parquet.MaxRowsPerRowGroup(700), parquet.PageBufferSize(1024))
	r, err := OpenParquet(bytes.NewReader(data), int64(len(data)), nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := range recs {
		row, err := r.Read()
		if err != nil {
			t.Fatalf("row %d: %v", i, err)
		}
		if row[0].Int() != int64(i) || len(row[10].Bytes()) != i%50 || r.Record() != int64(i+1) {
			t.Fatalf("row %d = id %d, city of %d bytes, record %d", i, row[0].Int(), len(row[10].Bytes()), r.Record())
		}
	}
	if _, err := r.Read(); err == nil || err.Error() != "EOF" {
		t.Fatalf("Read after the last row = %v, want io.EOF", err)
	}
}

// parquetWith returns a file made of a footer and the magic around it.
func parquetWith(footer []byte) []byte {
	b := append([]byte("PAR1"), footer...)
	b = binary.LittleEndian.AppendUint32(b, uint32(len(footer)))
	return append(b, "PAR1"...)
}

func TestParquetMalformed(t *testing.T) {
	good := pqFile(t, sampleRecords())
	hugeFooter := bytes.Clone(good)
	binary.LittleEndian.PutUint32(hugeFooter[len(good)-8:], 1<<31)
	tests := []struct {
		name     string
		data     []byte
		opts     *Options
		want     string
		category error
	}{
		{"not parquet", []byte("id,name\n1,Ann\n"), nil, "tabular: parquet: not a Parquet file (no PAR1 magic)", ErrMalformed},
		{"too short", []byte("PAR1PAR1"), nil, "tabular: parquet: too short to be a Parquet file", ErrMalformed},
		{"footer too long", hugeFooter, nil, "tabular: parquet: footer length exceeds the file", ErrMalformed},
		{"footer limit", good, &Options{MaxPageBytes: 64}, "tabular: parquet: footer larger than 64 bytes", ErrLimit},
		// A list of 2^32-1 schema elements in five bytes: parquet-go would
		// allocate it before noticing the bytes are missing.
		{"list bomb", parquetWith([]byte{0x29, 0xFC, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x00}), nil,
			"tabular: parquet: footer is truncated", ErrMalformed},
		{"nesting bomb", parquetWith(bytes.Repeat([]byte{0x1C}, 200)), nil,
			"tabular: parquet: footer is malformed", ErrMalformed},
		{"encrypted", append(bytes.Clone(good[:len(good)-4]), "PARE"...), nil,
			"tabular: parquet: encrypted Parquet files are not supported", ErrInvalid},
	}
	for _, tt := range tests {
		_, _, err := openAll(tt.data, Parquet, tt.opts)
		mustErr(t, err, tt.want, tt.category)
	}
}

// TestParquetHostilePage rewrites the first page header of a column so
// that it claims a gigabyte; preflight refuses it before parquet-go
// allocates.
func TestParquetHostilePage(t *testing.T) {
	data := pqFile(t, sampleRecords())
	f, err := parquet.OpenFile(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		t.Fatal(err)
	}
	off := f.Metadata().RowGroups[0].Columns[0].MetaData.DataPageOffset
	// The page header starts with field 1 (type, i32) then field 2
	// (uncompressed_page_size, i32 zigzag varint); find and inflate it.
	w := thriftWalker{b: data[off:], budget: 1 << 20}
	if err := w.structure(0, 0); err != nil {
		t.Fatal(err)
	}
	p := off + 2 // 0x15 <type>, then 0x15 <size...>
	if data[off] != 0x15 || data[p] != 0x15 {
		t.Skipf("unexpected page header layout % x", data[off:off+4])
	}
	n := binary.PutUvarint(make([]byte, 10), zigzag32(int32(w.uncompressed)))
	patched := append(bytes.Clone(data[:p+1]), binary.AppendUvarint(nil, zigzag32(1<<30))...)
	patched = append(patched, data[int(p)+1+n:]...)
	_, _, err = openAll(patched, Parquet, nil)
	mustErr(t, err, `tabular: parquet row group 1, column "id": page larger than 67108864 bytes or 16777216 values`, ErrLimit)
}

func zigzag32(v int32) uint64 { return uint64(uint32((v << 1) ^ (v >> 31))) }

// TestParquetCorrupt mutates files the way a fuzzer does (flipped bits,
// boundary integers written over lengths and offsets, truncation) for a
// few seconds: every read ends in rows or in a *tabular.Error, never in a
// panic, and none takes long. Coverage-guided fuzzing of FuzzParquet finds
// new inputs slowly (parquet-go is large); this finds the shallow ones.
func TestParquetCorrupt(t *testing.T) {
	seeds := [][]byte{pqFile(t, sampleRecords()), pqFile(t, sampleRecords(), parquet.Compression(&parquet.Zstd))}
	cols, rows := genTyped(rand.New(rand.NewPCG(3, 3)), 5)
	seeds = append(seeds, writeAll(t, Parquet, cols, rows, nil))
	rng := rand.New(rand.NewPCG(7, 8))
	vals := []uint64{0, 1, 0x7f, 0x80, 0xff, 0x7fff, 0xffff, 0x7fffffff, 0xffffffff, 1 << 31, 1 << 40, 1<<63 - 1, 1<<64 - 1}
	deadline := time.Now().Add(3 * time.Second)
	for n := 0; time.Now().Before(deadline); n++ {
		b := bytes.Clone(seeds[n%len(seeds)])
		for range 1 + rng.IntN(4) {
			if len(b) == 0 {
				break
			}
			p, v := rng.IntN(len(b)), vals[rng.IntN(len(vals))]
			switch k := rng.IntN(5); {
			case k == 0:
				b[p] = byte(v)
			case k == 1 && p+4 <= len(b):
				binary.LittleEndian.PutUint32(b[p:], uint32(v))
			case k == 2 && p+8 <= len(b):
				binary.LittleEndian.PutUint64(b[p:], v)
			case k == 3:
				b = b[:p]
			default:
				b[p] ^= byte(1 << rng.IntN(8))
			}
		}
		start := time.Now()
		_, _, err := openAll(b, Parquet, &fuzzLimits)
		var e *Error
		if err != nil && !errors.As(err, &e) {
			t.Fatalf("error %v is not a *tabular.Error", err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Fatalf("one read took %v", d)
		}
	}
}

// TestGuard checks that guard turns a panic into an error and tells the
// test hook where it happened.
func TestGuard(t *testing.T) {
	saved := onPanic
	defer func() { onPanic = saved }()
	var site string
	onPanic = func(f string) { site = f }
	err := guard(func() error { panic("boom") })
	if err == nil || !strings.Contains(site, "internal/tabular.TestGuard") {
		t.Errorf("guard = %v, site %q", err, site)
	}
}

func TestParquetNeedsReaderAt(t *testing.T) {
	data := pqFile(t, sampleRecords())
	for _, format := range []string{Parquet, ""} {
		_, err := Open(bytes.NewReader(data), format, nil)
		mustErr(t, err, "tabular: parquet: needs random access: use OpenParquet with an io.ReaderAt", ErrInvalid)
	}
}

func TestParquetWriteErrors(t *testing.T) {
	cols, rows, err := openAll(pqFile(t, sampleRecords()), Parquet, nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := NewWriter(&buf, Parquet, cols, nil)
	if err != nil {
		t.Fatal(err)
	}
	row := rows[0].Clone()
	row[0] = StringValue([]byte("x"))
	mustErr(t, w.Write(row), `tabular: parquet record 1, column "id": cannot store a string cell in column type INT(64,true)`, ErrInvalid)
	row = rows[0].Clone()
	row[0] = Value{}
	mustErr(t, w.Write(row), `tabular: parquet record 2, column "id": null in a required column`, ErrInvalid)
	row = rows[0].Clone()
	row[4] = StringValue([]byte("17/05/1990"))
	mustErr(t, w.Write(row), `tabular: parquet record 3, column "born": not a date (want 2006-01-02)`, ErrInvalid)
	row = rows[0].Clone()
	row[1] = IntValue(300)
	mustErr(t, w.Write(row), `tabular: parquet record 4, column "small": value out of range for the column`, ErrInvalid)
	row = rows[0].Clone()
	row[6] = StringValue([]byte("1.234"))
	mustErr(t, w.Write(row), `tabular: parquet record 5, column "price": not a decimal with at most the column's scale of fraction digits`, ErrInvalid)
	if err := w.Write(rows[0]); err != nil {
		t.Fatalf("Write of a good row after errors = %v", err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := NewWriter(&buf, Parquet, []Column{{Name: "a", Path: []string{"a"}}, {Name: "a.b", Path: []string{"a", "b"}}}, nil); err == nil {
		t.Error("NewWriter with a path that is both a value and a group succeeded")
	}
}

func TestHalfFloat(t *testing.T) {
	for _, f := range []float32{0, 1, -2, 0.5, 65504, 6.1035156e-05, 5.9604645e-08, 1.5, -0.333251953125} {
		if got := halfToFloat(floatToHalf(f)); got != f {
			t.Errorf("half(%g) = %g", f, got)
		}
	}
	if h := floatToHalf(1e6); h != 0x7C00 {
		t.Errorf("half(1e6) = %#x, want +Inf", h)
	}
}
