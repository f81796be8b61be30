package vault

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/coffer-vault/coffer/internal/quality"
	"github.com/coffer-vault/coffer/internal/tabular"
)

// rv2Texts are cells at the edges of the profiler's fast paths: numbers
// with signs, leading zeros, 18/19 digits, .5, 5., exponents; dates and
// timestamps on one day with good and malformed clocks; texts a CSV
// reader may take for a null.
var rv2Texts = []string{"0", "-0", "+5", "007", ".5", "5.", "-.5", "1e5", "1E-5", "999999999999999999",
	"1000000000000000000", "-9223372036854775808", "123456789012345.6", "1.2.3", "0x1F", "1,5", " 5", "5 ",
	"2024-01-02", "2024-01-02T03:04:05Z", "2024-01-02T3:04:05Z", "2024-01-02T03:04:05,5Z", "2024-01-02T24:00:00Z",
	"2024-01-02T03:04:05+0530", "2024-01-02 03:04:05", "2024-01-02T03:04:05.5+01:00", "2024-01-02x03:04:05",
	"2024-02-30", "true", "FALSE", "null", "NULL", "NA", "x"}

func rv2Cell(r *rand.Rand) string {
	switch r.IntN(4) {
	case 0:
		return rv2Texts[r.IntN(len(rv2Texts))]
	case 1:
		return fmt.Sprintf("2024-01-02T%02d:%02d:%02dZ", r.IntN(24), r.IntN(60), r.IntN(60))
	case 2:
		return strconv.Itoa(r.IntN(70))
	}
	return ""
}

// rv2Data returns n rows of a table in format: quoted cells with commas,
// quotes and line breaks (CSV), empty strings and nulls (JSON Lines: "",
// null, an absent key, numbers as JSON numbers and as strings, booleans,
// objects, a key first seen late).
func rv2Data(format string, n int, seed uint64) []byte {
	r := rand.New(rand.NewPCG(seed, 9))
	var b bytes.Buffer
	switch format {
	case "csv":
		w := csv.NewWriter(&b)
		w.Write([]string{"a", "b", "q", "e"})
		for range n {
			q := []string{`x,y`, `say "hi"`, "two\nlines", `"`, ``, ` `, `,`}[r.IntN(7)]
			w.Write([]string{rv2Cell(r), rv2Cell(r), q, rv2Cell(r)})
		}
		w.Flush()
		// an empty quoted cell and an empty unquoted one
		b.WriteString("\"\",,\"\"\"\",\"007\"\n")
	case "tsv":
		b.WriteString("a\tb\te\n")
		for range n {
			fmt.Fprintf(&b, "%s\t%s\t%s\n", rv2Cell(r), rv2Cell(r), rv2Cell(r))
		}
	case "jsonl":
		for i := range n {
			var f []string
			for _, k := range []string{"a", "b", "e"} {
				switch r.IntN(8) {
				case 0:
					f = append(f, fmt.Sprintf(`"%s":null`, k))
				case 1: // absent
				case 2:
					f = append(f, fmt.Sprintf(`"%s":%d`, k, r.IntN(70)))
				case 3:
					f = append(f, fmt.Sprintf(`"%s":%d.5`, k, r.IntN(9)))
				case 4:
					f = append(f, fmt.Sprintf(`"%s":%v`, k, r.IntN(2) == 0))
				case 5:
					f = append(f, fmt.Sprintf(`"%s":{"v":%d}`, k, r.IntN(3)))
				default:
					s, _ := json.Marshal(rv2Cell(r))
					f = append(f, fmt.Sprintf(`"%s":%s`, k, s))
				}
			}
			if i > n/2 {
				f = append(f, fmt.Sprintf(`"late":"%s"`, rv2Cell(r)))
			}
			b.WriteString("{" + strings.Join(f, ",") + "}\n")
		}
	}
	return b.Bytes()
}

