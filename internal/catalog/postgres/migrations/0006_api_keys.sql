-- API keys: a principal's keys for the REST and S3 APIs. The secret is
-- never stored in clear: hash (HMAC-SHA256 keyed by the vault, per-key
-- salt) verifies a bearer secret; sealed_secret (AES-GCM under a key the
-- vault derives from its keyring) lets S3 SigV4 recompute signatures.
-- Times are Unix nanoseconds; 0 means never.
CREATE TABLE api_keys (
	id            TEXT PRIMARY KEY,
	principal     TEXT NOT NULL,
	purposes      TEXT NOT NULL,
	salt          BYTEA NOT NULL,
	hash          BYTEA NOT NULL,
	sealed_secret BYTEA NOT NULL,
	description   TEXT NOT NULL DEFAULT '',
	created_at    BIGINT NOT NULL,
	expires_at    BIGINT NOT NULL DEFAULT 0,
	revoked_at    BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX api_keys_principal ON api_keys (principal, id);
