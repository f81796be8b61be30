package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
)

// CreateAPIKey inserts k and appends rec in one transaction.
func (s *Store) CreateAPIKey(ctx context.Context, k *catalog.APIKey, rec *audit.Record) error {
	if err := catalog.CheckRecord(rec); err != nil {
		return err
	}
	saved := *rec
	err := s.write(ctx, func(tx *sql.Tx) error {
		*rec = saved
		if _, err := tx.ExecContext(ctx, `INSERT INTO api_keys (`+catalog.APIKeyColumns+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			catalog.APIKeyArgs(k)...); err != nil {
			return err
		}
		return s.link(ctx, tx, rec)
	})
	if err != nil {
		*rec = saved
		return fmt.Errorf("catalog: sqlite: create API key %q: %w", k.ID, err)
	}
	return nil
}

// APIKey returns the key with id.
func (s *Store) APIKey(ctx context.Context, id string) (catalog.APIKey, error) {
	row := s.db.QueryRowContext(ctx, `SELECT `+catalog.APIKeyColumns+` FROM api_keys WHERE id = ?`, id)
	k, err := catalog.ScanAPIKey(row.Scan)
	switch {
	case isNoRows(err):
		return k, catalog.APIKeyNotFound(id)
	case err != nil:
		return k, fmt.Errorf("catalog: sqlite: API key %q: %w", id, err)
	}
	return k, nil
}

// APIKeys lists the keys of principal, or all keys.
func (s *Store) APIKeys(ctx context.Context, principal string) ([]catalog.APIKey, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+catalog.APIKeyColumns+` FROM api_keys
		WHERE ? = '' OR principal = ? ORDER BY id`, principal, principal)
	if err != nil {
		return nil, fmt.Errorf("catalog: sqlite: API keys: %w", err)
	}
	defer rows.Close()
	var ks []catalog.APIKey
	for rows.Next() {
		k, err := catalog.ScanAPIKey(rows.Scan)
		if err != nil {
			return nil, fmt.Errorf("catalog: sqlite: API keys: %w", err)
		}
		ks = append(ks, k)
	}
	return ks, rows.Err()
}

// RevokeAPIKey marks key id revoked and appends rec.
func (s *Store) RevokeAPIKey(ctx context.Context, id string, rec *audit.Record) error {
	if err := catalog.CheckRecord(rec); err != nil {
		return err
	}
	saved := *rec
	err := s.write(ctx, func(tx *sql.Tx) error {
		*rec = saved
		res, err := tx.ExecContext(ctx, `UPDATE api_keys SET revoked_at = CASE WHEN revoked_at = 0 THEN ? ELSE revoked_at END
			WHERE id = ?`, rec.Time.UnixNano(), id)
		if err != nil {
			return err
		}
		if rowsAffected(res) == 0 {
			return catalog.APIKeyNotFound(id)
		}
		return s.link(ctx, tx, rec)
	})
	if err != nil {
		*rec = saved
		return fmt.Errorf("catalog: sqlite: revoke API key %q: %w", id, err)
	}
	return nil
}
