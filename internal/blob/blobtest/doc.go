// Package blobtest is the conformance suite for blob.Store: every backend's
// tests call Run with a constructor for a fresh, empty store.
//
//	func TestConformance(t *testing.T) {
//		blobtest.Run(t, func(t *testing.T) blob.Store { ... })
//	}
//
// # Security
//
// The suite checks the promises blob.Store makes to the rest of coffer:
// an object is either absent or complete (a failed or canceled Put leaves
// neither an object nor a temporary leftover), an existing object is never
// replaced, invalid keys are refused before they reach the backend, and
// not-found errors match blob.ErrNotFound. It does not check durability
// across crashes (a backend's own tests simulate that) nor integrity, which
// seal provides.
package blobtest
