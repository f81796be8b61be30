package tabular

import (
	"bytes"
	"fmt"
	"log/slog"
	"math"
	"strings"
	"testing"
)

// TestValueRedacted checks that fmt and slog print a cell's kind and size
// but never its content.
func TestValueRedacted(t *testing.T) {
	secret := []byte("jane.doe@example.com")
	row := Row{StringValue(secret), IntValue(123456789), Value{}, JSONValue([]byte(`["x"]`))}
	var logged bytes.Buffer
	slog.New(slog.NewTextHandler(&logged, nil)).Info("row", "cell", row[0], "n", row[1])
	for _, s := range []string{fmt.Sprint(row), fmt.Sprintf("%v %+v %#v %s %q", row[0], row[0], row[0], row[0], row[0]), logged.String()} {
		if strings.Contains(s, "jane") || strings.Contains(s, "123456789") || strings.Contains(s, "106") {
			t.Errorf("printed %q", s)
		}
	}
	if got := fmt.Sprint(row); got != "[string(20 bytes) int null json(5 bytes)]" {
		t.Errorf("fmt.Sprint(row) = %q", got)
	}
}

func TestValueAccessors(t *testing.T) {
	tests := []struct {
		v    Value
		kind Kind
		text string
		f    float64
	}{
		{Value{}, Null, "", 0},
		{StringValue([]byte("s")), String, "s", 0},
		{IntValue(-3), Int, "-3", -3},
		{FloatValue(0.1), Float, "0.1", 0.1},
		{BoolValue(true), Bool, "true", 0},
		{JSONValue([]byte("[1]")), JSON, "[1]", 0},
	}
	for _, tt := range tests {
		if tt.v.Kind() != tt.kind || string(tt.v.AppendText(nil)) != tt.text || tt.v.Float() != tt.f {
			t.Errorf("%v: kind %v, text %q, float %g", tt.kind, tt.v.Kind(), tt.v.AppendText(nil), tt.v.Float())
		}
		if !tt.v.Equal(tt.v.Clone()) {
			t.Errorf("%v does not equal its clone", tt.kind)
		}
	}
	nan := FloatValue(math.NaN())
	if !nan.Equal(nan) || IntValue(1).Equal(FloatValue(1)) || !FloatValue(0).Equal(FloatValue(math.Copysign(0, -1))) {
		t.Error("Equal: NaN equals NaN, kinds differ, 0 equals -0")
	}
	b := []byte("abc")
	row := Row{StringValue(b), IntValue(1)}
	c := row.Clone()
	b[0] = 'x'
	if string(c[0].Bytes()) != "abc" || !c.Equal(Row{StringValue([]byte("abc")), IntValue(1)}) {
		t.Error("Row.Clone shares memory with the original")
	}
	if v := StringValue([]byte("ab")); cap(c[0].Bytes()) != 3 || cap(v.Bytes()) < 2 {
		t.Error("cloned cells are not capped")
	}
}
