// Package kmstest is the conformance suite for kms.Keyring: every
// implementation's tests call Run with a constructor for a fresh keyring.
//
//	func TestConformance(t *testing.T) {
//		kmstest.Run(t, func(t *testing.T) kms.Keyring { ... })
//	}
//
// # Security
//
// The suite checks the promises kms.Keyring makes: a DEK unwraps only with
// the aad it was wrapped with; a wrapped key changed in any byte, truncated
// or extended fails with kms.ErrUnwrap; wrapping is randomized; a DEK never
// prints its bytes through fmt, slog or encoding/json; errors never hold
// the DEK. It cannot check where an implementation keeps its KEKs: each
// implementation's own tests do.
package kmstest
