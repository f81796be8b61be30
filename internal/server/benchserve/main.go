// Command benchserve measures coffer serve's GET and PUT throughput for
// one large dataset over TLS 1.3 on loopback, against a plain net/http
// TLS 1.3 server with the same certificate serving the same bytes from
// memory (GET) and discarding them (PUT), in the same run, and prints the
// ratios. Used by scripts/bench-serve.
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
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strconv"
	"time"

	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/pki"
	"github.com/coffer-vault/coffer/internal/s3api"
	"github.com/coffer-vault/coffer/internal/server"
	"github.com/coffer-vault/coffer/internal/vault"
)

func main() {
	size := flag.Int("size", 256<<20, "dataset bytes")
	runs := flag.Int("runs", 3, "runs of each measurement (best is kept)")
	dir := flag.String("dir", "", "work directory (default: a new temporary one)")
	cpuprofile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.Parse()
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err == nil {
			pprof.StartCPUProfile(f)
			defer pprof.StopCPUProfile()
		}
	}
	if err := bench(*size, *runs, *dir); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "benchserve:", err)
		os.Exit(1)
	}
}

func bench(size, runs int, dir string) error {
	ctx := context.Background()
	if dir == "" {
		d, err := os.MkdirTemp("", "coffer-bench-serve-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(d)
		dir = d
	}
	home := filepath.Join(dir, "vault")
	if err := vault.Init(ctx, home, vault.InitOptions{}); err != nil {
		return err
	}
	v, err := vault.Open(ctx, home)
	if err != nil {
		return err
	}
	defer v.Close()
	pdir := filepath.Join(dir, "pki")
	if err := pki.Init(pdir, nil, nil, pki.Options{}); err != nil {
		return err
	}
	if _, err := v.AddPrincipal(ctx, catalog.Principal{ID: "bench", Role: "data-scientist", Department: "bench", Clearance: 1}); err != nil {
		return err
	}
	v.CacheAccess()
	k, secret, err := v.CreateAPIKey(ctx, "bench", vault.APIKeyOptions{Purposes: []string{"model-evaluation"}})
	if err != nil {
		return err
	}
	bearer := k.ID + "." + secret
	cfg := server.Config{CertFile: filepath.Join(pdir, pki.ServerCert), KeyFile: filepath.Join(pdir, pki.ServerKey),
		ClientCA: filepath.Join(pdir, pki.CACert), RatePerSec: 1e6, Burst: 1e6}
	b := &server.VaultBackend{V: v}
	s3, err := s3api.New(b, v, s3api.Options{SpoolDir: filepath.Join(dir, "spool")})
	if err != nil {
		return err
	}
	defer s3.Close()
	srv := server.New(cfg, b, v, s3, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	coffer, stopCoffer, err := listen(func(ln net.Listener, c context.Context) error { return srv.Serve(c, ln) })
	if err != nil {
		return err
	}
	defer stopCoffer()

	data := make([]byte, size)
	rand.Read(data)
	sum := sha256.Sum256(data)
	tc, err := cfg.TLSConfig()
	if err != nil {
		return err
	}
	tc.ClientAuth = tls.NoClientCert
	plain := &http.Server{TLSConfig: tc, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPut {
			io.Copy(io.Discard, r.Body)
			w.WriteHeader(http.StatusCreated)
			return
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		w.Write(data)
	})}
	base, stopPlain, err := listen(func(ln net.Listener, _ context.Context) error {
		return plain.Serve(tls.NewListener(ln, tc))
	})
	if err != nil {
		return err
	}
	defer stopPlain()
	defer plain.Close()

	pool, err := pki.CertPool(cfg.ClientCA)
	if err != nil {
		return err
	}
	client := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS13},
		WriteBufferSize: 256 << 10, ReadBufferSize: 256 << 10}}
	auth := map[string]string{"Authorization": "Bearer " + bearer}
	getHdr := map[string]string{"Authorization": "Bearer " + bearer, "X-Coffer-Purpose": "model-evaluation"}

	res := map[string]any{"bytes": size, "runs": runs}
	measure := func(name, method, url string, body []byte, hdr map[string]string, want int) (float64, error) {
		best := 0.0
		for range runs {
			mbs, err := once(client, method, url, body, hdr, want)
			if err != nil {
				return 0, fmt.Errorf("%s: %w", name, err)
			}
			best = max(best, mbs)
		}
		res[name+"_mb_s"] = round(best)
		return best, nil
	}
	putC, err := measure("coffer_put", "PUT", coffer+"/v1/data/bench/big?format=blob", data, auth, 201)
	if err != nil {
		return err
	}
	putB, err := measure("plain_put", "PUT", base+"/", data, nil, 201)
	if err != nil {
		return err
	}
	// The version read is checked whole once, outside the timing.
	if err := check(client, coffer+"/v1/data/bench/big", getHdr, sum[:]); err != nil {
		return err
	}
	getC, err := measure("coffer_get", "GET", coffer+"/v1/data/bench/big", nil, getHdr, 200)
	if err != nil {
		return err
	}
	getB, err := measure("plain_get", "GET", base+"/", nil, nil, 200)
	if err != nil {
		return err
	}
	// The same through the S3 API: SigV4 with UNSIGNED-PAYLOAD, as awscli
	// and boto3 send over HTTPS.
	s3c := &s3Signer{id: k.ID, secret: secret, c: client}
	s3Put, err := s3c.measure(runs, "PUT", coffer+"/bench/s3big.bin", data, 200)
	if err != nil {
		return fmt.Errorf("s3 put: %w", err)
	}
	s3Get, err := s3c.measure(runs, "GET", coffer+"/bench/s3big.bin", nil, 200)
	if err != nil {
		return fmt.Errorf("s3 get: %w", err)
	}
	res["coffer_s3_put_mb_s"], res["coffer_s3_get_mb_s"] = round(s3Put), round(s3Get)
	res["s3_put_ratio"], res["s3_get_ratio"] = round(s3Put/putB), round(s3Get/getB)
	res["put_ratio"] = round(putC / putB)
	res["get_ratio"] = round(getC / getB)
	res["go"] = goVersion()
	res["peak_rss_mib_process"] = peakRSS()
	enc := json.NewEncoder(os.Stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(res)
}

