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
const customersCSV = `id,name,email,department,revenue
1,Alice Smith,alice.smith@example.com,marketing,12345.67
2,Bob Jones,bob.jones@example.com,sales,98000
3,Carol White,carol.white@example.com,marketing,4321
`

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
	// A key only for a principal the catalog knows and has not disabled.
	if _, e, code := runCLI(t, home, "principal", "key", "create", "ghost", "--purpose", "marketing"); code != 5 || !strings.Contains(e, "does not exist") {
		t.Errorf("key create for an unknown principal = %d %s; want exit 5", code, e)
	}
	for _, args := range [][]string{
		{"principal", "add", "bob", "--role", "analyst", "--department", "marketing", "--clearance", "2"},
		{"principal", "add", "carol", "--role", "analyst", "--department", "marketing", "--clearance", "2"},
		{"principal", "disable", "carol"},
	} {
		if _, e, code := runCLI(t, home, args...); code != 0 {
			t.Fatalf("%v: %s", args, e)
		}
	}
	if _, e, code := runCLI(t, home, "principal", "key", "create", "carol", "--purpose", "marketing"); code != 3 || !strings.Contains(e, "disabled") {
		t.Errorf("key create for a disabled principal = %d %s; want exit 3", code, e)
	}
	csv := filepath.Join(t.TempDir(), "customers.csv")
	os.WriteFile(csv, []byte(customersCSV), 0o600)
	if _, e, code := runCLI(t, home, "put", "crm/customers.csv", csv, "--classification", "confidential", "--department", "marketing", "--tag", "domain=customers"); code != 0 {
		t.Fatalf("put: %s", e)
	}
	viewed, e, code := runCLI(t, home, "get", "crm/customers.csv", "--as", "bob", "--purpose", "marketing")
	if code != 0 || strings.Contains(viewed, "Alice") || !strings.Contains(viewed, "12000") {
		t.Fatalf("get --as bob = %d %q %s", code, viewed, e)
	}
	out, e, code := runCLI(t, home, "principal", "key", "create", "bob", "--purpose", "marketing", "-o", "json")
	var k struct{ ID, Secret string }
	if err := json.Unmarshal([]byte(out), &k); code != 0 || err != nil || k.ID == "" || len(k.Secret) != 40 {
		t.Fatalf("key create = %d, output %q: %v %s", code, out, err, e)
	}
	if out, _, _ := runCLI(t, home, "principal", "key", "ls"); !strings.Contains(out, k.ID) || strings.Contains(out, k.Secret) || !strings.Contains(out, "active") {
		t.Errorf("key ls:\n%s", out)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	logs := &syncBuf{}
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"--home", home, "serve", "--addr", "127.0.0.1:0"}, strings.NewReader(""), io.Discard, logs)
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
	// Over REST bob gets exactly what `coffer get --as bob --purpose
	// marketing` gave: the marketing view.
	req, _ := http.NewRequest("GET", url+"/v1/data/crm/customers.csv", nil)
	req.Header.Set("Authorization", "Bearer "+k.ID+"."+k.Secret)
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != viewed {
		t.Errorf("REST get = %d %q; want %q", resp.StatusCode, b, viewed)
	}
	req, _ = http.NewRequest("PUT", url+"/v1/data/demo/a.csv?department=marketing", strings.NewReader("x,y\n1,2\n"))
	req.Header.Set("Authorization", "Bearer "+k.ID+"."+k.Secret)
	resp, err = c.Do(req)
	if err != nil || resp.StatusCode != 201 {
		t.Fatalf("put: %v %v", err, resp)
	}
	resp.Body.Close()
	req, _ = http.NewRequest("GET", url+"/v1/data/demo/a.csv", nil)
	req.Header.Set("Authorization", "Bearer "+k.ID+"."+k.Secret)
	req.Header.Set("X-Coffer-Purpose", "marketing")
	resp, err = c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ = io.ReadAll(resp.Body)
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
