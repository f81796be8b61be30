package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
)

var insertPrincipal = `INSERT INTO principals (` + catalog.PrincipalColumns + `) VALUES (` +
	placeholders(catalog.PrincipalColumns) + `) ON CONFLICT (id) DO NOTHING`

// AddPrincipal inserts p and appends rec in one transaction.
func (s *Store) AddPrincipal(ctx context.Context, p *catalog.Principal, rec *audit.Record) error {
	if err := catalog.CheckPrincipal(p, rec); err != nil {
		return err
	}
	args, err := catalog.PrincipalArgs(p)
	if err != nil {
		return err
	}
	saved := *rec
	err = s.write(ctx, func(tx *sql.Tx) error {
		*rec = saved
		res, err := tx.ExecContext(ctx, insertPrincipal, args...)
		if err != nil {
			return err
		}
		if rowsAffected(res) == 0 {
			return fmt.Errorf("%w: principal %q", catalog.ErrExists, p.ID)
		}
		return s.link(ctx, tx, rec)
	})
	if err != nil {
		*rec = saved
		return fmt.Errorf("catalog: sqlite: add principal %q: %w", p.ID, err)
	}
	return nil
}

// DisablePrincipal disables principal id and appends rec in one transaction.
func (s *Store) DisablePrincipal(ctx context.Context, id string, rec *audit.Record) error {
	if err := catalog.CheckRecord(rec); err != nil {
		return err
	}
	saved := *rec
	err := s.write(ctx, func(tx *sql.Tx) error {
		*rec = saved
		var disabled int64
		err := tx.QueryRowContext(ctx, `SELECT disabled FROM principals WHERE id = ?`, id).Scan(&disabled)
		switch {
		case isNoRows(err):
			return catalog.PrincipalNotFound(id)
		case err != nil:
			return err
		case disabled != 0:
			return fmt.Errorf("%w: principal %q", catalog.ErrDisabled, id)
		}
		_, err = tx.ExecContext(ctx, `UPDATE principals SET disabled = ?, disabled_by = ? WHERE id = ?`,
			rec.Time.UnixNano(), rec.Actor, id)
		if err != nil {
			return err
		}
		return s.link(ctx, tx, rec)
	})
	if err != nil {
		*rec = saved
		return fmt.Errorf("catalog: sqlite: disable principal %q: %w", id, err)
	}
	return nil
}

// Principal returns principal id.
func (s *Store) Principal(ctx context.Context, id string) (catalog.Principal, error) {
	row := s.db.QueryRowContext(ctx, `SELECT `+catalog.PrincipalColumns+` FROM principals WHERE id = ?`, id)
	p, err := catalog.ScanPrincipal(row)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return catalog.Principal{}, catalog.PrincipalNotFound(id)
	case err != nil:
		return catalog.Principal{}, fmt.Errorf("catalog: sqlite: principal %q: %w", id, err)
	}
	return p, nil
}

// ListPrincipals lists every principal by id.
func (s *Store) ListPrincipals(ctx context.Context) ([]catalog.Principal, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+catalog.PrincipalColumns+` FROM principals ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("catalog: sqlite: list principals: %w", err)
	}
	defer rows.Close()
	ps, err := catalog.ScanAll(rows, catalog.ScanPrincipal)
	if err != nil {
		return nil, fmt.Errorf("catalog: sqlite: list principals: %w", err)
	}
	return ps, nil
}
