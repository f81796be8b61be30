-- coffer catalog, SQLite. Times are UTC Unix nanoseconds; tags and detail
-- are JSON text ('null' for none).

CREATE TABLE datasets (
	name    TEXT PRIMARY KEY,
	created INTEGER NOT NULL,
	latest  INTEGER NOT NULL CHECK (latest >= 0)
) STRICT;

CREATE TABLE versions (
	dataset        TEXT NOT NULL REFERENCES datasets (name),
	number         INTEGER NOT NULL CHECK (number >= 1),
	id             TEXT NOT NULL UNIQUE,
	blob_key       TEXT NOT NULL,
	created        INTEGER NOT NULL,
	size           INTEGER NOT NULL,
	stored_size    INTEGER NOT NULL,
	sha256         BLOB NOT NULL,
	stored_sha256  BLOB NOT NULL,
	wrapped_dek    BLOB NOT NULL,
	key_id         TEXT NOT NULL,
	format         TEXT NOT NULL,
	classification TEXT NOT NULL,
	owner          TEXT NOT NULL,
	department     TEXT NOT NULL,
	tags           TEXT NOT NULL,
	creator        TEXT NOT NULL,
	PRIMARY KEY (dataset, number)
) STRICT;

CREATE TABLE audit (
	seq      INTEGER PRIMARY KEY CHECK (seq >= 1),
	time     INTEGER NOT NULL,
	actor    TEXT NOT NULL,
	action   TEXT NOT NULL,
	dataset  TEXT NOT NULL,
	version  INTEGER NOT NULL,
	purpose  TEXT NOT NULL,
	decision TEXT NOT NULL,
	detail   TEXT NOT NULL,
	prev     BLOB,
	hash     BLOB NOT NULL
) STRICT;

-- The audit log is append-only. The chain makes a change detectable; these
-- triggers keep an ordinary mistake from making one. Someone who can drop
-- them can also write the file, which is what the chain is for.
CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit
BEGIN
	SELECT RAISE(ABORT, 'audit records are append-only');
END;

CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
BEGIN
	SELECT RAISE(ABORT, 'audit records are append-only');
END;
