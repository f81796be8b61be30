package view

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/tabular"
)

// benchCSV is a generated customer table of BENCH_VIEW_MB megabytes
// (default 100) and its row count.
var benchCSV = sync.OnceValues(func() ([]byte, int64) {
	mb := 100
	if s := os.Getenv("BENCH_VIEW_MB"); s != "" {
		mb, _ = strconv.Atoi(s)
	}
	rng := rand.New(rand.NewPCG(1, 1))
	first := []string{"Ann", "Bob", "Chen", "Dara", "Eve", "Femi", "Goran", "Hana", "Ivan", "Jo"}
	last := []string{"Lee", "Roe", "Okafor", "Novak", "Silva", "Tanaka", "Berg", "Kaur"}
	depts := []string{"marketing", "sales"}
	buf := bytes.NewBufferString("id,name,email,department,age,revenue,card,status\n")
	var rows int64
	for buf.Len() < mb<<20 {
		f, l := first[rng.IntN(len(first))], last[rng.IntN(len(last))]
		fmt.Fprintf(buf, "%d,%s %s,%s.%s%d@example.com,%s,%d,%d.%02d,4%015d,active\n",
			rows, f, l, f, l, rng.IntN(1000), depts[rng.IntN(2)], 18+rng.IntN(70),
			rng.IntN(500000), rng.IntN(100), rng.Int64N(1e15))
		rows++
	}
	return buf.Bytes(), rows
})

// benchView is a row filter and three masks: the shape of the issue's
// marketing case plus a pseudonymized join key.
const benchView = `version: 1
views:
  - id: bench
    rows: row.department == principal.department
    columns:
      - name: email
        action: hash
      - name: card
        action: partial(4)
      - name: revenue
        action: round(1000)
`

// ceilingNs and ceilingCPU are the last ceiling run's wall and CPU time
// per op, for the ratios.
var ceilingNs, ceilingCPU float64

// cpuPerOp is the process CPU time per op since start (0 where unknown).
func cpuPerOp(start time.Duration, n int) float64 {
	if start == 0 {
		return 0
	}
	return float64((cpuTime() - start).Nanoseconds()) / float64(n)
}

func reportCPU(b *testing.B, size int64, cpuNs float64) {
	if cpuNs > 0 {
		b.ReportMetric(float64(size)/1e6/(cpuNs/1e9), "cpu-MB/s")
	}
}

// BenchmarkViews measures Apply (filter + 3 masks) against the ceiling of
// the same run: a plain tabular read and write of the same CSV.
//
//	go test ./internal/view -run '^$' -bench Views -benchtime 3x
func BenchmarkViews(b *testing.B) {
	data, rows := benchCSV()
	b.Run("ceiling", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		start := cpuTime()
		for b.Loop() {
			r, err := tabular.Open(bytes.NewReader(data), tabular.CSV, nil)
			if err != nil {
				b.Fatal(err)
			}
			copyRows(b, r)
		}
		ceilingNs, ceilingCPU = float64(b.Elapsed().Nanoseconds())/float64(b.N), cpuPerOp(start, b.N)
		b.ReportMetric(float64(rows)/(ceilingNs/1e9), "rows/s")
		reportCPU(b, int64(len(data)), ceilingCPU)
	})
	// The filter takes the fast path (a byte comparison); the same
	// filter written so that CEL evaluates it shows a general filter's cost.
	b.Run("filter+3masks", func(b *testing.B) { benchApply(b, benchView, data, rows) })
	general := strings.Replace(benchView, "rows: row.department == principal.department",
		"rows: row.department == principal.department && row.status != ''", 1)
	b.Run("celfilter+3masks", func(b *testing.B) { benchApply(b, general, data, rows) })
}

func benchApply(b *testing.B, views string, data []byte, rows int64) {
	set := mustParse(b, views)
	p := mustPlan(b, set, analyst, "campaign", Dataset{Name: "customers"})
	b.SetBytes(int64(len(data)))
	var st Stats
	start := cpuTime()
	for b.Loop() {
		r, err := tabular.Open(bytes.NewReader(data), tabular.CSV, nil)
		if err != nil {
			b.Fatal(err)
		}
		if st, err = p.Apply(context.Background(), r, io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	ns, cpu := float64(b.Elapsed().Nanoseconds())/float64(b.N), cpuPerOp(start, b.N)
	b.ReportMetric(float64(rows)/(ns/1e9), "rows/s")
	reportCPU(b, int64(len(data)), cpu)
	if ceilingNs > 0 {
		b.ReportMetric(ceilingNs/ns, "x-ceiling")
	}
	if ceilingCPU > 0 && cpu > 0 {
		b.ReportMetric(ceilingCPU/cpu, "cpu-x-ceiling")
	}
	if st.RowsRead != rows || st.RowsWritten == 0 || st.RowsWithheld == 0 {
		b.Fatalf("stats %+v for %d rows", st, rows)
	}
}

func copyRows(b *testing.B, r tabular.Reader) {
	opts := r.Options()
	w, err := tabular.NewWriter(io.Discard, r.Format(), r.Columns(), &opts)
	if err != nil {
		b.Fatal(err)
	}
	for {
		row, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			b.Fatal(err)
		}
		if err := w.Write(row); err != nil {
			b.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		b.Fatal(err)
	}
}

// Filtering a row allocates only what CEL needs: the string of each
// column the filter reads (CEL's frame is pooled); the fast path for
// row.C == principal.department allocates nothing.
func TestFilterAllocs(t *testing.T) {
	for _, tc := range []struct {
		rows string
		max  float64
	}{
		{"row.department == principal.department", 0},
		{"row.department.startsWith(principal.department) && row.x != 'y'", 4},
	} {
		set := mustParse(t, "version: 1\nviews:\n  - id: v\n    rows: \""+tc.rows+"\"\n")
		p := mustPlan(t, set, analyst, "x", Dataset{})
		s := &stream{p: p, act: p.act, row: rowVal{index: map[string]int{}}}
		s.act.row = &s.row
		s.row.setColumns([]tabular.Column{{Name: "department"}, {Name: "x"}}, tabular.CSV)
		row := tabular.Row{tabular.StringValue([]byte("marketing")), tabular.StringValue([]byte("1"))}
		n := testing.AllocsPerRun(200, func() {
			if !s.pass(row) {
				t.Fatal("row withheld")
			}
		})
		t.Logf("%s: %.0f allocations per row", tc.rows, n)
		if n > tc.max {
			t.Errorf("%s: %.0f allocations per row, want at most %.0f", tc.rows, n, tc.max)
		}
	}
}
