package policy

import (
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	cedar "github.com/cedar-policy/cedar-go"
)

// BenchmarkDecide cycles through the decision matrix.
func BenchmarkDecide(b *testing.B) {
	s := starterSet(b)
	reqs := matrixRequests()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		s.Decide(reqs[i%len(reqs)])
	}
}

// BenchmarkExplain cycles through the decision matrix.
func BenchmarkExplain(b *testing.B) {
	s := starterSet(b)
	reqs := matrixRequests()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		s.Explain(reqs[i%len(reqs)])
	}
}

// BenchmarkLoad parses and validates the starter set.
func BenchmarkLoad(b *testing.B) {
	files := Starter()
	for b.Loop() {
		if _, err := Parse(files); err != nil {
			b.Fatal(err)
		}
	}
}

func matrixRequests() []Request {
	reqs := make([]Request, len(matrix))
	for i, c := range matrix {
		reqs[i] = c.request()
	}
	return reqs
}

// TestLatencyReport prints the p50, p99 and p99.9 latency of single
// decisions over the matrix (each timed on its own). It runs only with
// COFFER_BENCH_POLICY=1 and never fails on timing:
//
//	COFFER_BENCH_POLICY=1 go test ./internal/policy -run TestLatencyReport -v
func TestLatencyReport(t *testing.T) {
	if os.Getenv("COFFER_BENCH_POLICY") != "1" {
		t.Skip("set COFFER_BENCH_POLICY=1 to measure decision latency")
	}
	s := starterSet(t)
	reqs := matrixRequests()
	envs := make([]env, len(reqs))
	for i, q := range reqs {
		e, err := s.env(q)
		if err != nil {
			t.Fatal(err)
		}
		envs[i] = e
	}
	n := 0
	for _, r := range []struct {
		name string
		fn   func(Request)
		n    int
	}{
		// The ceiling: Cedar alone, on requests and entities built beforehand.
		{"cedar.Authorize (ceiling)", func(Request) { e := envs[n%len(envs)]; n++; cedar.Authorize(s.ps, e.entities, e.req) }, 200_000},
		{"Decide", func(q Request) { s.Decide(q) }, 200_000},
		{"Explain", func(q Request) { s.Explain(q) }, 50_000},
	} {
		for i := range 2000 { // warm up
			r.fn(reqs[i%len(reqs)])
		}
		lat := make([]time.Duration, r.n)
		start := time.Now()
		for i := range lat {
			t0 := time.Now()
			r.fn(reqs[i%len(reqs)])
			lat[i] = time.Since(t0)
		}
		total := time.Since(start)
		slices.Sort(lat)
		q := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1))] }
		t.Logf("%s over %d matrix cases, %d calls: p50 %v, p99 %v, p99.9 %v, max %v; %.0f decisions/s on one goroutine",
			r.name, len(reqs), r.n, q(0.50), q(0.99), q(0.999), lat[len(lat)-1], float64(r.n)/total.Seconds())
	}
	// The ceiling: the time.Now pair each sample pays.
	lat := make([]time.Duration, 100_000)
	for i := range lat {
		t0 := time.Now()
		lat[i] = time.Since(t0)
	}
	slices.Sort(lat)
	t.Logf("load average: %s", loadavg())
	t.Logf("timer overhead: p50 %v, p99 %v", lat[len(lat)/2], lat[len(lat)*99/100])
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

// BenchmarkEnv measures building the Cedar request and entities alone.
func BenchmarkEnv(b *testing.B) {
	s := starterSet(b)
	reqs := matrixRequests()
	b.ReportAllocs()
	for i := 0; b.Loop(); i++ {
		s.env(reqs[i%len(reqs)])
	}
}
