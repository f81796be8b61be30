package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
)

var (
	// upsertDataset creates the dataset at its first version or counts
	// one more version of it, returning the new latest number.
	upsertDataset = `INSERT INTO datasets (name, created, latest) VALUES (?, ?, 1)
		ON CONFLICT (name) DO UPDATE SET latest = datasets.latest + 1 RETURNING latest`
	insertVersion = `INSERT INTO versions (` + catalog.VersionColumns + `) VALUES (` +
		placeholders(catalog.VersionColumns) + `)`
	insertAudit = `INSERT INTO audit (` + catalog.AuditColumns + `) VALUES (` +
		placeholders(catalog.AuditColumns) + `)`
)

// placeholders returns "?, ?, ..." with one ? per column in cols.
func placeholders(cols string) string {
	n := strings.Count(cols, ",") + 1
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}

// CommitVersion assigns v.Number and appends rec in one transaction. On
// error neither v nor rec is changed and nothing was committed.
func (s *Store) CommitVersion(ctx context.Context, v *catalog.Version, rec *audit.Record) error {
	if err := catalog.CheckCommit(v, rec); err != nil {
		return err
	}
	saved := *rec
	var number int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		*rec = saved // a retry starts over
		var err error
		if number, err = insertNext(ctx, tx, v); err != nil {
			return err
		}
		rec.Version = number
		return s.link(ctx, tx, rec)
	})
	if err != nil {
		*rec = saved
		return fmt.Errorf("catalog: sqlite: commit a version of %q: %w", v.Dataset, err)
	}
	v.Number = number
	return nil
}

// insertNext inserts v as the next version of its dataset, creating the
// dataset if needed, and returns its number. The caller's transaction
// holds the write lock, so latest cannot change underneath it.
func insertNext(ctx context.Context, tx *sql.Tx, v *catalog.Version) (int64, error) {
	next := *v
	err := tx.QueryRowContext(ctx, upsertDataset, v.Dataset, v.Created.UnixNano()).Scan(&next.Number)
	if err != nil {
		return 0, err
	}
	args, err := catalog.VersionArgs(&next)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, insertVersion, args...); err != nil {
		return 0, err
	}
	return next.Number, nil
}

// AppendAudit appends rec to the audit chain. On error rec is unchanged.
func (s *Store) AppendAudit(ctx context.Context, rec *audit.Record) error {
	if err := catalog.CheckRecord(rec); err != nil {
		return err
	}
	saved := *rec
	err := s.write(ctx, func(tx *sql.Tx) error {
		*rec = saved
		return s.link(ctx, tx, rec)
	})
	if err != nil {
		*rec = saved
		return fmt.Errorf("catalog: sqlite: append an audit record: %w", err)
	}
	return nil
}

// link reads the head of the chain, links rec to it and inserts rec, all
// under the caller's write lock.
func (s *Store) link(ctx context.Context, tx *sql.Tx, rec *audit.Record) error {
	var (
		seq  int64
		hash []byte
	)
	err := tx.QueryRowContext(ctx, `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&seq, &hash)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	s.chain.Link(seq, hash, rec)
	args, err := catalog.AuditArgs(rec)
	if err != nil {
		return err
	}
	_, err = tx.ExecContext(ctx, insertAudit, args...)
	return err
}
