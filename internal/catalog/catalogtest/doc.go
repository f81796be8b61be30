// Package catalogtest is the conformance suite for catalog.Store: every
// backend's tests call Run with a function that creates a fresh, empty
// database and says how to open Stores on it and reach it directly.
//
//	func TestConformance(t *testing.T) {
//		catalogtest.Run(t, func(tb testing.TB) catalogtest.DB { ... })
//	}
//
// # Security
//
// The suite checks the promises catalog.Store makes to the rest of coffer:
// version numbers are gap-free and unique when several Stores (standing in
// for processes or servers) commit to one dataset at once; a version is
// visible only together with its audit record (the audit insert is made to
// fail inside the transaction, and nothing of the version may remain);
// stored times, tags and details come back exactly, so the audit chain
// verifies; records modified, deleted, inserted or reordered directly in
// the database are caught by audit.Verifier at the first bad record; and
// errors never carry a wrapped data key. It does not check durability
// across power loss, nor detect records removed from the end of the log,
// which only a checkpoint can.
package catalogtest
