package postgres

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
)

// Store is a catalog.Store in a PostgreSQL database.
type Store struct {
	pool  *pgxpool.Pool
	chain *audit.Chain
}

var _ catalog.Store = (*Store)(nil)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLock is the advisory lock key that serializes migrations
// ("coffer" in ASCII).
const migrationLock = 0x636f66666572

// Open connects to the database at url (a postgres:// URL or key=value
// string, as pgx reads them), creating or upgrading the schema. Audit
// records are linked with chain.
func Open(ctx context.Context, url string, chain *audit.Chain) (*Store, error) {
	if chain == nil {
		return nil, errors.New("catalog: postgres: Open needs an audit chain")
	}
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx leaves the URL out of its parse errors, or redacts its password.
		return nil, fmt.Errorf("catalog: postgres: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("catalog: postgres: %w", err)
	}
	s := &Store{pool: pool, chain: chain}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("catalog: postgres: open: %w", err)
	}
	return s, nil
}

// Close releases the store's connections.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}

func (s *Store) migrate(ctx context.Context) error {
	dir, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return err
	}
	ms, err := catalog.Migrations(dir)
	if err != nil {
		return err
	}
	return s.write(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, int64(migrationLock)); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version integer PRIMARY KEY, name text NOT NULL, applied bigint NOT NULL)`)
		if err != nil {
			return err
		}
		var current int
		if err := tx.QueryRow(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
			return err
		}
		pending, err := catalog.Pending(ms, current)
		if err != nil {
			return err
		}
		for _, m := range pending {
			if _, err := tx.Exec(ctx, m.SQL); err != nil { // no arguments: simple protocol, several statements
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
			_, err := tx.Exec(ctx, `INSERT INTO schema_migrations (version, name, applied) VALUES ($1, $2, $3)`,
				m.Version, m.Name, time.Now().UnixNano())
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// maxAttempts bounds the retries of a transaction that PostgreSQL aborted
// as a deadlock or serialization failure (neither is expected with the
// locking order used here; the retry is a safety net).
const maxAttempts = 5

// write runs fn in a READ COMMITTED transaction, retrying it on the
// failures PostgreSQL asks a client to retry. fn must be safe to run again.
func (s *Store) write(ctx context.Context, fn func(pgx.Tx) error) error {
	opts := pgx.TxOptions{IsoLevel: pgx.ReadCommitted}
	for attempt := 1; ; attempt++ {
		err := pgx.BeginTxFunc(ctx, s.pool, opts, fn)
		if err == nil || !retryable(err) || attempt == maxAttempts {
			return err
		}
		select {
		case <-time.After(rand.N(20 * time.Millisecond << (attempt - 1))):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// retryable reports a serialization failure or a deadlock.
func retryable(err error) bool {
	var e *pgconn.PgError
	return errors.As(err, &e) && (e.Code == "40001" || e.Code == "40P01")
}
