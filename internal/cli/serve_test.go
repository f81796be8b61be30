package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/pki"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

func runCLI(t *testing.T, home string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), append([]string{"--home", home}, args...), strings.NewReader(""), &out, &errb)
	return out.String(), errb.String(), code
}

// TestServeEndToEnd wires the commands together: pki init, principal key
// create, serve on an ephemeral port, a REST put and get with the key, and
// a graceful stop.
func TestServeEndToEnd(t *testing.T) {
	home := filepath.Join(t.TempDir(), "vault")
	if _, e, code := runCLI(t, home, "init"); code != 0 {
		t.Fatalf("init: %s", e)
	}
	if _, e, code := runCLI(t, home, "pki", "init", "--client", "admin"); code != 0 {
		t.Fatalf("pki init: %s", e)
	}
	if _, e, code := runCLI(t, home, "pki", "init"); code != 2 || !strings.Contains(e, "already holds a CA") {
		t.Errorf("second pki init = %d %s", code, e)
	}
	out, e, code := runCLI(t, home, "principal", "key", "create", "alice", "--purpose", "training", "-o", "json")
	if code != 0 {
		t.Fatalf("key create: %s", e)
	}
	var k struct{ ID, Secret string }
	if err := json.Unmarshal([]byte(out), &k); err != nil || k.ID == "" || len(k.Secret) != 40 {
		t.Fatalf("key create output %q: %v", out, err)
	}
	if out, _, _ := runCLI(t, home, "principal", "key", "ls"); !strings.Contains(out, k.ID) || strings.Contains(out, k.Secret) || !strings.Contains(out, "active") {
		t.Errorf("key ls:\n%s", out)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &syncBuf{}
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"--home", home, "serve", "--addr", "127.0.0.1:0", "--admin", "admin"}, strings.NewReader(""), io.Discard, logs)
	}()
	re := regexp.MustCompile(`"url":"(https://127\.0\.0\.1:\d+)"`)
	var url string
	for i := 0; i < 200 && url == ""; i++ {
		if m := re.FindStringSubmatch(logs.String()); m != nil {
			url = m[1]
		}
		time.Sleep(20 * time.Millisecond)
	}
	if url == "" {
		t.Fatalf("serve did not start:\n%s", logs.String())
	}
	pool, err := pki.CertPool(filepath.Join(home, "pki", pki.CACert))
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	req, _ := http.NewRequest("PUT", url+"/v1/data/demo/a.csv", strings.NewReader("x,y\n1,2\n"))
	req.Header.Set("Authorization", "Bearer "+k.ID+"."+k.Secret)
	resp, err := c.Do(req)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("put: %v %v", err, resp)
	}
	resp.Body.Close()
	req, _ = http.NewRequest("GET", url+"/v1/data/demo/a.csv", nil)
	req.Header.Set("Authorization", "Bearer "+k.ID+"."+k.Secret)
	req.Header.Set("X-Coffer-Purpose", "training")
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if string(b) != "x,y\n1,2\n" {
		t.Errorf("get = %d %q", resp.StatusCode, b)
	}
	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exit = %d:\n%s", code, logs.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("serve did not stop")
	}
	if strings.Contains(logs.String(), k.Secret) {
		t.Error("the server log holds the secret")
	}
	if _, e, code := runCLI(t, home, "principal", "key", "revoke", "CKAAAAAAAAAAAAAAAAAA"); code != 5 {
		t.Errorf("revoke unknown = %d %s", code, e)
	}
	os.Remove(filepath.Join(home, "pki", pki.ServerKey))
	if _, e, code := runCLI(t, home, "serve", "--addr", "127.0.0.1:0"); code != 2 || !strings.Contains(e, "TLS") {
		t.Errorf("serve without a key = %d %s", code, e)
	}
}
