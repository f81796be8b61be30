package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
)

// KeyUsage counts the versions whose data key each key id wraps.
func (s *Store) KeyUsage(ctx context.Context) (map[string]int64, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT key_id, count(*) FROM versions WHERE shredded_at = 0 GROUP BY key_id`)
	if err != nil {
		return nil, fmt.Errorf("catalog: sqlite: key usage: %w", err)
	}
	defer rows.Close()
	use := map[string]int64{}
	for rows.Next() {
		var id string
		var n int64
		if err := rows.Scan(&id, &n); err != nil {
			return nil, fmt.Errorf("catalog: sqlite: key usage: %w", err)
		}
		use[id] = n
	}
	return use, rows.Err()
}

// VersionsWithKey calls fn for every live version wrapped by keyID.
func (s *Store) VersionsWithKey(ctx context.Context, keyID string, fn func(catalog.Version) error) error {
	cond, arg := catalog.KeyFilter(keyID, "?")
	q := `SELECT ` + catalog.VersionColumns + ` FROM versions WHERE ` + cond +
		` AND shredded_at = 0 AND id > ? ORDER BY id LIMIT ?`
	return catalog.EachVersion(ctx, func(ctx context.Context, after string) ([]catalog.Version, error) {
		vs, err := s.versions(ctx, q, arg, after, catalog.KeyPage)
		if err != nil {
			return nil, fmt.Errorf("catalog: sqlite: versions with key %q: %w", keyID, err)
		}
		return vs, nil
	}, fn)
}

// Rewrap replaces the wrapped data keys of items still wrapped by their old keys.
func (s *Store) Rewrap(ctx context.Context, items []catalog.Rewrap) (int, error) {
	var changed int
	err := s.write(ctx, func(tx *sql.Tx) error {
		changed = 0 // a retry starts over
		for _, it := range items {
			res, err := tx.ExecContext(ctx, `UPDATE versions SET wrapped_dek = ?, key_id = ?
				WHERE id = ? AND key_id = ? AND shredded_at = 0`, it.Wrapped, it.KeyID, it.ID, it.OldKeyID)
			if err != nil {
				return err
			}
			changed += int(rowsAffected(res))
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("catalog: sqlite: rewrap %d data keys: %w", len(items), err)
	}
	return changed, nil
}

// Shred destroys the wrapped data key of version id and appends rec.
func (s *Store) Shred(ctx context.Context, id string, rec *audit.Record) error {
	if err := catalog.CheckRecord(rec); err != nil {
		return err
	}
	saved := *rec
	err := s.write(ctx, func(tx *sql.Tx) error {
		*rec = saved
		var shredded int64
		err := tx.QueryRowContext(ctx, `SELECT dataset, number, shredded_at FROM versions WHERE id = ?`, id).
			Scan(&rec.Dataset, &rec.Version, &shredded)
		switch {
		case isNoRows(err):
			return catalog.IDNotFound(id)
		case err != nil:
			return err
		case shredded != 0:
			return fmt.Errorf("%w: %s@%d", catalog.ErrShredded, rec.Dataset, rec.Version)
		}
		_, err = tx.ExecContext(ctx, `UPDATE versions SET wrapped_dek = ?, key_id = '', shredded_at = ?, shredded_by = ?
			WHERE id = ?`, []byte{}, rec.Time.UnixNano(), rec.Actor, id)
		if err != nil {
			return err
		}
		return s.link(ctx, tx, rec)
	})
	if err != nil {
		*rec = saved
		return fmt.Errorf("catalog: sqlite: shred version id %q: %w", id, err)
	}
	return nil
}

func rowsAffected(res sql.Result) int64 {
	n, _ := res.RowsAffected()
	return n
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
