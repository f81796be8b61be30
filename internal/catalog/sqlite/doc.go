// Package sqlite is the catalog.Store of coffer's embedded mode: one SQLite
// file (modernc.org/sqlite, pure Go) in WAL mode, shared safely by any
// number of coffer processes on one machine.
//
//	store, err := sqlite.Open(ctx, "/home/me/.coffer/catalog.db", chain)
//
// Every write is a BEGIN IMMEDIATE transaction, so writers queue on the
// database's write lock (busy timeout 10s, then a few retries with backoff)
// instead of failing halfway; a version number is latest+1 read under that
// lock, so numbers are gap-free across processes. The schema is created and
// upgraded at Open from migrations embedded in the binary.
//
// # Security
//
// The database file is created with mode 0600 (SQLite gives its -wal and
// -shm files the same mode). It holds wrapped data keys, digests and the
// audit log, never plaintext keys or data; errors never include a wrapped
// key. A version and its audit record commit in one transaction or not at
// all. Triggers refuse UPDATE and DELETE on the audit table, which stops
// mistakes, not attackers: anyone who can write the file can drop them,
// and it is the audit chain (package audit) that detects their changes.
// Removing the newest records is detected only against a checkpoint.
// SQLite's locking assumes a local file system; do not put the file on NFS.
package sqlite
