package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
)

// Datasets lists all datasets by name (byte order), each with its latest
// version that is not quarantined.
func (s *Store) Datasets(ctx context.Context) ([]catalog.Dataset, error) {
	latest, err := s.versions(ctx, catalog.LatestOKQuery)
	if err != nil {
		return nil, fmt.Errorf("catalog: sqlite: list datasets: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, catalog.DatasetCountsQuery+` ORDER BY name`)
	if err != nil {
		return nil, fmt.Errorf("catalog: sqlite: list datasets: %w", err)
	}
	defer rows.Close()
	ds, err := catalog.JoinDatasets(rows, latest)
	if err != nil {
		return nil, fmt.Errorf("catalog: sqlite: list datasets: %w", err)
	}
	return ds, nil
}

// Versions lists the versions of dataset name, oldest first.
func (s *Store) Versions(ctx context.Context, name string) ([]catalog.Version, error) {
	vs, err := s.versions(ctx, `SELECT `+catalog.VersionColumns+` FROM versions
		WHERE dataset = ? ORDER BY number`, name)
	if err != nil {
		return nil, fmt.Errorf("catalog: sqlite: versions of %q: %w", name, err)
	}
	if len(vs) == 0 {
		return nil, catalog.DatasetNotFound(name)
	}
	return vs, nil
}

// Version returns version number of dataset name; 0 means the latest.
func (s *Store) Version(ctx context.Context, name string, number int64) (catalog.Version, error) {
	q, args := `SELECT `+catalog.VersionColumns+` FROM versions WHERE dataset = ? AND number = ?`, []any{name, number}
	if number == 0 {
		q, args = `SELECT `+catalog.VersionColumns+` FROM versions WHERE dataset = ? AND status = 'ok' ORDER BY number DESC LIMIT 1`, []any{name}
	}
	v, err := catalog.ScanVersion(s.db.QueryRowContext(ctx, q, args...))
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return catalog.Version{}, catalog.VersionNotFound(name, number)
	case err != nil:
		return catalog.Version{}, fmt.Errorf("catalog: sqlite: dataset %q version %d: %w", name, number, err)
	}
	return v, nil
}

// VersionByID returns the version with id.
func (s *Store) VersionByID(ctx context.Context, id string) (catalog.Version, error) {
	row := s.db.QueryRowContext(ctx, `SELECT `+catalog.VersionColumns+` FROM versions WHERE id = ?`, id)
	v, err := catalog.ScanVersion(row)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return catalog.Version{}, catalog.IDNotFound(id)
	case err != nil:
		return catalog.Version{}, fmt.Errorf("catalog: sqlite: version id %q: %w", id, err)
	}
	return v, nil
}

func (s *Store) versions(ctx context.Context, q string, args ...any) ([]catalog.Version, error) {
	rows, err := s.db.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return catalog.ScanAll(rows, catalog.ScanVersion)
}

// AuditRecords calls fn for each record with Seq > after, in Seq order.
// fn's error is returned unchanged.
func (s *Store) AuditRecords(ctx context.Context, after int64, fn func(audit.Record) error) error {
	return catalog.EachAudit(ctx, after, s.auditPage, fn)
}

func (s *Store) auditPage(ctx context.Context, after int64) ([]audit.Record, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+catalog.AuditColumns+` FROM audit
		WHERE seq > ? ORDER BY seq LIMIT ?`, after, catalog.AuditPage)
	if err != nil {
		return nil, fmt.Errorf("catalog: sqlite: read audit records: %w", err)
	}
	defer rows.Close()
	recs, err := catalog.ScanAll(rows, catalog.ScanAudit)
	if err != nil {
		return nil, fmt.Errorf("catalog: sqlite: read audit records: %w", err)
	}
	return recs, nil
}
