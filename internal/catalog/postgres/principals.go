package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

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
	err = s.write(ctx, func(tx pgx.Tx) error {
		*rec = saved
		res, err := tx.Exec(ctx, insertPrincipal, args...)
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
		return fmt.Errorf("catalog: postgres: add principal %q: %w", p.ID, err)
	}
	return nil
}

// DisablePrincipal disables principal id and appends rec in one
// transaction. The row is locked first, so two disables of one principal
// queue and the second sees the first.
func (s *Store) DisablePrincipal(ctx context.Context, id string, rec *audit.Record) error {
	if err := catalog.CheckRecord(rec); err != nil {
		return err
	}
	saved := *rec
	err := s.write(ctx, func(tx pgx.Tx) error {
		*rec = saved
		var disabled int64
		err := tx.QueryRow(ctx, `SELECT disabled FROM principals WHERE id = $1 FOR UPDATE`, id).Scan(&disabled)
		switch {
		case isNoRows(err):
			return catalog.PrincipalNotFound(id)
		case err != nil:
			return err
		case disabled != 0:
			return fmt.Errorf("%w: principal %q", catalog.ErrDisabled, id)
		}
		_, err = tx.Exec(ctx, `UPDATE principals SET disabled = $1, disabled_by = $2 WHERE id = $3`,
			rec.Time.UnixNano(), rec.Actor, id)
		if err != nil {
			return err
		}
		return s.link(ctx, tx, rec)
	})
	if err != nil {
		*rec = saved
		return fmt.Errorf("catalog: postgres: disable principal %q: %w", id, err)
	}
	return nil
}

// Principal returns principal id.
func (s *Store) Principal(ctx context.Context, id string) (catalog.Principal, error) {
	row := s.pool.QueryRow(ctx, `SELECT `+catalog.PrincipalColumns+` FROM principals WHERE id = $1`, id)
	p, err := catalog.ScanPrincipal(row)
	switch {
	case errors.Is(err, pgx.ErrNoRows):
		return catalog.Principal{}, catalog.PrincipalNotFound(id)
	case err != nil:
		return catalog.Principal{}, fmt.Errorf("catalog: postgres: principal %q: %w", id, err)
	}
	return p, nil
}

// ListPrincipals lists every principal by id, in byte order whatever the
// database's collation.
func (s *Store) ListPrincipals(ctx context.Context) ([]catalog.Principal, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+catalog.PrincipalColumns+` FROM principals ORDER BY id COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("catalog: postgres: list principals: %w", err)
	}
	defer rows.Close()
	ps, err := catalog.ScanAll(rows, catalog.ScanPrincipal)
	if err != nil {
		return nil, fmt.Errorf("catalog: postgres: list principals: %w", err)
	}
	return ps, nil
}
