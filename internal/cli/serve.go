package cli

import (
	"bytes"
	"errors"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/spf13/cobra"
	"go.yaml.in/yaml/v3"

	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/s3api"
	"github.com/coffer-vault/coffer/internal/server"
)

// ServeFile is the optional server configuration in the vault's home.
const ServeFile = "serve.yaml"

// serveFile is the shape of serve.yaml; relative paths are under the home.
type serveFile struct {
	Addr         string        `yaml:"addr"`
	Cert         string        `yaml:"cert"`
	Key          string        `yaml:"key"`
	ClientCA     string        `yaml:"client_ca"`
	ClientAuth   string        `yaml:"client_auth"`
	ReadTimeout  time.Duration `yaml:"read_timeout"`
	WriteTimeout time.Duration `yaml:"write_timeout"`
	IdleTimeout  time.Duration `yaml:"idle_timeout"`
	MaxBody      int64         `yaml:"max_body"`
	Rate         float64       `yaml:"rate"`
	Burst        int           `yaml:"burst"`
	S3Domain     string        `yaml:"s3_domain"`
	Spool        string        `yaml:"spool"`
}

func readServeFile(home string) (serveFile, error) {
	var f serveFile
	b, err := os.ReadFile(filepath.Join(home, ServeFile))
	if errors.Is(err, fs.ErrNotExist) {
		return f, nil
	}
	if err != nil {
		return f, fault.Wrap(fault.Other, err, "cannot read %s", ServeFile)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&f); err != nil {
		return f, fault.Wrap(fault.Invalid, err, "%s is not valid", filepath.Join(home, ServeFile)).WithHint("see docs/serve.md")
	}
	return f, nil
}

func serveCmd(e *env) *cobra.Command {
	var fl serveFile
	c := &cobra.Command{
		Use:   "serve",
		Short: "Serve the vault over HTTPS (TLS 1.3): REST API under /v1 and an S3-compatible API",
		Long: `serve runs coffer's HTTPS server on one TLS 1.3 listener: the REST API under
/v1 (OpenAPI at /v1/openapi.yaml), /healthz, /readyz, Prometheus /metrics,
and the S3-compatible API on every other path (path-style, or host-style as
BUCKET.<s3-domain>). Clients authenticate with a client certificate (mutual
TLS: none, optional or required) or an API key (coffer principal key
create). Every request is decided by the vault's policies and views as the
authenticated principal, which must exist in the catalog (coffer principal
add). Settings come from HOME/serve.yaml, then flags. The access log is
JSON on stderr. SIGINT or SIGTERM shuts down gracefully.`,
		Example: "  coffer principal add bob --role analyst --department marketing --clearance 2\n" +
			"  coffer pki init --client bob && coffer principal key create bob --purpose marketing\n" +
			"  coffer serve --addr 127.0.0.1:8443\n" +
			"  aws --endpoint-url https://127.0.0.1:8443 --ca-bundle .coffer/pki/ca.pem s3 ls",
		Args: args(0, 0),
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			f, err := readServeFile(e.home)
			if err != nil {
				return err
			}
			mergeFlags(cmd, &f, fl)
			return e.serve(f)
		}),
	}
	fs := c.Flags()
	fs.StringVar(&fl.Addr, "addr", "127.0.0.1:8443", "listen address")
	fs.StringVar(&fl.Cert, "cert", "pki/server.pem", "server certificate (relative to HOME)")
	fs.StringVar(&fl.Key, "key", "pki/server-key.pem", "server private key (relative to HOME)")
	fs.StringVar(&fl.ClientCA, "client-ca", "pki/ca.pem", "CA of client certificates (relative to HOME)")
	fs.StringVar(&fl.ClientAuth, "client-auth", "optional", "mutual TLS: none, optional or required")
	fs.DurationVar(&fl.ReadTimeout, "read-timeout", 30*time.Minute, "longest time to read one request, body included")
	fs.DurationVar(&fl.WriteTimeout, "write-timeout", 30*time.Minute, "longest time to write one response")
	fs.DurationVar(&fl.IdleTimeout, "idle-timeout", 2*time.Minute, "keep-alive connections idle longer are closed")
	fs.Int64Var(&fl.MaxBody, "max-body", 64<<30, "largest request body in bytes")
	fs.Float64Var(&fl.Rate, "rate", 200, "requests per second per principal")
	fs.IntVar(&fl.Burst, "burst", 400, "burst of requests per principal")
	fs.StringVar(&fl.S3Domain, "s3-domain", "localhost", "host-style S3: BUCKET.<domain> addresses BUCKET")
	fs.StringVar(&fl.Spool, "spool", "s3-spool", "directory for multipart parts (sealed; relative to HOME)")
	return c
}

