// Package pki makes the certificates a development coffer server needs: an
// ECDSA P-256 certificate authority, a server certificate for localhost,
// 127.0.0.1 and ::1, and client certificates that name a principal, and it
// reads the principal back out of a verified client certificate.
//
// A client certificate carries the principal id twice: in a URI SAN
// coffer://principal/ID (authoritative) and as the subject's common name
// (for humans and tools that show only the subject).
//
// # Security
//
// Private keys are written with mode 0600 into a directory of mode 0700,
// through a temporary file renamed into place, and never overwritten: Init
// refuses a directory that already holds a CA. The CA is for development
// and tests; in production use your own CA and point the server at it.
// PrincipalOf trusts its certificate: call it only on a chain that TLS has
// verified against the configured client CA.
package pki
