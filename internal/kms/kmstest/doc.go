// Package kmstest is the conformance suite for kms.Keyring and
// kms.Manager: every implementation's tests call Run (and, for a Manager,
// RunManager) with a constructor for a fresh keyring, once per way it can
// be set up (for local: each root of trust, and behind a kms.Cache).
//
//	func TestConformance(t *testing.T) {
//		kmstest.Run(t, func(t *testing.T) kms.Keyring { ... })
//		kmstest.RunManager(t, func(t *testing.T) kms.Manager { ... })
//	}
//
// PKCS11Env gives the PKCS#11 test token that scripts/softhsm sets up, and
// skips the test without one (fails it when CI=true).
//
// # Security
//
// The suite checks the promises kms.Keyring makes: a DEK unwraps only with
// the aad it was wrapped with; a wrapped key changed in any byte, truncated
// or extended fails with kms.ErrUnwrap; wrapping is randomized; a DEK never
// prints its bytes through fmt, slog or encoding/json; errors never hold
// the DEK. RunManager checks the lifecycle: old versions unwrap after
// rotation; rewrap moves keys to the primary and is idempotent; a
// disabled, pending or destroyed version refuses authentic and forged
// wraps in the same words (no oracle), matching kms.ErrDisabled or
// kms.ErrDestroyed; the primary cannot be disabled or scheduled; deletion
// windows are bounded; a sweep honours the caller's veto. It cannot check
// where an implementation keeps its KEKs: each implementation's own tests
// do.
package kmstest