func listen(serve func(net.Listener, context.Context) error) (string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { serve(ln, ctx); close(done) }()
	return "https://" + ln.Addr().String(), func() { cancel(); <-done }, nil
}

// once does one request and returns its throughput in MB/s (10^6 bytes).
func once(c *http.Client, method, url string, body []byte, hdr map[string]string, want int) (float64, error) {
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, url, r)
	if err != nil {
		return 0, err
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	t0 := time.Now()
	resp, err := c.Do(req)
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	d := time.Since(t0)
	if err != nil || resp.StatusCode != want {
		return 0, fmt.Errorf("%s %s: %d, %v", method, url, resp.StatusCode, err)
	}
	if body != nil {
		n = int64(len(body))
	}
	return float64(n) / d.Seconds() / 1e6, nil
}

func check(c *http.Client, url string, hdr map[string]string, want []byte) error {
	req, _ := http.NewRequest("GET", url, nil)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	h := sha256.New()
	io.Copy(h, resp.Body)
	if !bytes.Equal(h.Sum(nil), want) {
		return fmt.Errorf("GET returned other bytes (sha256 %s)", hex.EncodeToString(h.Sum(nil))[:12])
	}
	return nil
}

func round(f float64) float64 { return float64(int(f*100+0.5)) / 100 }

func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if f := bytes.Fields(line); len(f) == 3 && string(f[0]) == "VmHWM:" {
			kb, _ := strconv.ParseFloat(string(f[1]), 64)
			return round(kb / 1024)
		}
	}
	return 0
}
