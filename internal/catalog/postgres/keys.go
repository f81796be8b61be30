package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
)

// KeyUsage counts the versions whose data key each key id wraps.
func (s *Store) KeyUsage(ctx context.Context) (map[string]int64, error) {
	rows, err := s.pool.Query(ctx, `SELECT key_id, count(*) FROM versions WHERE shredded_at = 0 GROUP BY key_id`)
	if err != nil {
		return nil, fmt.Errorf("catalog: postgres: key usage: %w", err)
	}
	defer rows.Close()
	use := map[string]int64{}
	for rows.Next() {
		var id string
		var n int64
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("catalog: postgres: key usage: %w", err)
		}
		use[id] = n
	}
	return use, rows.Err()
}

// VersionsWithKey calls fn for every live version wrapped by keyID.
func (s *Store) VersionsWithKey(ctx context.Context, keyID string, fn func(catalog.Version) error) error {
	cond, arg := catalog.KeyFilter(keyID, "$1")
	q := `SELECT ` + catalog.VersionColumns + ` FROM versions WHERE ` + cond +
		` AND shredded_at = 0 AND id > $2 ORDER BY id LIMIT $3`
	return catalog.EachVersion(ctx, func(ctx context.Context, after string) ([]catalog.Version, error) {
		vs, err := s.versions(ctx, q, arg, after, catalog.KeyPage)
		if err != nil {
			return nil, fmt.Errorf("catalog: postgres: versions with key %q: %w", keyID, err)
		}
		return vs, nil
	}, fn)
}

// Rewrap replaces the wrapped data keys of items still wrapped by their old keys.
func (s *Store) Rewrap(ctx context.Context, items []catalog.Rewrap) (int, error) {
	var changed int
	err := s.write(ctx, func(tx pgx.Tx) error {
		changed = 0 // a retry starts over
		for _, it := range items {
			res, err := tx.Exec(ctx, `UPDATE versions SET wrapped_dek = $1, key_id = $2
				WHERE id = $3 AND key_id = $4 AND shredded_at = 0`, it.Wrapped, it.KeyID, it.ID, it.OldKeyID)
			if err != nil {
				return err
			}
			changed += int(rowsAffected(res))
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("catalog: postgres: rewrap %d data keys: %w", len(items), err)
	}
	return changed, nil
}

// Shred destroys the wrapped data key of version id and appends rec.
func (s *Store) Shred(ctx context.Context, id string, rec *audit.Record) error {
	if err := catalog.CheckRecord(rec); err != nil {
		return err
	}
	saved := *rec
	err := s.write(ctx, func(tx pgx.Tx) error {
		*rec = saved
		var shredded int64
		err := tx.QueryRow(ctx, `SELECT dataset, number, shredded_at FROM versions WHERE id = $1`, id).
			Scan(&rec.Dataset, &rec.Version, &shredded)
		switch {
		case isNoRows(err):
			return catalog.IDNotFound(id)
		case err != nil:
			return err
		case shredded != 0:
			return fmt.Errorf("%w: %s@%d", catalog.ErrShredded, rec.Dataset, rec.Version)
		}
		_, err = tx.Exec(ctx, `UPDATE versions SET wrapped_dek = $1, key_id = '', shredded_at = $2, shredded_by = $3
			WHERE id = $4`, []byte{}, rec.Time.UnixNano(), rec.Actor, id)
		if err != nil {
			return err
		}
		return s.link(ctx, tx, rec)
	})
	if err != nil {
		*rec = saved
		return fmt.Errorf("catalog: postgres: shred version id %q: %w", id, err)
	}
	return nil
}

func rowsAffected(res pgconn.CommandTag) int64 { return res.RowsAffected() }

func isNoRows(err error) bool { return errors.Is(err, pgx.ErrNoRows) }
