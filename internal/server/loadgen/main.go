// Command loadgen drives a running coffer server with concurrent REST puts
// and gets for a bounded time, then verifies that every version it
// stored reads back byte for byte and that no version was lost. It prints
// one JSON summary. Loopback only: it refuses any other address.
//
//	go run ./internal/server/loadgen -url https://127.0.0.1:8443 -ca ca.pem -key ID.SECRET
//
// Used by scripts/loadtest.
package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/coffer-vault/coffer/internal/pki"
)

type stored struct {
	dataset string
	version int64
	sha     string
}

type result struct {
	mu       sync.Mutex
	putLat   []time.Duration
	getLat   []time.Duration
	bytesIn  int64
	bytesOut int64
	errors   []string
	stored   []stored
}

func (r *result) fail(format string, a ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.errors) < 20 {
		r.errors = append(r.errors, fmt.Sprintf(format, a...))
	} else {
		r.errors = append(r.errors[:20], "...")
	}
}

func main() {
	var (
		base     = flag.String("url", "", "server URL (loopback only)")
		ca       = flag.String("ca", "", "CA certificate file")
		key      = flag.String("key", "", "API key ID.SECRET with purpose model-evaluation")
		clients  = flag.Int("clients", 8, "concurrent clients")
		duration = flag.Duration("duration", 60*time.Second, "how long to run")
		size     = flag.Int("size", 256<<10, "bytes per put")
		datasets = flag.Int("datasets", 16, "datasets to spread puts over")
	)
	flag.Parse()
	if err := checkLoopback(*base); err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(2)
	}
	if *duration > 10*time.Minute {
		fmt.Fprintln(os.Stderr, "loadgen: -duration is at most 10m")
		os.Exit(2)
	}
	pool, err := pki.CertPool(*ca)
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadgen:", err)
		os.Exit(2)
	}
	c := &http.Client{Timeout: time.Minute, Transport: &http.Transport{
		TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS13}, MaxIdleConnsPerHost: *clients}}
	res := &result{}
	ctx, cancel := context.WithTimeout(context.Background(), *duration)
	defer cancel()
	start := time.Now()
	var wg sync.WaitGroup
	for i := range *clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			worker(ctx, c, *base, *key, i, *size, *datasets, res)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	verified, lost := verify(c, *base, *key, *datasets, res)
	sum := map[string]any{
		"clients": *clients, "duration_s": elapsed.Seconds(), "put_bytes": *size,
		"puts": len(res.putLat), "gets": len(res.getLat), "errors": len(res.errors), "error_samples": res.errors,
		"put_p50_ms": pct(res.putLat, 50), "put_p99_ms": pct(res.putLat, 99),
		"get_p50_ms": pct(res.getLat, 50), "get_p99_ms": pct(res.getLat, 99),
		"ops_per_s":   float64(len(res.putLat)+len(res.getLat)) / elapsed.Seconds(),
		"mb_per_s_in": float64(res.bytesIn) / elapsed.Seconds() / 1e6, "mb_per_s_out": float64(res.bytesOut) / elapsed.Seconds() / 1e6,
		"versions_verified": verified, "versions_lost_or_corrupt": lost,
	}
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	enc.Encode(sum)
	if len(res.errors) > 0 || lost > 0 {
		os.Exit(1)
	}
}

func checkLoopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "https" {
		return fmt.Errorf("-url %q must be an https URL", raw)
	}
	h := u.Hostname()
	if h == "localhost" {
		return nil
	}
	ip := net.ParseIP(h)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-url %q is not a loopback address: load tests run on this machine only", raw)
	}
	return nil
}

