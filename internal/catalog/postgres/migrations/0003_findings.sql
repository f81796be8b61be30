-- Discovery: what the scan of a version found (JSON: per column the PII
-- types, shares, confidence and masked examples; never raw values) and
-- why its classification is what it is. '' when the version was not scanned.
ALTER TABLE versions ADD COLUMN findings TEXT NOT NULL DEFAULT '';
