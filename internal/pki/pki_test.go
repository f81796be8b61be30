package pki

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"
)

func TestInitFilesAndModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "pki")
	if err := Init(dir, nil, []string{"alice", "bob"}, Options{}); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(dir)
	if err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("dir mode = %v, %v; want 0700", st.Mode().Perm(), err)
	}
	for _, f := range []string{CACert, CAKey, ServerCert, ServerKey, "clients/alice.pem", "clients/alice-key.pem", "clients/bob-key.pem"} {
		st, err := os.Stat(filepath.Join(dir, f))
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Errorf("%s mode = %v, %v; want 0600", f, st.Mode().Perm(), err)
		}
	}
	if err := Init(dir, nil, nil, Options{}); !errors.Is(err, ErrExists) {
		t.Fatalf("second Init = %v, want ErrExists", err)
	}
}

func TestChainsVerify(t *testing.T) {
	dir := t.TempDir()
	if err := Init(dir, nil, []string{"alice"}, Options{}); err != nil {
		t.Fatal(err)
	}
	pool, err := CertPool(filepath.Join(dir, CACert))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := tls.LoadX509KeyPair(filepath.Join(dir, ServerCert), filepath.Join(dir, ServerKey))
	if err != nil {
		t.Fatal(err)
	}
	for _, host := range []string{"localhost", "data.localhost", "127.0.0.1", "::1"} {
		if _, err := srv.Leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: host}); err != nil {
			t.Errorf("server cert for %s: %v", host, err)
		}
	}
	if _, err := srv.Leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: "example.com"}); err == nil {
		t.Error("server cert verified for example.com")
	}
	cl, err := tls.LoadX509KeyPair(filepath.Join(dir, "clients/alice.pem"), filepath.Join(dir, "clients/alice-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.Leaf.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err != nil {
		t.Errorf("client cert: %v", err)
	}
	if id, err := PrincipalOf(cl.Leaf); id != "alice" || err != nil {
		t.Errorf("PrincipalOf = %q, %v; want alice", id, err)
	}
	if got := cl.Leaf.URIs[0].String(); got != "coffer://principal/alice" {
		t.Errorf("URI SAN = %s", got)
	}
}

func TestIssueLaterAndExpired(t *testing.T) {
	dir := t.TempDir()
	if err := Init(dir, nil, nil, Options{}); err != nil {
		t.Fatal(err)
	}
	ca, err := LoadCA(dir)
	if err != nil {
		t.Fatal(err)
	}
	old := Options{NotBefore: time.Now().Add(-48 * time.Hour), Validity: time.Hour}
	if _, err := IssueClient(dir, ca, "carol", old); err != nil {
		t.Fatal(err)
	}
	cl, err := tls.LoadX509KeyPair(filepath.Join(dir, "clients/carol.pem"), filepath.Join(dir, "clients/carol-key.pem"))
	if err != nil {
		t.Fatal(err)
	}
	pool, _ := CertPool(filepath.Join(dir, CACert))
	if _, err := cl.Leaf.Verify(x509.VerifyOptions{Roots: pool, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}); err == nil {
		t.Error("expired certificate verified")
	}
	if _, err := IssueClient(dir, ca, "carol", Options{}); err == nil {
		t.Error("reissuing carol overwrote her files")
	}
	if _, err := IssueClient(dir, ca, "../evil", Options{}); err == nil {
		t.Error("a principal id with a path was accepted")
	}
}

func TestPrincipalOfCN(t *testing.T) {
	ca, _ := NewCA("t", Options{})
	l, _ := ca.Client("dave", Options{})
	l.Cert.URIs = nil
	if id, err := PrincipalOf(l.Cert); id != "dave" || err != nil {
		t.Errorf("PrincipalOf(CN only) = %q, %v", id, err)
	}
	l.Cert.Subject.CommonName = "a b"
	if _, err := PrincipalOf(l.Cert); err == nil {
		t.Error("bad CN accepted")
	}
}