func worker(ctx context.Context, c *http.Client, base, key string, id, size, datasets int, res *result) {
	rng := mrand.New(mrand.NewPCG(uint64(id), uint64(time.Now().UnixNano())))
	buf := make([]byte, size)
	for ctx.Err() == nil {
		ds := "load/d" + strconv.Itoa(rng.IntN(datasets))
		if rng.IntN(2) == 0 {
			rand.Read(buf)
			t0 := time.Now()
			v, err := put(c, base, key, ds, buf)
			if err != nil {
				res.fail("put %s: %v", ds, err)
				continue
			}
			sum := sha256.Sum256(buf)
			res.mu.Lock()
			res.putLat = append(res.putLat, time.Since(t0))
			res.bytesIn += int64(size)
			res.stored = append(res.stored, stored{ds, v, hex.EncodeToString(sum[:])})
			res.mu.Unlock()
			continue
		}
		t0 := time.Now()
		n, status, err := get(c, base, key, ds)
		if status == http.StatusNotFound {
			continue // not put yet
		}
		if err != nil {
			res.fail("get %s: %v", ds, err)
			continue
		}
		res.mu.Lock()
		res.getLat = append(res.getLat, time.Since(t0))
		res.bytesOut += n
		res.mu.Unlock()
	}
}

func put(c *http.Client, base, key, ds string, b []byte) (int64, error) {
	req, _ := http.NewRequest("PUT", base+"/v1/data/"+ds+"?format=blob", bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var v struct{ Version int64 }
	if resp.StatusCode != http.StatusCreated {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		return 0, fmt.Errorf("%s: %s", resp.Status, msg)
	}
	if err := json.NewDecoder(resp.Body).Decode(&v); err != nil {
		return 0, err
	}
	return v.Version, nil
}

// get reads ref and checks the bytes against the server's X-Coffer-SHA256.
func get(c *http.Client, base, key, ref string) (int64, int, error) {
	req, _ := http.NewRequest("GET", base+"/v1/data/"+ref, nil)
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("X-Coffer-Purpose", "model-evaluation")
	resp, err := c.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 300))
		return 0, resp.StatusCode, fmt.Errorf("%s: %s", resp.Status, msg)
	}
	h := sha256.New()
	n, err := io.Copy(h, resp.Body)
	if err != nil {
		return n, resp.StatusCode, err
	}
	if got := hex.EncodeToString(h.Sum(nil)); got != resp.Header.Get("X-Coffer-SHA256") {
		return n, resp.StatusCode, fmt.Errorf("body SHA-256 %s differs from the header's", got[:12])
	}
	return n, resp.StatusCode, nil
}

// verify reads back every stored version and checks that each dataset has
// exactly the versions the puts were told about.
func verify(c *http.Client, base, key string, datasets int, res *result) (ok, bad int) {
	per := map[string]int{}
	for _, s := range res.stored {
		per[s.dataset]++
		req, _ := http.NewRequest("GET", base+"/v1/data/"+s.dataset+"@"+strconv.FormatInt(s.version, 10), nil)
		req.Header.Set("Authorization", "Bearer "+key)
		req.Header.Set("X-Coffer-Purpose", "model-evaluation")
		resp, err := c.Do(req)
		if err != nil {
			res.fail("verify %s@%d: %v", s.dataset, s.version, err)
			bad++
			continue
		}
		h := sha256.New()
		io.Copy(h, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || hex.EncodeToString(h.Sum(nil)) != s.sha {
			res.fail("verify %s@%d: status %d or other bytes", s.dataset, s.version, resp.StatusCode)
			bad++
			continue
		}
		ok++
	}
	for d := range datasets {
		ds := "load/d" + strconv.Itoa(d)
		req, _ := http.NewRequest("GET", base+"/v1/versions/"+ds, nil)
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := c.Do(req)
		if err != nil {
			res.fail("versions %s: %v", ds, err)
			continue
		}
		var vs struct{ Versions []struct{ Version int64 } }
		json.NewDecoder(resp.Body).Decode(&vs)
		resp.Body.Close()
		if len(vs.Versions) != per[ds] {
			res.fail("%s has %d versions, %d puts succeeded", ds, len(vs.Versions), per[ds])
			bad++
		}
	}
	return ok, bad
}

func pct(ds []time.Duration, p float64) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := int(math.Ceil(p/100*float64(len(s)))) - 1
	return float64(s[max(i, 0)].Microseconds()) / 1000
}
