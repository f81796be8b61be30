package server_test

import (
	"crypto/tls"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/pki"
	"github.com/coffer-vault/coffer/internal/server"
	"github.com/coffer-vault/coffer/internal/server/servertest"
)

func whoami(t *testing.T, c *http.Client, url string) (string, error) {
	t.Helper()
	resp, err := c.Get(url + "/v1/whoami")
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		return resp.Status, nil
	}
	return string(b), nil
}

func TestMTLSRequired(t *testing.T) {
	e := servertest.Start(t, servertest.Options{ClientAuth: server.ClientCertRequired})
	// A valid certificate is accepted and names its principal.
	got, err := whoami(t, e.Client(t, "alice"), e.URL)
	if err != nil || !strings.Contains(got, `"principal": "alice"`) || !strings.Contains(got, `"auth": "mtls"`) {
		t.Fatalf("alice: %q, %v", got, err)
	}
	// No certificate: refused in the handshake.
	if _, err := whoami(t, e.Client(t, ""), e.URL); err == nil {
		t.Error("a client without a certificate was accepted")
	}
	// TLS 1.2 only: refused.
	tc := e.TLS(t, "alice")
	tc.MaxVersion = tls.VersionTLS12
	if _, err := whoami(t, &http.Client{Transport: &http.Transport{TLSClientConfig: tc}}, e.URL); err == nil || !strings.Contains(err.Error(), "protocol version") {
		t.Errorf("TLS 1.2 client: %v, want a protocol version alert", err)
	}
	// A certificate from another CA: refused.
	other := t.TempDir()
	if err := pki.Init(other, nil, []string{"alice"}, pki.Options{}); err != nil {
		t.Fatal(err)
	}
	tc = e.TLS(t, "")
	c, _ := tls.LoadX509KeyPair(filepath.Join(other, "clients/alice.pem"), filepath.Join(other, "clients/alice-key.pem"))
	tc.Certificates = []tls.Certificate{c}
	if got, err := whoami(t, &http.Client{Transport: &http.Transport{TLSClientConfig: tc}}, e.URL); err == nil {
		t.Errorf("a certificate from an unknown CA was accepted: %s", got)
	}
	// An expired certificate from the right CA: refused.
	ca, err := pki.LoadCA(e.PKI)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := pki.IssueClient(e.PKI, ca, "old", pki.Options{NotBefore: time.Now().Add(-72 * time.Hour), Validity: time.Hour}); err != nil {
		t.Fatal(err)
	}
	if got, err := whoami(t, e.Client(t, "old"), e.URL); err == nil {
		t.Errorf("an expired certificate was accepted: %s", got)
	}
}

func TestTLS13Only(t *testing.T) {
	e := servertest.Start(t, servertest.Options{})
	resp, err := e.Client(t, "").Get(e.URL + "/healthz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.TLS.Version != tls.VersionTLS13 {
		t.Errorf("negotiated %x, want TLS 1.3", resp.TLS.Version)
	}
	tc := e.TLS(t, "")
	tc.MaxVersion = tls.VersionTLS12
	if _, err := (&http.Client{Transport: &http.Transport{TLSClientConfig: tc}}).Get(e.URL + "/healthz"); err == nil {
		t.Error("TLS 1.2 client accepted with optional mTLS")
	}
	// Optional mTLS: no certificate and no key is 401, not a handshake failure.
	got, err := whoami(t, e.Client(t, ""), e.URL)
	if err != nil || got != "401 Unauthorized" {
		t.Errorf("anonymous whoami = %q, %v; want 401", got, err)
	}
}

func TestHTTP2(t *testing.T) {
	e := servertest.Start(t, servertest.Options{})
	c := &http.Client{Transport: &http.Transport{TLSClientConfig: e.TLS(t, "alice"), ForceAttemptHTTP2: true}}
	resp, err := c.Get(e.URL + "/v1/whoami")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Proto != "HTTP/2.0" || !strings.Contains(string(b), `"principal": "alice"`) {
		t.Errorf("h2 whoami = %s %s", resp.Proto, b)
	}
}
