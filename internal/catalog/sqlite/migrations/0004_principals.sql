-- Access: principals with the attributes policies decide on, and the
-- access attributes of each version. Times are UTC Unix nanoseconds (0 for
-- a principal never disabled); groups are JSON text ('null' for none).
CREATE TABLE principals (
	id          TEXT PRIMARY KEY,
	role        TEXT NOT NULL,
	department  TEXT NOT NULL,
	clearance   INTEGER NOT NULL CHECK (clearance BETWEEN 0 AND 5),
	groups      TEXT NOT NULL,
	created     INTEGER NOT NULL,
	created_by  TEXT NOT NULL,
	disabled    INTEGER NOT NULL DEFAULT 0,
	disabled_by TEXT NOT NULL DEFAULT ''
) STRICT;

-- The clearance a reader of a version needs (by default the one its
-- classification implies: public 0, internal 1, confidential 2, restricted
-- 3), and the groups a reader must be in one of ('null': none required).
ALTER TABLE versions ADD COLUMN clearance INTEGER NOT NULL DEFAULT 0 CHECK (clearance BETWEEN 0 AND 5);
ALTER TABLE versions ADD COLUMN allowed_groups TEXT NOT NULL DEFAULT 'null';
UPDATE versions SET clearance = CASE classification
	WHEN 'internal' THEN 1 WHEN 'confidential' THEN 2 WHEN 'restricted' THEN 3 ELSE 0 END;
