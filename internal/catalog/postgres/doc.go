// Package postgres is the catalog.Store of coffer's scale-out mode: one
// PostgreSQL database (github.com/jackc/pgx/v5) shared by any number of
// stateless coffer servers.
//
//	store, err := postgres.Open(ctx, "postgres://coffer@db.internal/coffer", chain)
//
// Transactions run at READ COMMITTED. A version number is assigned by an
// upsert of the dataset's row (INSERT ... ON CONFLICT DO UPDATE SET latest
// = latest + 1 RETURNING latest), which holds that row's lock until
// commit, so commits to one dataset queue there and numbers are gap-free
// (no sequence is used, so a rolled-back commit leaves no gap); commits to
// other datasets do not wait for each other. Audit appends, from CommitVersion and
// AppendAudit alike, lock the single row of audit_lock before reading the
// head of the chain, so the chain stays one line however many servers
// append. Locks are always taken in that order (dataset, then audit), so
// two commits cannot deadlock. The schema is created and upgraded at Open
// from migrations embedded in the binary, under an advisory lock, so
// servers starting together migrate once.
//
// # Security
//
// The database holds wrapped data keys, digests and the audit log, never
// plaintext keys or data; errors never include a wrapped key. The
// connection URL should not carry a password (use a passfile, a client
// certificate or peer authentication) and is not repeated in errors. A
// version and its audit record commit in one transaction or not at all.
// Triggers refuse UPDATE, DELETE and TRUNCATE on the audit table, which
// stops mistakes, not a role that may drop them: the audit chain (package
// audit) is what detects changes. Grant coffer's role only what it needs
// and keep table owners apart from it where that matters. Removing the
// newest records is detected only against a checkpoint.
package postgres
