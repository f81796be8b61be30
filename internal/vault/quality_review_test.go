package vault

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"testing"
)

const reviewChecks = `version: 1
checks:
  - check: values_in
    column: grade
    values: [a, b, "1"]
  - check: pattern
    column: code
    regex: '^[A-Z][0-9]$'
  - check: outliers
    column: score
    max: 1000000
`

// TestReviewAsyncPutProfile: a put profiles on its own goroutine when
// GOMAXPROCS > 2; `checks run` profiles in line. The
// stored profile of one JSON Lines input (numbers as JSON numbers and as
// strings of the same text in one column, nulls, absent and late keys,
// low-cardinality and overflowing columns, repeated rows) must be the same
// bytes whether the put profiled in line, on its own goroutine, or with
// GOMAXPROCS=1.
func TestReviewAsyncPutProfile(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	var b strings.Builder
	var last string
	for i := range 12000 {
		if i > 0 && r.IntN(8) == 0 {
			b.WriteString(last)
			continue
		}
		var f []string
		f = append(f, fmt.Sprintf(`"id":%d`, r.IntN(5000)))
		switch k := r.IntN(5); { // score: a number, the same as a string, null, absent
		case i > 6000 && r.IntN(3) == 0: // overflows the top values
			f = append(f, fmt.Sprintf(`"score":"%d"`, 100+r.IntN(3000)))
		case k == 0:
			f = append(f, fmt.Sprintf(`"score":%d`, r.IntN(9)))
		case k == 1:
			f = append(f, fmt.Sprintf(`"score":"%d"`, r.IntN(9)))
		case k == 2:
			f = append(f, `"score":null`)
		case k == 3:
			f = append(f, fmt.Sprintf(`"score":%d.5`, r.IntN(9)))
		}
		f = append(f, fmt.Sprintf(`"grade":"%c"`, "ab1z"[r.IntN(4)]))
		f = append(f, fmt.Sprintf(`"code":"%c%d"`, 'A'+r.IntN(3), r.IntN(12)))
		if i > 3000 {
			f = append(f, fmt.Sprintf(`"late":[%d]`, r.IntN(4)))
		}
		r.Shuffle(len(f), func(a, b int) { f[a], f[b] = f[b], f[a] })
		last = "{" + strings.Join(f, ",") + "}\n"
		b.WriteString(last)
	}
	data := []byte(b.String())

	ctx := context.Background()
	v := testVault(t)
	var profiles [][]byte
	for i, mode := range []string{"inline", "async", "procs1"} {
		name := fmt.Sprintf("d%d", i)
		if _, err := v.SetChecks(ctx, name, "r.yaml", []byte(reviewChecks)); err != nil {
			t.Fatal(err)
		}
		v.inlineQuality = mode == "inline"
		if mode == "async" && runtime.GOMAXPROCS(0) < 3 {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(3))
		}
		if mode == "procs1" {
			defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(1))
		}
		if g := (&gate{inline: v.inlineQuality}).options(); g.Async != (mode == "async") {
			t.Fatalf("%s: Async = %v", mode, g.Async)
		}
		ver, err := v.Put(ctx, name, bytes.NewReader(data), PutOptions{Format: "jsonl"})
		if err != nil && !strings.Contains(err.Error(), "quarantined") {
			t.Fatal(err)
		}
		if len(ver.Profile) == 0 || len(ver.CheckReport) == 0 {
			t.Fatalf("%s: profile %d bytes, report %d bytes", mode, len(ver.Profile), len(ver.CheckReport))
		}
		// The profile names the dataset nowhere, so the three compare as bytes.
		profiles = append(profiles, ver.Profile)
	}
	v.inlineQuality = false
	for i := 1; i < len(profiles); i++ {
		if !bytes.Equal(profiles[0], profiles[i]) {
			t.Errorf("profile %d differs from the inline one:\n%s\n%s", i, profiles[0], profiles[i])
		}
	}
}
