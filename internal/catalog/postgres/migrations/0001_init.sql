-- coffer catalog, PostgreSQL. Times are UTC Unix nanoseconds; tags and
-- detail are JSON text ('null' for none), kept as text so that both
-- backends return exactly what was stored.

CREATE TABLE datasets (
	name    text PRIMARY KEY,
	created bigint NOT NULL,
	latest  bigint NOT NULL CHECK (latest >= 0)
);

CREATE TABLE versions (
	dataset        text NOT NULL REFERENCES datasets (name),
	number         bigint NOT NULL CHECK (number >= 1),
	id             text NOT NULL UNIQUE,
	blob_key       text NOT NULL,
	created        bigint NOT NULL,
	size           bigint NOT NULL,
	stored_size    bigint NOT NULL,
	sha256         bytea NOT NULL,
	stored_sha256  bytea NOT NULL,
	wrapped_dek    bytea NOT NULL,
	key_id         text NOT NULL,
	format         text NOT NULL,
	classification text NOT NULL,
	owner          text NOT NULL,
	department     text NOT NULL,
	tags           text NOT NULL,
	creator        text NOT NULL,
	PRIMARY KEY (dataset, number)
);

CREATE TABLE audit (
	seq      bigint PRIMARY KEY CHECK (seq >= 1),
	time     bigint NOT NULL,
	actor    text NOT NULL,
	action   text NOT NULL,
	dataset  text NOT NULL,
	version  bigint NOT NULL,
	purpose  text NOT NULL,
	decision text NOT NULL,
	detail   text NOT NULL,
	prev     bytea,
	hash     bytea NOT NULL
);

-- One row whose lock serializes audit appends across every server: an
-- appender locks it, then reads the head of the chain and links to it.
CREATE TABLE audit_lock (
	id integer PRIMARY KEY CHECK (id = 1)
);
INSERT INTO audit_lock (id) VALUES (1);

-- The audit log is append-only. The chain makes a change detectable; these
-- triggers keep an ordinary mistake from making one. A role that can drop
-- them can also rewrite rows, which is what the chain is for.
CREATE FUNCTION audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	RAISE EXCEPTION 'audit records are append-only';
END
$$;

CREATE TRIGGER audit_no_change BEFORE UPDATE OR DELETE ON audit
	FOR EACH ROW EXECUTE FUNCTION audit_append_only();

CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit
	FOR EACH STATEMENT EXECUTE FUNCTION audit_append_only();
