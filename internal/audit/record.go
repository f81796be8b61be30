// Package audit defines coffer's tamper-evident audit log: records linked in
// a keyed hash chain, and the verification that proves a log intact or names
// the first record that is not.
//
// Records are stored by the catalog (see catalog.Store.AppendAudit), so that
// an audit record commits in the same transaction as the change it records.
//
// # Security
//
// Each record carries the chain hash of its predecessor and its own hash,
// HMAC-SHA256 under an audit key held in the keyring:
//
//	Hash = HMAC(key, "coffer.audit/v1" || Prev || canonical(record))
//
// so a record cannot be modified, deleted, inserted or moved without Verify
// naming the first record where the chain breaks, and a party that can write
// the database but does not hold the key cannot forge a consistent chain.
// Removing records from the end of the log is detected only against a
// checkpoint. Records must never hold secrets or raw data values: callers put
// names, version numbers, digests and counts in them, never contents.
package audit

import "time"

// Record is one audited event.
type Record struct {
	Seq      int64             `json:"seq"`                // 1, 2, 3, ... assigned by the store
	Time     time.Time         `json:"time"`               // UTC, set by the caller
	Actor    string            `json:"actor"`              // principal or local operator ("os:root")
	Action   string            `json:"action"`             // put, get, verify, init, audit.verify, ...
	Dataset  string            `json:"dataset,omitempty"`  // dataset name
	Version  int64             `json:"version,omitempty"`  // version number
	Purpose  string            `json:"purpose,omitempty"`  // declared purpose of a read
	Decision string            `json:"decision,omitempty"` // allow, deny, ok, fail
	Detail   map[string]string `json:"detail,omitempty"`   // digests, sizes, reasons: never raw values
	Prev     []byte            `json:"prev"`               // Hash of record Seq-1 (empty for Seq 1)
	Hash     []byte            `json:"hash"`               // chain hash of this record
}
