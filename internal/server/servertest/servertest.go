// Package servertest starts a real coffer server for tests: a new vault,
// a development PKI, and TLS 1.3 on 127.0.0.1 with an ephemeral port.
//
// # Security
//
// For tests only: keys live in the test's temporary directory.
package servertest

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"log/slog"
	"net"
	"net/http"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/pki"
	"github.com/coffer-vault/coffer/internal/server"
	"github.com/coffer-vault/coffer/internal/vault"
)

// Options adjust the server a test starts.
type Options struct {
	ClientAuth string                                         // default optional
	Principals []catalog.Principal                            // added to the catalog (default DefaultPrincipals)
	Clients    []string                                       // client certificates to issue (default alice, bob, admin)
	S3         func(server.Backend, server.Keys) http.Handler // mounts an S3 API
	Config     func(*server.Config)                           // last changes
}

// DefaultPrincipals are the catalog principals a test server starts with;
// the starter policies decide what each may do:
//   - alice, a data scientist in ml-research (clearance 3): reads up to
//     restricted data of her department, writes in ml-research;
//   - bob, a marketing analyst (clearance 2): reads marketing data through
//     the starter view marketing-analysts, writes in marketing;
//   - admin: deletes and administers (audit log).
var DefaultPrincipals = []catalog.Principal{
	{ID: "alice", Role: "data-scientist", Department: "ml-research", Clearance: 3},
	{ID: "bob", Role: "analyst", Department: "marketing", Clearance: 2},
	{ID: "admin", Role: "admin", Department: "ops", Clearance: 3},
}

// Env is a running server.
type Env struct {
	URL     string // https://127.0.0.1:PORT
	Addr    string
	PKI     string // PKI directory
	CAFile  string
	Vault   *vault.Vault
	Backend *server.VaultBackend
	Log     *bytes.Buffer // the JSON access log
	stop    func()
	logMu   *sync.Mutex
}

// Start starts a server that stops when t ends.
func Start(t testing.TB, o Options) *Env {
	t.Helper()
	dir := t.TempDir()
	ctx := context.Background()
	home := filepath.Join(dir, "vault")
	if err := vault.Init(ctx, home, vault.InitOptions{}); err != nil {
		t.Fatal(err)
	}
	v, err := vault.Open(ctx, home)
	if err != nil {
		t.Fatal(err)
	}
	pdir := filepath.Join(dir, "pki")
	if o.Clients == nil {
		o.Clients = []string{"alice", "bob", "admin"}
	}
	if err := pki.Init(pdir, nil, o.Clients, pki.Options{}); err != nil {
		t.Fatal(err)
	}
	if o.Principals == nil {
		o.Principals = DefaultPrincipals
	}
	for _, p := range o.Principals {
		if _, err := v.AddPrincipal(ctx, p); err != nil {
			t.Fatal(err)
		}
	}
	v.CacheAccess()
	if o.ClientAuth == "" {
		o.ClientAuth = server.ClientCertOptional
	}
	cfg := server.Config{CertFile: filepath.Join(pdir, pki.ServerCert), KeyFile: filepath.Join(pdir, pki.ServerKey),
		ClientCA: filepath.Join(pdir, pki.CACert), ClientAuth: o.ClientAuth, Grace: 5 * time.Second}
	if o.Config != nil {
		o.Config(&cfg)
	}
	b := &server.VaultBackend{V: v}
	var s3 http.Handler
	if o.S3 != nil {
		s3 = o.S3(b, v)
	}
	logBuf := &bytes.Buffer{}
	mu := &sync.Mutex{}
	log := slog.New(slog.NewJSONHandler(&lockedWriter{mu: mu, w: logBuf}, nil))
	srv := server.New(cfg, b, v, s3, log)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sctx, cancel := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(sctx, ln) }()
	e := &Env{URL: "https://" + ln.Addr().String(), Addr: ln.Addr().String(), PKI: pdir, CAFile: cfg.ClientCA,
		Vault: v, Backend: b, Log: logBuf, logMu: mu}
	var once sync.Once
	e.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Serve: %v", err)
			}
			v.Close()
		})
	}
	t.Cleanup(e.stop)
	return e
}

// Stop shuts the server down (also done when the test ends).
func (e *Env) Stop() { e.stop() }

// AccessLog returns the access log so far.
func (e *Env) AccessLog() string {
	e.logMu.Lock()
	defer e.logMu.Unlock()
	return e.Log.String()
}

// Client returns an HTTPS client that trusts the dev CA and presents the
// client certificate of principal (none if principal is "").
func (e *Env) Client(t testing.TB, principal string) *http.Client {
	t.Helper()
	return &http.Client{Transport: &http.Transport{TLSClientConfig: e.TLS(t, principal)}, Timeout: 2 * time.Minute}
}

// TLS returns the client TLS configuration of Client.
func (e *Env) TLS(t testing.TB, principal string) *tls.Config {
	t.Helper()
	pool, err := pki.CertPool(e.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	tc := &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	if principal != "" {
		c, err := tls.LoadX509KeyPair(filepath.Join(e.PKI, pki.ClientsDir, principal+".pem"), filepath.Join(e.PKI, pki.ClientsDir, principal+"-key.pem"))
		if err != nil {
			t.Fatal(err)
		}
		tc.Certificates = []tls.Certificate{c}
	}
	return tc
}

// Pool returns the dev CA as a pool.
func (e *Env) Pool(t testing.TB) *x509.CertPool {
	p, err := pki.CertPool(e.CAFile)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

type lockedWriter struct {
	mu *sync.Mutex
	w  *bytes.Buffer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}
