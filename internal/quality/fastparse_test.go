package quality

import (
	"math/rand/v2"
	"strconv"
	"testing"
	"time"
)

// TestFastParse: the fast paths agree with strconv and time wherever they
// accept, on generated and edge-case input.
func TestFastParse(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	floats := []string{"0", "-0", "1.5", "+2.25", ".5", "5.", "123456789012345", "0.000000000000001", "1e5", "1.2.3", "", "-", "."}
	for range 20000 {
		floats = append(floats, strconv.FormatFloat((r.Float64()-0.5)*1e6, 'f', r.IntN(8), 64))
	}
	for _, s := range floats {
		got, ok := fastFloat([]byte(s))
		want, err := strconv.ParseFloat(s, 64)
		if ok && (err != nil || got != want) {
			t.Errorf("fastFloat(%q) = %v, strconv says %v, %v", s, got, want, err)
		}
	}
	times := []string{"2024-02-29", "2023-02-29", "2025-13-01", "1969-12-31T23:59:59Z", "2025-01-02 03:04:05",
		"2025-01-02T03:04:05.123+02:00", "2025-01-02T03:04:05-05:30", "2025-01-02T24:00:00Z", "2025-01-02T03:04:05.Z", "0001-01-01"}
	t0 := time.Date(1900, 1, 1, 0, 0, 0, 0, time.UTC)
	for range 20000 {
		tt := t0.Add(time.Duration(r.Int64N(int64(250 * 365 * 24 * time.Hour))))
		times = append(times, tt.Format(time.DateOnly), tt.Format(time.RFC3339), tt.Format("2006-01-02 15:04:05"))
	}
	// and each with one byte changed: a digit, a separator, a letter, a
	// byte past '9' (the fast path may refuse what time.Parse takes, such
	// as a space for a leading zero: inferText then asks time.Parse)
	const swaps = "09/:-T Z.+x\xff"
	n := len(times)
	for i, s := range times[:3000] {
		b := []byte(s)
		b[r.IntN(len(b))] = swaps[i%len(swaps)]
		times = append(times, string(b))
	}
	for i, s := range times {
		got, ok := fastTime([]byte(s))
		want, wok := parseTime([]byte(s))
		if ok && (!wok || got != want) || i < n && ok != wok {
			t.Errorf("fastTime(%q) = %d, %v; time.Parse gives %d, %v", s, got, ok, want, wok)
		}
	}
}
