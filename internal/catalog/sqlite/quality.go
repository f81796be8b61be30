package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
)

// SetChecks stores the checks file of dataset name and appends rec.
func (s *Store) SetChecks(ctx context.Context, name string, checks []byte, rec *audit.Record) error {
	if err := catalog.CheckRecord(rec); err != nil {
		return err
	}
	saved := *rec
	err := s.write(ctx, func(tx *sql.Tx) error {
		*rec = saved
		_, err := tx.ExecContext(ctx, `INSERT INTO quality_checks (dataset, body, updated, updated_by) VALUES (?, ?, ?, ?)
			ON CONFLICT (dataset) DO UPDATE SET body = excluded.body, updated = excluded.updated, updated_by = excluded.updated_by`,
			name, string(checks), rec.Time.UnixNano(), rec.Actor)
		if err != nil {
			return err
		}
		return s.link(ctx, tx, rec)
	})
	if err != nil {
		*rec = saved
		return fmt.Errorf("catalog: sqlite: set the checks of %q: %w", name, err)
	}
	return nil
}

// Checks returns the checks file of dataset name.
func (s *Store) Checks(ctx context.Context, name string) ([]byte, error) {
	var body string
	err := s.db.QueryRowContext(ctx, `SELECT body FROM quality_checks WHERE dataset = ?`, name).Scan(&body)
	switch {
	case isNoRows(err):
		return nil, fmt.Errorf("catalog: checks of dataset %q: %w", name, catalog.ErrNotFound)
	case err != nil:
		return nil, fmt.Errorf("catalog: sqlite: checks of %q: %w", name, err)
	}
	return []byte(body), nil
}

// Release marks a quarantined version ok and appends rec.
func (s *Store) Release(ctx context.Context, name string, number int64, rec *audit.Record) error {
	if err := catalog.CheckRecord(rec); err != nil {
		return err
	}
	saved := *rec
	err := s.write(ctx, func(tx *sql.Tx) error {
		*rec = saved
		var status string
		err := tx.QueryRowContext(ctx, `SELECT status FROM versions WHERE dataset = ? AND number = ?`, name, number).Scan(&status)
		switch {
		case isNoRows(err):
			return catalog.VersionNotFound(name, number)
		case err != nil:
			return err
		case status != catalog.StatusQuarantined:
			return fmt.Errorf("%w: %s@%d", catalog.ErrNotQuarantined, name, number)
		}
		_, err = tx.ExecContext(ctx, `UPDATE versions SET status = ?, released_at = ?, released_by = ?
			WHERE dataset = ? AND number = ?`, catalog.ReleaseArgs(name, number, rec)...)
		if err != nil {
			return err
		}
		rec.Dataset, rec.Version = name, number
		return s.link(ctx, tx, rec)
	})
	if err != nil {
		*rec = saved
		return fmt.Errorf("catalog: sqlite: release %s@%d: %w", name, number, err)
	}
	return nil
}

// Quarantined lists the quarantined versions by dataset and number.
func (s *Store) Quarantined(ctx context.Context) ([]catalog.Version, error) {
	vs, err := s.versions(ctx, `SELECT `+catalog.VersionColumns+` FROM versions
		WHERE status = 'quarantined' ORDER BY dataset, number`)
	if err != nil {
		return nil, fmt.Errorf("catalog: sqlite: quarantined versions: %w", err)
	}
	return vs, nil
}