// rv2Oracle profiles data as scanRows did before 25316c6: every cell's
// text copied by AppendText and passed with its Value to Observe.
func rv2Oracle(t *testing.T, data []byte, format string) *quality.Profile {
	t.Helper()
	tr, err := tabular.Open(bytes.NewReader(data), format, nil)
	if err != nil {
		t.Fatal(err)
	}
	p := quality.NewProfiler(quality.Options{})
	named := 0
	for {
		row, err := tr.Read()
		if err != nil {
			break
		}
		for cols := tr.Columns(); named < len(cols); named++ {
			p.AddColumn(named, cols[named].Name)
		}
		for i, cell := range row {
			if cell.IsNull() {
				p.Observe(i, cell, nil)
				continue
			}
			p.Observe(i, cell, cell.AppendText(nil))
		}
		p.EndRow()
	}
	prof, err := p.Profile()
	if err != nil {
		t.Fatal(err)
	}
	return prof
}

const rv2Checks = `version: 1
checks:
  - check: values_in
    column: a
    values: ["007", "1", ""]
  - check: pattern
    column: b
    regex: '^2024-01-02'
  - check: outliers
    column: e
    max: 60
`

// TestReview2PutProfileModes: a put of CSV (quoted cells, "" and empty),
// TSV and JSON Lines (String, number, bool, null, object and absent cells
// of one column) stores the same profile in line, on its own goroutine
// with GOMAXPROCS 2, and with GOMAXPROCS 1; and, rules apart, the profile
// of the cells copied and passed as Values (scanRows before 25316c6).
func TestReview2PutProfileModes(t *testing.T) {
	ctx := context.Background()
	v := testVault(t)
	defer func() { v.inlineQuality = false }()
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(0))
	for fi, format := range []string{"csv", "tsv", "jsonl"} {
		data := rv2Data(format, 3000, uint64(fi))
		want := rv2Oracle(t, data, format)
		var profiles [][]byte
		for _, mode := range []string{"inline", "procs2", "procs1"} {
			name := format + "-" + mode
			if _, err := v.SetChecks(ctx, name, "r.yaml", []byte(rv2Checks)); err != nil {
				t.Fatal(err)
			}
			v.inlineQuality = mode == "inline"
			runtime.GOMAXPROCS(map[string]int{"inline": 2, "procs2": 2, "procs1": 1}[mode])
			if g := (&gate{inline: v.inlineQuality}).options(); g.Async != (mode == "procs2") {
				t.Fatalf("%s: Async = %v", mode, g.Async)
			}
			ver, err := v.Put(ctx, name, bytes.NewReader(data), PutOptions{Format: format})
			if err != nil && !strings.Contains(err.Error(), "quarantined") {
				t.Fatal(err)
			}
			if len(ver.Profile) == 0 {
				t.Fatalf("%s %s: no profile", format, mode)
			}
			profiles = append(profiles, ver.Profile)
			var got quality.Profile
			if err := json.Unmarshal(ver.Profile, &got); err != nil {
				t.Fatal(err)
			}
			redacted := map[string]bool{}
			for _, c := range got.Columns {
				if c.Redacted {
					redacted[c.Name] = true
				}
			}
			w := *want
			w.Columns = append([]quality.Column(nil), want.Columns...)
			w.Redact(redacted)
			if len(redacted) == len(got.Columns) || got.Rows < 3000 {
				t.Fatalf("%s %s: %d rows, %d of %d columns redacted: nothing to compare", format, mode, got.Rows, len(redacted), len(got.Columns))
			}
			got.Rules = nil
			gb, _ := json.Marshal(&got)
			wb, _ := json.Marshal(&w)
			if !bytes.Equal(gb, wb) {
				t.Errorf("%s %s: the stored profile differs from the copied cells':\n%s\n%s", format, mode, gb, wb)
			}
		}
		for i := 1; i < len(profiles); i++ {
			if !bytes.Equal(profiles[0], profiles[i]) {
				t.Errorf("%s: profile %d differs from the inline one:\n%s\n%s", format, i, profiles[0], profiles[i])
			}
		}
	}
}
