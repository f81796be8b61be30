package vault

import (
	"bufio"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"syscall"
	"testing"
	"time"
)

// benchChecks is a representative checks file: bounds from the profile,
// two value-level rules and an anomaly check.
const benchChecks = `version: 1
checks:
  - check: row_count
    min: 1
  - check: duplicate_count
    max: 1000000000
  - check: completeness
    column: email
    min: 0.5
  - check: avg
    column: amount
    min: 0
  - check: values_in
    column: status
    values: [new, paid, shipped, void, refunded]
  - check: pattern
    column: sku
    regex: '^[A-Z]{3}-[0-9]{4}$'
    min_share: 0.9
  - check: row_count_change
    max_percent: 1000
  - check: outliers
    column: amount
    max: 1000000000
`

// writeBenchCSV writes about mb megabytes of an orders table: integer id,
// hex uuid, timestamp, e-mail, amount, quantity, status, sku, country.
func writeBenchCSV(path string, mb int) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	r := rand.New(rand.NewPCG(7, 8))
	status := []string{"new", "paid", "shipped", "void", "refunded"}
	countries := []string{"DE", "FR", "US", "GB", "ES", "IT", "NL", "PL"}
	t0 := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	var n int64
	c, _ := w.WriteString("id,uuid,created_at,email,amount,quantity,status,sku,country\n")
	n += int64(c)
	for i := 0; n < int64(mb)<<20; i++ {
		email := ""
		if i%17 != 0 {
			email = fmt.Sprintf("user%d@example.com", r.IntN(500000))
		}
		line := fmt.Sprintf("%d,%016x%016x,%s,%s,%.2f,%d,%s,%c%c%c-%04d,%s\n", i, r.Uint64(), r.Uint64(),
			t0.Add(time.Duration(i)*time.Second).Format(time.RFC3339), email, r.ExpFloat64()*50, 1+r.IntN(9),
			status[r.IntN(len(status))], 'A'+r.IntN(26), 'A'+r.IntN(26), 'A'+r.IntN(26), r.IntN(10000),
			countries[r.IntN(len(countries))])
		c, err := w.WriteString(line)
		if err != nil {
			return n, err
		}
		n += int64(c)
	}
	return n, w.Flush()
}

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkPutQuality puts the same CSV (BENCH_QUALITY_MB, default 200)
// with profiling and checks off and on, alternately, BENCH_QUALITY_ROUNDS
// times (default 3), and reports the median throughput of each and the
// ratio of the median times, on/off (the goal: at most 1.3).
func BenchmarkPutQuality(b *testing.B) {
	mb, _ := strconv.Atoi(os.Getenv("BENCH_QUALITY_MB"))
	if mb <= 0 {
		mb = 200
	}
	rounds, _ := strconv.Atoi(os.Getenv("BENCH_QUALITY_ROUNDS"))
	if rounds <= 0 {
		rounds = 3
	}
	dir := b.TempDir()
	data := filepath.Join(dir, "orders.csv")
	size, err := writeBenchCSV(data, mb)
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	home := filepath.Join(dir, "vault")
	if err := Init(ctx, home, InitOptions{}); err != nil {
		b.Fatal(err)
	}
	v, err := Open(ctx, home)
	if err != nil {
		b.Fatal(err)
	}
	defer v.Close()
	if _, err := v.SetChecks(ctx, "on", "bench.yaml", []byte(benchChecks)); err != nil {
		b.Fatal(err)
	}
	putOnce := func(name string, off, inline bool) (time.Duration, time.Duration) {
		v.noQuality, v.inlineQuality = off, inline
		f, err := os.Open(data)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		start, cpu0 := time.Now(), cpuTime()
		if _, err := v.Put(ctx, name, f, PutOptions{Source: data}); err != nil {
			b.Fatal(err)
		}
		return time.Since(start), cpuTime() - cpu0
	}
	// off: no profile, no checks; on: as put runs (the profile on its own
	// goroutine from two cores up); inline: the profile on the PII scan's
	// goroutine, as put runs on one core.
	names := []string{"off", "on", "inline"}
	// BENCH_QUALITY_ONLY=off|on|inline|none puts in one mode only (none:
	// just make the CSV), to count one mode's instructions (callgrind).
	only := os.Getenv("BENCH_QUALITY_ONLY")
	var wall, cpu [3][]time.Duration
	b.ResetTimer()
	for range b.N {
		for r := range rounds {
			for k := range names {
				i := (k + r) % len(names) // rotate who goes first
				if only != "" && names[i] != only {
					continue
				}
				w, c := putOnce(names[i], i == 0, i == 2)
				wall[i], cpu[i] = append(wall[i], w), append(cpu[i], c)
				b.Logf("round %d %-6s %7.1f MB/s wall %7.1f MB/s cpu", r+1, names[i], mbps(size, w), mbps(size, c))
			}
		}
	}
	b.StopTimer()
	if only != "" {
		return
	}
	offW, onW, inW := median(wall[0]), median(wall[1]), median(wall[2])
	offC, onC := median(cpu[0]), median(cpu[1])
	b.ReportMetric(float64(size)/1e6, "input-MB")
	b.ReportMetric(mbps(size, offW), "off-MB/s")
	b.ReportMetric(mbps(size, onW), "on-MB/s")
	b.ReportMetric(mbps(size, inW), "inline-MB/s")
	b.ReportMetric(float64(onW)/float64(offW), "on/off-wall")
	b.ReportMetric(float64(onC)/float64(offC), "on/off-cpu")
	b.ReportMetric(float64(inW)/float64(offW), "inline/off-wall")
}

func mbps(n int64, d time.Duration) float64 { return float64(n) / 1e6 / d.Seconds() }

func median(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	sort.Slice(s, func(i, j int) bool { return s[i] < s[j] })
	return s[len(s)/2]
}
