package server_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/server"
	"github.com/coffer-vault/coffer/internal/server/servertest"
	"github.com/coffer-vault/coffer/internal/vault"
)

func do(t *testing.T, c *http.Client, method, url, bearer string, body io.Reader, hdr map[string]string) (int, []byte, http.Header) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: body: %v", method, url, err)
	}
	return resp.StatusCode, b, resp.Header
}

func newKey(t *testing.T, v *vault.Vault, principal string, purposes ...string) string {
	t.Helper()
	k, secret, err := v.CreateAPIKey(context.Background(), principal, vault.APIKeyOptions{Purposes: purposes, TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	return k.ID + "." + secret
}

func TestRESTPutGetWithAPIKey(t *testing.T) {
	e := servertest.Start(t, servertest.Options{})
	c := e.Client(t, "")
	key := newKey(t, e.Vault, "alice", "model-training")
	data := make([]byte, 3<<20+7)
	rand.Read(data)
	st, b, _ := do(t, c, "PUT", e.URL+"/v1/data/team/blob1?format=blob", key, bytes.NewReader(data), nil)
	if st != 201 || !strings.Contains(string(b), `"version": 1`) || !strings.Contains(string(b), `"creator": "alice"`) {
		t.Fatalf("put = %d %s", st, b)
	}
	st, got, h := do(t, c, "GET", e.URL+"/v1/data/team/blob1", key, nil, map[string]string{server.PurposeHeader: "model-training"})
	sum := sha256.Sum256(data)
	if st != 200 || !bytes.Equal(got, data) || h.Get("X-Coffer-SHA256") != hex.EncodeToString(sum[:]) {
		t.Fatalf("get = %d, %d bytes (equal %v)", st, len(got), bytes.Equal(got, data))
	}
	// A purpose the key does not allow: 403 and no data.
	st, got, _ = do(t, c, "GET", e.URL+"/v1/data/team/blob1@1", key, nil, map[string]string{server.PurposeHeader: "marketing"})
	if st != 403 || bytes.Contains(got, data[:64]) || len(got) > 1024 {
		t.Errorf("wrong purpose = %d, %d bytes", st, len(got))
	}
	// No purpose: the key's only purpose is declared.
	if st, got, _ := do(t, c, "GET", e.URL+"/v1/data/team/blob1", key, nil, nil); st != 200 || !bytes.Equal(got, data) {
		t.Errorf("no purpose, one-purpose key = %d, want 200", st)
	}
	// No purpose with a key of two purposes: 403.
	key2 := newKey(t, e.Vault, "alice", "model-training", "research")
	if st, _, _ := do(t, c, "GET", e.URL+"/v1/data/team/blob1", key2, nil, nil); st != 403 {
		t.Errorf("no purpose, two-purpose key = %d, want 403", st)
	}
	// Metadata, versions, list, scan.
	for _, p := range []string{"/v1/meta/team/blob1@1", "/v1/versions/team/blob1", "/v1/datasets", "/v1/scan/team/blob1"} {
		if st, b, _ := do(t, c, "GET", e.URL+p, key, nil, nil); st != 200 || !strings.Contains(string(b), "team/blob1") {
			t.Errorf("GET %s = %d %s", p, st, b)
		}
	}
	if st, _, _ := do(t, c, "GET", e.URL+"/v1/meta/team/none", key, nil, nil); st != 404 {
		t.Errorf("missing dataset = %d, want 404", st)
	}
	if st, _, _ := do(t, c, "GET", e.URL+"/v1/meta/bad..name!", key, nil, nil); st != 400 {
		t.Errorf("bad name = %d, want 400", st)
	}
	// Explain.
	st, b, _ = do(t, c, "POST", e.URL+"/v1/explain", key, strings.NewReader(`{"action":"read","dataset":"team/blob1","purpose":"marketing"}`), nil)
	if st != 200 || !strings.Contains(string(b), `"decision": "deny"`) {
		t.Errorf("explain = %d %s", st, b)
	}
	// The access log names alice and holds no secret.
	log := e.AccessLog()
	secret := key[strings.IndexByte(key, '.')+1:]
	if !strings.Contains(log, `"principal":"alice"`) || strings.Contains(log, secret) {
		t.Errorf("access log: principal missing or secret present:\n%s", log)
	}
}

func TestRESTBadKeys(t *testing.T) {
	e := servertest.Start(t, servertest.Options{})
	c := e.Client(t, "")
	key := newKey(t, e.Vault, "alice", "model-training")
	id := key[:strings.IndexByte(key, '.')]
	for name, bearer := range map[string]string{
		"wrong secret": id + "." + strings.Repeat("A", 40),
		"unknown id":   "CKAAAAAAAAAAAAAAAAAA." + strings.Repeat("A", 40),
		"malformed":    "nodot",
	} {
		if st, _, _ := do(t, c, "GET", e.URL+"/v1/whoami", bearer, nil, nil); st != 401 {
			t.Errorf("%s: %d, want 401", name, st)
		}
	}
	if err := e.Vault.RevokeAPIKey(context.Background(), id); err != nil {
		t.Fatal(err)
	}
	if st, _, _ := do(t, c, "GET", e.URL+"/v1/whoami", key, nil, nil); st != 401 {
		t.Errorf("revoked key: %d, want 401", st)
	}
}

func TestRESTAuditAdminOnly(t *testing.T) {
	e := servertest.Start(t, servertest.Options{})
	if st, _, _ := do(t, e.Client(t, "alice"), "GET", e.URL+"/v1/audit", "", nil, nil); st != 403 {
		t.Errorf("alice audit = %d, want 403", st)
	}
	st, b, _ := do(t, e.Client(t, "admin"), "GET", e.URL+"/v1/audit", "", nil, nil)
	if st != 200 || !strings.Contains(string(b), `"action":"init"`) {
		t.Errorf("admin audit = %d %.200s", st, b)
	}
}

func TestRateLimit(t *testing.T) {
	e := servertest.Start(t, servertest.Options{Config: func(c *server.Config) { c.RatePerSec, c.Burst = 1, 3 }})
	c := e.Client(t, "alice")
	limited := 0
	for range 6 {
		if st, _, _ := do(t, c, "GET", e.URL+"/v1/whoami", "", nil, nil); st == 429 {
			limited++
		}
	}
	if limited < 2 {
		t.Errorf("%d of 6 rapid requests limited, want at least 2 (burst 3)", limited)
	}
	// Another principal has its own bucket.
	if st, _, _ := do(t, e.Client(t, "bob"), "GET", e.URL+"/v1/whoami", "", nil, nil); st != 200 {
		t.Errorf("bob = %d, want 200", st)
	}
}

func TestBodyLimit(t *testing.T) {
	e := servertest.Start(t, servertest.Options{Config: func(c *server.Config) { c.MaxBody = 1 << 20 }})
	c := e.Client(t, "alice")
	st, _, _ := do(t, c, "PUT", e.URL+"/v1/data/big", "", bytes.NewReader(make([]byte, 2<<20)), nil)
	if st != 413 {
		t.Errorf("2 MiB put with a 1 MiB limit = %d, want 413", st)
	}
	// Chunked (no Content-Length) is cut off too, and leaves no version.
	st, _, _ = do(t, c, "PUT", e.URL+"/v1/data/big", "", io.MultiReader(bytes.NewReader(make([]byte, 2<<20))), nil)
	if st != 413 {
		t.Errorf("chunked 2 MiB put = %d, want 413", st)
	}
	if _, err := e.Vault.Version(context.Background(), vault.Ref{Name: "big"}); err == nil {
		t.Error("an oversized put left a version")
	}
}

func TestProbesAndMetrics(t *testing.T) {
	e := servertest.Start(t, servertest.Options{})
	c := e.Client(t, "")
	for _, p := range []string{"/healthz", "/readyz"} {
		if st, _, _ := do(t, c, "GET", e.URL+p, "", nil, nil); st != 200 {
			t.Errorf("%s = %d", p, st)
		}
	}
	do(t, e.Client(t, "alice"), "GET", e.URL+"/v1/whoami", "", nil, nil)
	st, b, _ := do(t, c, "GET", e.URL+"/metrics", "", nil, nil)
	if st != 200 || !strings.Contains(string(b), `coffer_http_requests_total{api="rest",code="200",method="GET"}`) {
		t.Errorf("metrics = %d:\n%.2000s", st, b)
	}
	st, b, _ = do(t, c, "GET", e.URL+"/v1/openapi.yaml", "", nil, nil)
	if st != 200 || !bytes.HasPrefix(b, []byte("openapi: 3.")) {
		t.Errorf("openapi = %d %.100s", st, b)
	}
}

func TestOpenAPICommitted(t *testing.T) {
	docs, err := os.ReadFile("../../docs/openapi.yaml")
	if err != nil || !bytes.Equal(docs, server.OpenAPI) {
		t.Errorf("docs/openapi.yaml differs from internal/server/openapi.yaml (%v): run cp internal/server/openapi.yaml docs/", err)
	}
}

func TestGracefulShutdown(t *testing.T) {
	e := servertest.Start(t, servertest.Options{})
	c := e.Client(t, "alice")
	// A slow upload in flight finishes although shutdown begins meanwhile.
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		st, _, _ := do(t, c, "PUT", e.URL+"/v1/data/slow?format=blob", "", pr, nil)
		done <- st
	}()
	pw.Write(make([]byte, 1<<16))
	time.Sleep(100 * time.Millisecond)
	stopped := make(chan struct{})
	go func() { e.Stop(); close(stopped) }()
	time.Sleep(100 * time.Millisecond)
	pw.Write(make([]byte, 1<<16))
	pw.Close()
	if st := <-done; st != 201 {
		t.Errorf("in-flight put during shutdown = %d, want 201", st)
	}
	<-stopped
	if _, err := c.Get(e.URL + "/healthz"); err == nil {
		t.Error("server still answers after shutdown")
	}
}

func TestFailedAuthLimited(t *testing.T) {
	e := servertest.Start(t, servertest.Options{Config: func(c *server.Config) { c.RatePerSec, c.Burst = 1, 3 }})
	c := e.Client(t, "")
	codes := map[int]int{}
	for range 8 {
		st, _, _ := do(t, c, "GET", e.URL+"/v1/whoami", "CKAAAAAAAAAAAAAAAAAA."+strings.Repeat("A", 40), nil, nil)
		codes[st]++
	}
	if codes[429] < 4 || codes[401] < 1 || codes[200] != 0 {
		t.Errorf("8 rapid bad keys gave %v; want mostly 429 after a burst of 401s", codes)
	}
}
