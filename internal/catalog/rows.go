package catalog

// This file holds what the SQL backends share: the columns of the versions
// and audit tables, how a Version or an audit.Record becomes a row and back,
// and the checks that keep the round trip exact. Both dialects store the
// same column types (integers, text, bytes), so one codec serves both.

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/coffer-vault/coffer/internal/audit"
)

// VersionColumns are the columns of the versions table, in the order
// VersionArgs produces and ScanVersion reads.
const VersionColumns = "dataset, number, id, blob_key, created, size, stored_size, " +
	"sha256, stored_sha256, wrapped_dek, key_id, format, classification, " +
	"owner, department, tags, creator, shredded_at, shredded_by, findings, clearance, allowed_groups, " + qualityColumns

// AuditColumns are the columns of the audit table, in the order AuditArgs
// produces and ScanAudit reads.
const AuditColumns = "seq, time, actor, action, dataset, version, purpose, decision, detail, prev, hash"

// Scanner is a row being read: *sql.Row, *sql.Rows, pgx.Row and pgx.Rows.
type Scanner interface {
	Scan(dest ...any) error
}

// Rows is a result set being read: *sql.Rows and pgx.Rows.
type Rows interface {
	Scanner
	Next() bool
	Err() error
}

// ScanAll reads every row of rows with scan, such as ScanVersion or
// ScanAudit. The caller closes rows.
func ScanAll[T any](rows Rows, scan func(Scanner) (T, error)) ([]T, error) {
	var all []T
	for rows.Next() {
		x, err := scan(rows)
		if err != nil {
			return nil, err
		}
		all = append(all, x)
	}
	return all, rows.Err()
}

// Times are stored as UTC Unix nanoseconds, which hold exactly the instants
// from 1678 to 2262. The audit hash covers a record's time to the
// nanosecond, so a time outside that range is refused, not rounded.
var (
	minTime = time.Unix(0, math.MinInt64).UTC()
	maxTime = time.Unix(0, math.MaxInt64).UTC()
)

// CheckTime reports an error unless t can be stored exactly.
func CheckTime(what string, t time.Time) error {
	if t.Before(minTime) || t.After(maxTime) {
		return fmt.Errorf("catalog: %s %s cannot be stored (times must fall in %d..%d)",
			what, t.UTC().Format(time.RFC3339Nano), minTime.Year(), maxTime.Year())
	}
	return nil
}

// FromUnixNano is the inverse of t.UnixNano for stored times, in UTC.
func FromUnixNano(n int64) time.Time { return time.Unix(0, n).UTC() }

// CheckCommit checks what CommitVersion needs before a transaction begins.
func CheckCommit(v *Version, rec *audit.Record) error {
	switch {
	case v == nil || rec == nil:
		return errors.New("catalog: CommitVersion needs a version and an audit record")
	case v.Dataset == "":
		return errors.New("catalog: version has no dataset name")
	case v.ID == "":
		return fmt.Errorf("catalog: version of dataset %q has no id", v.Dataset)
	case v.Clearance < 0 || v.Clearance > MaxClearance:
		return fmt.Errorf("catalog: version of dataset %q: clearance %d is outside 0..%d", v.Dataset, v.Clearance, MaxClearance)
	}
	if err := CheckTime("version created time", v.Created); err != nil {
		return err
	}
	return CheckRecord(rec)
}

// CheckRecord checks what AppendAudit needs before a transaction begins.
func CheckRecord(rec *audit.Record) error {
	if rec == nil {
		return errors.New("catalog: no audit record")
	}
	return CheckTime("audit record time", rec.Time)
}

// VersionArgs returns v's column values in VersionColumns order. Byte
// fields that are nil are stored empty; Tags are stored as JSON, where nil
// is "null" and an empty map "{}", so both come back as they went in.
func VersionArgs(v *Version) ([]any, error) {
	tags, err := json.Marshal(v.Tags)
	if err != nil {
		return nil, fmt.Errorf("catalog: tags of dataset %q: %v", v.Dataset, err)
	}
	groups, err := json.Marshal(v.AllowedGroups)
	if err != nil {
		return nil, fmt.Errorf("catalog: allowed groups of dataset %q: %v", v.Dataset, err)
	}
	return []any{
		v.Dataset, v.Number, v.ID, v.BlobKey, v.Created.UnixNano(), v.Size, v.StoredSize,
		nonNil(v.SHA256), nonNil(v.StoredSHA256), nonNil(v.WrappedDEK), v.KeyID, v.Format,
		v.Classification, v.Owner, v.Department, string(tags), v.Creator, unixOrZero(v.Shredded), v.ShreddedBy, string(v.Findings),
		int64(v.Clearance), string(groups),
		v.statusOrOK(), unixOrZero(v.Released), v.ReleasedBy, string(v.Profile), string(v.CheckReport),
	}, nil
}

