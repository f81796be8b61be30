package server

import (
	"crypto/tls"
	"fmt"
	"time"

	"github.com/coffer-vault/coffer/internal/pki"
)

// ClientAuth modes.
const (
	ClientCertNone     = "none"     // no client certificates asked for
	ClientCertOptional = "optional" // verified if presented; API keys otherwise
	ClientCertRequired = "required" // every connection must present a valid one
)

// Config configures a Server. Zero durations and sizes take the defaults.
type Config struct {
	Addr         string        // listen address, e.g. 127.0.0.1:8443
	CertFile     string        // server certificate (PEM)
	KeyFile      string        // its private key (PEM)
	ClientCA     string        // CA certificates for client certificates (PEM)
	ClientAuth   string        // none, optional or required
	ReadHeader   time.Duration // time to read request headers (default 10s)
	ReadTimeout  time.Duration // whole request including body (default 30m: large puts)
	WriteTimeout time.Duration // whole response (default 30m: large gets)
	IdleTimeout  time.Duration // keep-alive idle (default 2m)
	MaxBody      int64         // bytes of one request body (default 64 GiB)
	MaxHeader    int           // bytes of request headers (default 64 KiB)
	RatePerSec   float64       // requests per second per principal (default 200)
	Burst        int           // token bucket size (default 400)
	Grace        time.Duration // shutdown grace period (default 30s)
}

func (c *Config) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&c.ReadHeader, 10*time.Second)
	def(&c.ReadTimeout, 30*time.Minute)
	def(&c.WriteTimeout, 30*time.Minute)
	def(&c.IdleTimeout, 2*time.Minute)
	def(&c.Grace, 30*time.Second)
	if c.MaxBody == 0 {
		c.MaxBody = 64 << 30
	}
	if c.MaxHeader == 0 {
		c.MaxHeader = 64 << 10
	}
	if c.RatePerSec == 0 {
		c.RatePerSec = 200
	}
	if c.Burst == 0 {
		c.Burst = 400
	}
	if c.ClientAuth == "" {
		c.ClientAuth = ClientCertOptional
	}
}

// TLSConfig builds the listener's TLS configuration: TLS 1.3 only, the
// server certificate, and client certificate verification per ClientAuth.
func (c *Config) TLSConfig() (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(c.CertFile, c.KeyFile)
	if err != nil {
		return nil, fmt.Errorf("server: certificate: %w", err)
	}
	tc := &tls.Config{
		MinVersion:   tls.VersionTLS13,
		MaxVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{cert},
		NextProtos:   []string{"h2", "http/1.1"},
	}
	mode := c.ClientAuth
	if mode == "" {
		mode = ClientCertOptional
	}
	switch mode {
	case ClientCertNone:
		tc.ClientAuth = tls.NoClientCert
		return tc, nil
	case ClientCertOptional:
		tc.ClientAuth = tls.VerifyClientCertIfGiven
	case ClientCertRequired:
		tc.ClientAuth = tls.RequireAndVerifyClientCert
	default:
		return nil, fmt.Errorf("server: client_auth %q is unknown: use none, optional or required", c.ClientAuth)
	}
	if c.ClientCA == "" {
		return nil, fmt.Errorf("server: client_auth %s needs a client CA file", mode)
	}
	pool, err := pki.CertPool(c.ClientCA)
	if err != nil {
		return nil, fmt.Errorf("server: client CA: %w", err)
	}
	tc.ClientCAs = pool
	return tc, nil
}
