package vault_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/vault"
)

// customersTable returns a customers CSV of about size bytes (departments
// cycle through four, so the marketing view keeps a quarter of the rows)
// and its number of rows.
func customersTable(size int) ([]byte, int) {
	depts := []string{"marketing", "sales", "support", "research"}
	var b bytes.Buffer
	b.WriteString("id,name,email,department,revenue\n")
	n := 0
	for i := 1; b.Len() < size; i++ {
		fmt.Fprintf(&b, "%d,Person %d,person%d@example.com,%s,%d.%02d\n", i, i, i, depts[i%4], (i*7919)%200000, i%100)
		n++
	}
	return b.Bytes(), n
}

// BenchmarkGetAccess reads one stored version two ways in the same run:
// as the operator (no view: decrypt and stream, the ceiling) and as a
// marketing analyst through the starter view (filter rows, drop two
// columns, round one). It reports MB/s of stored plaintext and rows/s.
func BenchmarkGetAccess(b *testing.B) {
	ctx := context.Background()
	v := accessVault(b, "")
	data, rows := customersTable(16 << 20)
	if _, err := v.Put(ctx, "customers", bytes.NewReader(data), vault.PutOptions{
		Classification: "confidential", Department: "marketing", Tags: map[string]string{"domain": "customers"}}); err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct{ name, as, purpose string }{{"plain", "", ""}, {"view", "bob", "marketing"}} {
		b.Run(c.name, func(b *testing.B) {
			w := v.As(c.as, c.purpose)
			b.SetBytes(int64(len(data)))
			for b.Loop() {
				if _, err := w.Get(ctx, vault.Ref{Name: "customers"}, io.Discard); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
		})
	}
}

// TestDecisionLatency prints the latency of an authorized operation with
// nothing else in it: CheckAccess of a read (principal lookup, policy load,
// decide and explain, view plan) as policy check does it. Run with
// COFFER_BENCH_ACCESS=1 -v; it never fails on timing.
func TestDecisionLatency(t *testing.T) {
	if testing.Short() || !benchEnabled() {
		t.Skip("set COFFER_BENCH_ACCESS=1")
	}
	ctx := context.Background()
	v := accessVault(t, "")
	bob := v.As("bob", "marketing")
	ref := vault.Ref{Name: "customers"}
	const n = 300
	lat := make([]time.Duration, n)
	for i := range lat {
		start := time.Now()
		if _, err := bob.CheckAccess(ctx, "read", &ref); err != nil {
			t.Fatal(err)
		}
		lat[i] = time.Since(start)
	}
	first := lat[0] // pays the process's one-time initialization (Cedar schema, CEL environments)
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	t.Logf("CheckAccess(read) in process, %d calls: first %v, p50 %v, p99 %v", n, first, lat[n/2], lat[n*99/100])
}

func benchEnabled() bool { return strings.TrimSpace(os.Getenv("COFFER_BENCH_ACCESS")) == "1" }
