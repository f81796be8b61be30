package server

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/coffer-vault/coffer/internal/authn"
	"github.com/coffer-vault/coffer/internal/pki"
)

// healthCaller is the identity readiness probes read the catalog as.
var healthCaller = authn.Caller{Principal: "coffer-readyz", Method: "internal"}

// reqInfo is what the layers of one request tell the access log and the
// rate limiter; it travels in the request's context.
type reqInfo struct {
	caller  authn.Caller
	api     string // rest, s3, probe
	limiter *limiter
}

type ctxKey struct{}

func info(ctx context.Context) *reqInfo {
	ri, _ := ctx.Value(ctxKey{}).(*reqInfo)
	return ri
}

// ErrRateLimited is returned by Admit for a caller over its rate.
var ErrRateLimited = errors.New("server: rate limit exceeded")

// Admit records c as the caller of r (for the access log) and takes a
// token from c's bucket; over the limit it returns ErrRateLimited. The REST
// API calls it after authenticating, the S3 API after verifying SigV4.
func Admit(r *http.Request, c authn.Caller) error {
	ri := info(r.Context())
	if ri == nil {
		return nil
	}
	ri.caller = c
	if !ri.limiter.allow(c.Principal) {
		return ErrRateLimited
	}
	return nil
}

// AuthFailed counts a failed authentication against the client's address
// (its own token bucket, "addr:IP") and reports whether the client is now
// over its rate: failed attempts are limited like requests, so that guessing
// keys or signatures is as slow as the rate allows.
func AuthFailed(r *http.Request) (limited bool) {
	ri := info(r.Context())
	if ri == nil {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	return !ri.limiter.allow("addr:" + host)
}

// CallerFromCert returns the principal of r's verified client certificate.
func CallerFromCert(r *http.Request) (authn.Caller, bool) {
	if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 || len(r.TLS.VerifiedChains[0]) == 0 {
		return authn.Caller{}, false
	}
	id, err := pki.PrincipalOf(r.TLS.VerifiedChains[0][0])
	if err != nil {
		return authn.Caller{}, false
	}
	return authn.Caller{Principal: id, Method: authn.MTLS, Any: true}, true
}

// wrap adds, around every request: context info, body limit, panic
// recovery, metrics and the access log.
func (s *Server) wrap(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := s.now()
		ri := &reqInfo{api: apiOf(r.URL.Path), limiter: s.limits}
		r = r.WithContext(context.WithValue(r.Context(), ctxKey{}, ri))
		if r.ContentLength > s.cfg.MaxBody {
			tooLarge(w, ri.api)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.cfg.MaxBody)
		sw := &statusWriter{ResponseWriter: w}
		s.metrics.inflight.Inc()
		defer func() {
			s.metrics.inflight.Dec()
			p := recover()
			if p != nil && p != http.ErrAbortHandler {
				s.log.Error("panic in handler", "path", r.URL.Path, "panic", p)
				if sw.status == 0 {
					http.Error(sw, "internal error\n", http.StatusInternalServerError)
				}
			}
			s.observe(r, sw, ri, start, p == http.ErrAbortHandler)
			if p == http.ErrAbortHandler {
				panic(p) // net/http closes the connection: the client sees a cut response
			}
		}()
		next.ServeHTTP(sw, r)
	})
}

func (s *Server) observe(r *http.Request, sw *statusWriter, ri *reqInfo, start time.Time, aborted bool) {
	status := sw.status
	if status == 0 {
		status = http.StatusOK
	}
	level := slog.LevelInfo
	if aborted || status >= http.StatusInternalServerError {
		level = slog.LevelError
	}
	d := s.now().Sub(start)
	code := strconv.Itoa(status)
	s.metrics.requests.WithLabelValues(ri.api, r.Method, code).Inc()
	s.metrics.duration.WithLabelValues(ri.api, r.Method).Observe(d.Seconds())
	s.metrics.bytesOut.WithLabelValues(ri.api).Add(float64(sw.n))
	host, _, _ := net.SplitHostPort(r.RemoteAddr)
	s.log.LogAttrs(r.Context(), level, "request", slog.Bool("aborted", aborted),
		slog.String("api", ri.api), slog.String("method", r.Method), slog.String("path", r.URL.Path),
		slog.Int("status", status), slog.Int64("bytes_in", max(r.ContentLength, 0)), slog.Int64("bytes_out", sw.n),
		slog.Float64("duration_ms", float64(d.Microseconds())/1000), slog.String("principal", ri.caller.Principal),
		slog.String("auth", string(ri.caller.Method)), slog.String("remote", host), slog.String("proto", r.Proto))
}

func apiOf(path string) string {
	switch {
	case path == "/healthz" || path == "/readyz" || path == "/metrics":
		return "probe"
	case path == "/v1" || strings.HasPrefix(path, "/v1/"):
		return "rest"
	}
	return "s3"
}

// statusWriter records the status and size of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	n      int64
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(p)
	w.n += int64(n)
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// Started reports whether a response has begun (headers sent).
func Started(w http.ResponseWriter) bool {
	for {
		switch x := w.(type) {
		case *statusWriter:
			return x.status != 0
		case interface{ Unwrap() http.ResponseWriter }:
			w = x.Unwrap()
		default:
			return false
		}
	}
}

// limiter keeps one token bucket per principal. Buckets idle for long are
// dropped so that the map stays bounded by the active principals.
type limiter struct {
	mu      sync.Mutex
	r       rate.Limit
	burst   int
	buckets map[string]*bucket
	swept   time.Time
}

type bucket struct {
	l    *rate.Limiter
	seen time.Time
}

func newLimiter(perSec float64, burst int) *limiter {
	return &limiter{r: rate.Limit(perSec), burst: burst, buckets: map[string]*bucket{}}
}

func (l *limiter) allow(principal string) bool {
	now := time.Now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if now.Sub(l.swept) > time.Minute {
		for k, b := range l.buckets {
			if now.Sub(b.seen) > 10*time.Minute {
				delete(l.buckets, k)
			}
		}
		l.swept = now
	}
	b := l.buckets[principal]
	if b == nil {
		b = &bucket{l: rate.NewLimiter(l.r, l.burst)}
		l.buckets[principal] = b
	}
	b.seen = now
	return b.l.AllowN(now, 1)
}

// tooLarge refuses a body over the limit in the API's own error format.
func tooLarge(w http.ResponseWriter, api string) {
	if api == "s3" {
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusBadRequest)
		w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" +
			`<Error><Code>EntityTooLarge</Code><Message>the body is larger than the server allows</Message></Error>`))
		return
	}
	writeJSONErr(w, http.StatusRequestEntityTooLarge, "too large", "request body over the server's limit")
}
