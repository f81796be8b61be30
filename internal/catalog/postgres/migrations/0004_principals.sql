-- Access: principals with the attributes policies decide on, and the
-- access attributes of each version. Times are UTC Unix nanoseconds (0 for
-- a principal never disabled); groups are JSON text ('null' for none).
CREATE TABLE principals (
	id          text PRIMARY KEY,
	role        text NOT NULL,
	department  text NOT NULL,
	clearance   integer NOT NULL CHECK (clearance BETWEEN 0 AND 5),
	groups      text NOT NULL,
	created     bigint NOT NULL,
	created_by  text NOT NULL,
	disabled    bigint NOT NULL DEFAULT 0,
	disabled_by text NOT NULL DEFAULT ''
);

-- The clearance a reader of a version needs (by default the one its
-- classification implies: public 0, internal 1, confidential 2, restricted
-- 3), and the groups a reader must be in one of ('null': none required).
ALTER TABLE versions ADD COLUMN clearance integer NOT NULL DEFAULT 0 CHECK (clearance BETWEEN 0 AND 5),
	ADD COLUMN allowed_groups text NOT NULL DEFAULT 'null';
UPDATE versions SET clearance = CASE classification
	WHEN 'internal' THEN 1 WHEN 'confidential' THEN 2 WHEN 'restricted' THEN 3 ELSE 0 END;
