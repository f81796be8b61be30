package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
)

// SetChecks stores the checks file of dataset name and appends rec.
func (s *Store) SetChecks(ctx context.Context, name string, checks []byte, rec *audit.Record) error {
	if err := catalog.CheckRecord(rec); err != nil {
		return err
	}
	saved := *rec
	err := s.write(ctx, func(tx pgx.Tx) error {
		*rec = saved
		_, err := tx.Exec(ctx, `INSERT INTO quality_checks (dataset, body, updated, updated_by) VALUES ($1, $2, $3, $4)
			ON CONFLICT (dataset) DO UPDATE SET body = excluded.body, updated = excluded.updated, updated_by = excluded.updated_by`,
			name, string(checks), rec.Time.UnixNano(), rec.Actor)
		if err != nil {
			return err
		}
		return s.link(ctx, tx, rec)
	})
	if err != nil {
		*rec = saved
		return fmt.Errorf("catalog: postgres: set the checks of %q: %w", name, err)
	}
	return nil
}

// Checks returns the checks file of dataset name.
func (s *Store) Checks(ctx context.Context, name string) ([]byte, error) {
	var body string
	err := s.pool.QueryRow(ctx, `SELECT body FROM quality_checks WHERE dataset = $1`, name).Scan(&body)
	switch {
	case isNoRows(err):
		return nil, fmt.Errorf("catalog: checks of dataset %q: %w", name, catalog.ErrNotFound)
	case err != nil:
		return nil, fmt.Errorf("catalog: postgres: checks of %q: %w", name, err)
	}
	return []byte(body), nil
}

// Release marks a quarantined version ok and appends rec.
func (s *Store) Release(ctx context.Context, name string, number int64, rec *audit.Record) error {
	if err := catalog.CheckRecord(rec); err != nil {
		return err
	}
	saved := *rec
	err := s.write(ctx, func(tx pgx.Tx) error {
		*rec = saved
		var status string
		err := tx.QueryRow(ctx, `SELECT status FROM versions WHERE dataset = $1 AND number = $2`, name, number).Scan(&status)
		switch {
		case isNoRows(err):
			return catalog.VersionNotFound(name, number)
		case err != nil:
			return err
		case status != catalog.StatusQuarantined:
			return fmt.Errorf("%w: %s@%d", catalog.ErrNotQuarantined, name, number)
		}
		_, err = tx.Exec(ctx, `UPDATE versions SET status = $1, released_at = $2, released_by = $3
			WHERE dataset = $4 AND number = $5`, catalog.ReleaseArgs(name, number, rec)...)
		if err != nil {
			return err
		}
		rec.Dataset, rec.Version = name, number
		return s.link(ctx, tx, rec)
	})
	if err != nil {
		*rec = saved
		return fmt.Errorf("catalog: postgres: release %s@%d: %w", name, number, err)
	}
	return nil
}

// Quarantined lists the quarantined versions by dataset and number.
func (s *Store) Quarantined(ctx context.Context) ([]catalog.Version, error) {
	vs, err := s.versions(ctx, `SELECT `+catalog.VersionColumns+` FROM versions
		WHERE status = 'quarantined' ORDER BY dataset COLLATE "C", number`)
	if err != nil {
		return nil, fmt.Errorf("catalog: postgres: quarantined versions: %w", err)
	}
	return vs, nil
}
