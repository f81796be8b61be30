// Package authn turns what a client presents (a verified client
// certificate, an API key, an S3 Signature Version 4) into a Caller: the
// principal, how it authenticated and the purposes its credential allows.
//
// # Security
//
// SigV4 signatures are recomputed with the key's secret and compared in
// constant time; the request time must lie within MaxSkew of the server's
// clock, and a presigned URL is refused after its expiry (at most 7 days).
// A signed payload is hashed as it streams and the request fails at its
// end if the hash differs; aws-chunked bodies are released one verified
// chunk at a time (chunks are bounded by MaxChunk). Secrets never appear in
// errors. authn decides who is asking, never what they may do: that is the
// backend's authorization.
package authn