// ScanVersion reads one row of VersionColumns.
func ScanVersion(row Scanner) (Version, error) {
	var (
		v         Version
		created   int64
		shredded  int64
		tags      string
		findings  string
		clearance int64
		groups    string
		q         qualityRow
	)
	err := row.Scan(&v.Dataset, &v.Number, &v.ID, &v.BlobKey, &created, &v.Size, &v.StoredSize,
		&v.SHA256, &v.StoredSHA256, &v.WrappedDEK, &v.KeyID, &v.Format,
		&v.Classification, &v.Owner, &v.Department, &tags, &v.Creator, &shredded, &v.ShreddedBy, &findings,
		&clearance, &groups, &q.status, &q.released, &q.releasedBy, &q.profile, &q.report)
	if err != nil {
		return Version{}, err
	}
	v.Created = FromUnixNano(created)
	if shredded != 0 {
		v.Shredded = FromUnixNano(shredded)
	}
	if findings != "" {
		v.Findings = []byte(findings)
	}
	v.QualityInfo = q.info()
	if err := json.Unmarshal([]byte(tags), &v.Tags); err != nil {
		// %v, not %w: the message names the dataset, never the row's bytes.
		return Version{}, fmt.Errorf("catalog: stored tags of %q version %d are not JSON: %v", v.Dataset, v.Number, err)
	}
	if err := json.Unmarshal([]byte(groups), &v.AllowedGroups); err != nil {
		return Version{}, fmt.Errorf("catalog: stored allowed groups of %q version %d are not JSON: %v", v.Dataset, v.Number, err)
	}
	v.Clearance = int(clearance)
	return v, nil
}

// AuditArgs returns r's column values in AuditColumns order. Detail is
// stored as JSON like Tags; Prev is stored as given (nil for record 1).
func AuditArgs(r *audit.Record) ([]any, error) {
	detail, err := json.Marshal(r.Detail)
	if err != nil {
		return nil, fmt.Errorf("catalog: audit detail: %v", err)
	}
	return []any{
		r.Seq, r.Time.UnixNano(), r.Actor, r.Action, r.Dataset, r.Version,
		r.Purpose, r.Decision, string(detail), r.Prev, r.Hash,
	}, nil
}

// ScanAudit reads one row of AuditColumns.
func ScanAudit(row Scanner) (audit.Record, error) {
	var (
		r      audit.Record
		t      int64
		detail string
	)
	err := row.Scan(&r.Seq, &t, &r.Actor, &r.Action, &r.Dataset, &r.Version,
		&r.Purpose, &r.Decision, &detail, &r.Prev, &r.Hash)
	if err != nil {
		return audit.Record{}, err
	}
	r.Time = FromUnixNano(t)
	if err := json.Unmarshal([]byte(detail), &r.Detail); err != nil {
		return audit.Record{}, fmt.Errorf("catalog: stored detail of audit record %d is not JSON: %v", r.Seq, err)
	}
	return r, nil
}

// AuditPage is how many audit records a backend reads per query.
const AuditPage = 512

// EachAudit calls fn for each record with Seq > after, in Seq order,
// reading them a page at a time with page(after), which returns up to
// AuditPage records following after. No query is open while fn runs, so
// fn may use the store. fn's error is returned as it is.
func EachAudit(ctx context.Context, after int64, page func(ctx context.Context, after int64) ([]audit.Record, error), fn func(audit.Record) error) error {
	for {
		recs, err := page(ctx, after)
		if err != nil {
			return err
		}
		for _, r := range recs {
			if err := fn(r); err != nil {
				return err
			}
			after = r.Seq
		}
		if len(recs) < AuditPage {
			return nil
		}
	}
}

// unixOrZero stores the zero time as 0.
func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// KeyPage is how many versions VersionsWithKey reads per query.
const KeyPage = 512

// EachVersion calls fn for each version that page returns, a page at a
// time: page(afterID) returns up to KeyPage versions with id > afterID in
// id order. No query is open while fn runs, so fn may write to the store.
func EachVersion(ctx context.Context, page func(ctx context.Context, afterID string) ([]Version, error), fn func(Version) error) error {
	after := ""
	for {
		vs, err := page(ctx, after)
		if err != nil {
			return err
		}
		for _, v := range vs {
			if err := fn(v); err != nil {
				return err
			}
			after = v.ID
		}
		if len(vs) < KeyPage {
			return nil
		}
	}
}

// KeyFilter returns the WHERE clause condition (with one placeholder ph)
// and argument that select the versions wrapped by keyID: "name@v" exactly,
// or every version of KEK "name".
func KeyFilter(keyID, ph string) (string, string) {
	if strings.Contains(keyID, "@") {
		return "key_id = " + ph, keyID
	}
	esc := strings.NewReplacer(`\`, `\\`, "%", `\%`, "_", `\_`).Replace(keyID)
	return "key_id LIKE " + ph + ` ESCAPE '\'`, esc + "@%"
}

func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}
