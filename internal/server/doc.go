// Package server is coffer's HTTPS server: the REST API under /v1, health
// and readiness probes, Prometheus metrics, and a mount point for the
// S3-compatible API (package s3api), all on one TLS 1.3 listener.
//
// The server authenticates; the Backend authorizes. Backend is the seam
// between them: today VaultBackend implements it over *vault.Vault with
// credential-level rules only (a read must declare a purpose its
// credential allows; audit queries need an admin); the policy engine and
// views plug in behind the same methods.
//
// # Security
//
// TLS 1.3 only; client certificates are verified against the configured
// CA when mutual TLS is optional or required. API keys are checked by the
// vault (stored hashed) and never logged. Access logs carry the method,
// path (never the query, which may hold a presigned signature), status,
// sizes, duration, principal and authentication method: no secrets, no
// request or response bodies. Request bodies are bounded by MaxBody, each
// principal by a token bucket, each connection by read, write and idle
// timeouts. Shutdown stops accepting, lets requests in flight finish
// within a grace period, then closes.
package server
