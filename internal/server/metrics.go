package server

import (
	"net/http"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// metrics are the server's Prometheus metrics, in a registry of its own
// (no global state: two servers in one test process do not collide).
type metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	duration *prometheus.HistogramVec
	bytesOut *prometheus.CounterVec
	inflight prometheus.Gauge
}

func newMetrics() *metrics {
	m := &metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "coffer_http_requests_total",
			Help: "HTTP requests by API (rest, s3, probe), method and status code."}, []string{"api", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "coffer_http_request_duration_seconds",
			Help:    "Time from request to the end of the response, by API and method.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 16)}, []string{"api", "method"}),
		bytesOut: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "coffer_http_response_bytes_total",
			Help: "Response body bytes by API."}, []string{"api"}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{Name: "coffer_http_requests_in_flight",
			Help: "Requests being served."}),
	}
	m.reg.MustRegister(m.requests, m.duration, m.bytesOut, m.inflight,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}