// mergeFlags fills f's unset fields from the flags' defaults and overrides
// them with the flags the user set.
func mergeFlags(cmd *cobra.Command, f *serveFile, fl serveFile) {
	set := func(name string, dst any, src any) {
		if cmd.Flags().Changed(name) || isZero(dst) {
			switch d := dst.(type) {
			case *string:
				*d = src.(string)
			case *time.Duration:
				*d = src.(time.Duration)
			case *int64:
				*d = src.(int64)
			case *float64:
				*d = src.(float64)
			case *int:
				*d = src.(int)
			case *[]string:
				*d = src.([]string)
			}
		}
	}
	set("addr", &f.Addr, fl.Addr)
	set("cert", &f.Cert, fl.Cert)
	set("key", &f.Key, fl.Key)
	set("client-ca", &f.ClientCA, fl.ClientCA)
	set("client-auth", &f.ClientAuth, fl.ClientAuth)
	set("read-timeout", &f.ReadTimeout, fl.ReadTimeout)
	set("write-timeout", &f.WriteTimeout, fl.WriteTimeout)
	set("idle-timeout", &f.IdleTimeout, fl.IdleTimeout)
	set("max-body", &f.MaxBody, fl.MaxBody)
	set("rate", &f.Rate, fl.Rate)
	set("burst", &f.Burst, fl.Burst)
	set("s3-domain", &f.S3Domain, fl.S3Domain)
	set("spool", &f.Spool, fl.Spool)
}

func isZero(p any) bool {
	switch d := p.(type) {
	case *string:
		return *d == ""
	case *time.Duration:
		return *d == 0
	case *int64:
		return *d == 0
	case *float64:
		return *d == 0
	case *int:
		return *d == 0
	case *[]string:
		return len(*d) == 0
	}
	return false
}

func (e *env) serve(f serveFile) error {
	abs := func(p string) string {
		if p == "" || filepath.IsAbs(p) {
			return p
		}
		return filepath.Join(e.home, p)
	}
	cfg := server.Config{Addr: f.Addr, CertFile: abs(f.Cert), KeyFile: abs(f.Key), ClientCA: abs(f.ClientCA),
		ClientAuth: f.ClientAuth, ReadTimeout: f.ReadTimeout, WriteTimeout: f.WriteTimeout, IdleTimeout: f.IdleTimeout,
		MaxBody: f.MaxBody, RatePerSec: f.Rate, Burst: f.Burst}
	if f.ClientAuth == server.ClientCertNone {
		cfg.ClientCA = ""
	}
	if _, err := cfg.TLSConfig(); err != nil {
		return fault.Wrap(fault.Invalid, err, "cannot set up TLS").WithHint("run: coffer pki init (or pass --cert, --key, --client-ca)")
	}
	v, err := e.open()
	if err != nil {
		return err
	}
	defer v.Close()
	v.CacheAccess()
	b := &server.VaultBackend{V: v}
	s3, err := s3api.New(b, v, s3api.Options{Domain: f.S3Domain, SpoolDir: abs(f.Spool)})
	if err != nil {
		return fault.Wrap(fault.Other, err, "cannot set up the S3 spool")
	}
	defer s3.Close()
	log := slog.New(slog.NewJSONHandler(e.stderr, nil))
	srv := server.New(cfg, b, v, s3, log)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fault.Wrap(fault.Other, err, "cannot listen on %s", cfg.Addr)
	}
	ctx, stop := signal.NotifyContext(e.ctx, os.Interrupt, syscall.SIGTERM)
	defer stop()
	log.Info("serving", "url", "https://"+ln.Addr().String(), "client_auth", cfg.ClientAuth, "s3_domain", f.S3Domain)
	if err := srv.Serve(ctx, ln); err != nil {
		return fault.Wrap(fault.Other, err, "server")
	}
	log.Info("stopped")
	return nil
}
