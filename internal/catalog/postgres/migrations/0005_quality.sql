-- Data quality: each version's profile and check results (JSON, '' when
-- none), its gate status (a quarantined version failed its checks: it is
-- never the latest and reads need the quality-admin permission) and who
-- released it when; and the checks file of each dataset.
ALTER TABLE versions ADD COLUMN status TEXT NOT NULL DEFAULT 'ok' CHECK (status IN ('ok', 'quarantined')),
	ADD COLUMN released_at BIGINT NOT NULL DEFAULT 0,
	ADD COLUMN released_by TEXT NOT NULL DEFAULT '',
	ADD COLUMN profile TEXT NOT NULL DEFAULT '',
	ADD COLUMN quality TEXT NOT NULL DEFAULT '';
CREATE INDEX versions_quarantined ON versions (dataset, number) WHERE status = 'quarantined';

CREATE TABLE quality_checks (
	dataset    text PRIMARY KEY,
	body       text NOT NULL,
	updated    bigint NOT NULL,
	updated_by text NOT NULL
);
