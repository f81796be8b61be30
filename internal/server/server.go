package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync/atomic"
	"time"
)

// Server is coffer's HTTPS server.
type Server struct {
	cfg     Config
	backend Backend
	keys    Keys
	s3      http.Handler
	log     *slog.Logger
	metrics *metrics
	limits  *limiter
	ready   atomic.Bool
	handler http.Handler
	now     func() time.Time
}

// New builds a server. s3, if not nil, serves every request outside /v1,
// /healthz, /readyz and /metrics (the S3-compatible API). log receives
// the JSON access log.
func New(cfg Config, b Backend, keys Keys, s3 http.Handler, log *slog.Logger) *Server {
	cfg.defaults()
	s := &Server{cfg: cfg, backend: b, keys: keys, s3: s3, log: log, metrics: newMetrics(),
		limits: newLimiter(cfg.RatePerSec, cfg.Burst), now: time.Now}
	s.handler = s.routes()
	return s
}

// Handler is the server's handler, for tests that bring their own listener.
func (s *Server) Handler() http.Handler { return s.handler }

// Serve serves HTTPS on ln until ctx is done, then shuts down gracefully:
// no new connections, requests in flight get cfg.Grace to finish.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	tc, err := s.cfg.TLSConfig()
	if err != nil {
		return err
	}
	hs := &http.Server{
		Handler:           s.handler,
		TLSConfig:         tc,
		ReadHeaderTimeout: s.cfg.ReadHeader,
		ReadTimeout:       s.cfg.ReadTimeout,
		WriteTimeout:      s.cfg.WriteTimeout,
		IdleTimeout:       s.cfg.IdleTimeout,
		MaxHeaderBytes:    s.cfg.MaxHeader,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	errc := make(chan error, 1)
	s.ready.Store(true)
	// ServeTLS (not Serve on a TLS listener) also sets up HTTP/2 for
	// clients that negotiate h2; the certificate is in TLSConfig.
	go func() { errc <- hs.ServeTLS(ln, "", "") }()
	select {
	case err := <-errc:
		s.ready.Store(false)
		return err
	case <-ctx.Done():
	}
	s.ready.Store(false)
	s.log.Info("shutting down", "grace", s.cfg.Grace.String())
	sctx, cancel := context.WithTimeout(context.Background(), s.cfg.Grace)
	defer cancel()
	err = hs.Shutdown(sctx)
	if errors.Is(err, context.DeadlineExceeded) {
		hs.Close()
	}
	if serr := <-errc; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}

// ListenAndServe listens on cfg.Addr and serves until ctx is done.
func (s *Server) ListenAndServe(ctx context.Context) error {
	ln, err := net.Listen("tcp", s.cfg.Addr)
	if err != nil {
		return err
	}
	return s.Serve(ctx, ln)
}

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, _ *http.Request) { w.Write([]byte("ok\n")) })
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.metrics.handler())
	s.restRoutes(mux)
	if s.s3 != nil {
		mux.Handle("/", s.s3)
	}
	return s.wrap(mux)
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if !s.ready.Load() {
		http.Error(w, "not ready\n", http.StatusServiceUnavailable)
		return
	}
	var err error
	if rb, ok := s.backend.(interface{ Ready(context.Context) error }); ok {
		err = rb.Ready(r.Context())
	} else {
		_, err = s.backend.Datasets(r.Context(), healthCaller)
	}
	if err != nil {
		http.Error(w, "catalog unavailable\n", http.StatusServiceUnavailable)
		return
	}
	w.Write([]byte("ready\n"))
}
