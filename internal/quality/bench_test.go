package quality

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
)

// benchRows is an orders table like the vault's put benchmark: integer
// id, hex uuid, timestamp, e-mail, amount, quantity, status, sku, country.
func benchRows(n int) ([][][]byte, int64) {
	r := rand.New(rand.NewPCG(7, 8))
	status := []string{"new", "paid", "shipped", "void", "refunded"}
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	rows := make([][][]byte, n)
	var size int64
	for i := range rows {
		line := fmt.Sprintf("%d,%016x%016x,%s,user%d@example.com,%.2f,%d,%s,%c%c%c-%04d,DE", i, r.Uint64(), r.Uint64(),
			t0.Add(time.Duration(i)*time.Second).Format(time.RFC3339), r.IntN(500000), r.ExpFloat64()*50, 1+r.IntN(9),
			status[r.IntN(len(status))], 'A'+r.IntN(26), 'A'+r.IntN(26), 'A'+r.IntN(26), r.IntN(10000))
		for _, c := range strings.Split(line, ",") {
			rows[i] = append(rows[i], []byte(c))
			size += int64(len(c))
		}
	}
	return rows, size
}

// benchData is made once per process (the testing package calls a
// benchmark function more than once).
var benchData = sync.OnceValues(func() ([][][]byte, int64) { return benchRows(100000) })

var benchCols = []string{"id", "uuid", "created_at", "email", "amount", "quantity", "status", "sku", "country"}

// BenchmarkProfiler measures the profiler alone on one core, per cell:
//
//	go test ./internal/quality -run '^$' -bench Profiler -cpu 1
func BenchmarkProfiler(b *testing.B) {
	rows, size := benchData()
	cs, err := ParseChecks("b.yaml", []byte("version: 1\nchecks:\n- check: values_in\n  column: status\n  values: [new, paid]\n- check: pattern\n  column: sku\n  regex: '^[A-Z]{3}-[0-9]{4}$'\n"))
	if err != nil {
		b.Fatal(err)
	}
	for _, rules := range []bool{false, true} {
		b.Run(fmt.Sprintf("rules=%v", rules), func(b *testing.B) {
			b.SetBytes(size)
			for range b.N {
				o := Options{}
				if rules {
					o.Rules = cs.Rules()
				}
				p := NewProfiler(o)
				for i, c := range benchCols {
					p.AddColumn(i, c)
				}
				for _, row := range rows {
					for i, c := range row {
						p.ObserveString(i, c)
					}
					p.EndRow()
				}
				if _, err := p.Profile(); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(rows)*len(benchCols)), "ns/cell")
		})
	}
}
