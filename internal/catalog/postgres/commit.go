package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
)

var (
	// upsertDataset creates the dataset at its first version or counts
	// one more version of it, returning the new latest number.
	upsertDataset = `INSERT INTO datasets (name, created, latest) VALUES ($1, $2, 1)
		ON CONFLICT (name) DO UPDATE SET latest = datasets.latest + 1 RETURNING latest`
	insertVersion = `INSERT INTO versions (` + catalog.VersionColumns + `) VALUES (` +
		placeholders(catalog.VersionColumns) + `)`
	insertAudit = `INSERT INTO audit (` + catalog.AuditColumns + `) VALUES (` +
		placeholders(catalog.AuditColumns) + `)`
)

// placeholders returns "$1, $2, ..." with one per column in cols.
func placeholders(cols string) string {
	n := strings.Count(cols, ",") + 1
	ps := make([]string, n)
	for i := range ps {
		ps[i] = fmt.Sprintf("$%d", i+1)
	}
	return strings.Join(ps, ", ")
}

// CommitVersion assigns v.Number and appends rec in one transaction. On
// error neither v nor rec is changed and nothing was committed.
func (s *Store) CommitVersion(ctx context.Context, v *catalog.Version, rec *audit.Record) error {
	if err := catalog.CheckCommit(v, rec); err != nil {
		return err
	}
	saved := *rec
	var number int64
	err := s.write(ctx, func(tx pgx.Tx) error {
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
		return fmt.Errorf("catalog: postgres: commit a version of %q: %w", v.Dataset, err)
	}
	v.Number = number
	return nil
}

// insertNext inserts v as the next version of its dataset, creating the
// dataset if needed, and returns its number. The upsert locks the
// dataset's row, new or old, until commit: a concurrent commit to the
// same dataset waits for it, then counts on from the number this one
// wrote (at READ COMMITTED, ON CONFLICT DO UPDATE always sees the latest
// committed row).
func insertNext(ctx context.Context, tx pgx.Tx, v *catalog.Version) (int64, error) {
	next := *v
	err := tx.QueryRow(ctx, upsertDataset, v.Dataset, v.Created.UnixNano()).Scan(&next.Number)
	if err != nil {
		return 0, err
	}
	args, err := catalog.VersionArgs(&next)
	if err != nil {
		return 0, err
	}
	if _, err := tx.Exec(ctx, insertVersion, args...); err != nil {
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
	err := s.write(ctx, func(tx pgx.Tx) error {
		*rec = saved
		return s.link(ctx, tx, rec)
	})
	if err != nil {
		*rec = saved
		return fmt.Errorf("catalog: postgres: append an audit record: %w", err)
	}
	return nil
}

// link locks the audit chain, reads its head, links rec to it and inserts
// rec. The head must be read by a statement that starts after the lock is
// held: at READ COMMITTED each statement sees what was committed when it
// began, so it then sees the append of whoever held the lock before.
func (s *Store) link(ctx context.Context, tx pgx.Tx, rec *audit.Record) error {
	if _, err := tx.Exec(ctx, `SELECT 1 FROM audit_lock WHERE id = 1 FOR UPDATE`); err != nil {
		return err
	}
	var (
		seq  int64
		hash []byte
	)
	err := tx.QueryRow(ctx, `SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).Scan(&seq, &hash)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return err
	}
	s.chain.Link(seq, hash, rec)
	args, err := catalog.AuditArgs(rec)
	if err != nil {
		return err
	}
	_, err = tx.Exec(ctx, insertAudit, args...)
	return err
}
