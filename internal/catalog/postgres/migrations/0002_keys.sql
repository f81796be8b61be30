-- Key management: which key wraps each data key (indexed for rewrap and
-- usage counts), and crypto-shredding (who destroyed a version's data key
-- and when; 0 and '' for versions that were not shredded).
ALTER TABLE versions ADD COLUMN shredded_at BIGINT NOT NULL DEFAULT 0,
	ADD COLUMN shredded_by TEXT NOT NULL DEFAULT '';
CREATE INDEX versions_key_id ON versions (key_id);
