package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"time"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
)

// Store is a catalog.Store in one SQLite file.
type Store struct {
	db    *sql.DB
	chain *audit.Chain
	// writer lets one transaction of this process at a time wait for the
	// database's write lock; the others wait here, where ctx is honoured,
	// rather than in SQLite's polling busy handler.
	writer chan struct{}
}

var _ catalog.Store = (*Store)(nil)

// busyTimeout is how long a statement waits for another connection's
// lock (a variable only so that tests can shorten it).
var busyTimeout = 10 * time.Second

// dsn is the driver's name for the database at abs. Immediate
// transactions take the write lock at BEGIN, so two writers never both read
// the latest number and then collide; synchronous=FULL makes a committed
// version and its audit record survive a power loss, not just a crash.
func dsn(abs string) string {
	return fmt.Sprintf("%s?_txlock=immediate&_busy_timeout=%d&_foreign_keys=1&_journal_mode=WAL&_synchronous=FULL",
		abs, busyTimeout.Milliseconds())
}

//go:embed migrations/*.sql
var migrationFiles embed.FS

// Open opens the catalog at path, creating the file (mode 0600) and its
// schema if needed and applying any newer migrations. Audit records are
// linked with chain.
func Open(ctx context.Context, path string, chain *audit.Chain) (*Store, error) {
	if chain == nil {
		return nil, errors.New("catalog: sqlite: Open needs an audit chain")
	}
	name, err := create(path)
	if err != nil {
		return nil, err
	}
	db, err := sql.Open("sqlite", name)
	if err != nil {
		return nil, fmt.Errorf("catalog: sqlite: %w", err)
	}
	s := &Store{db: db, chain: chain, writer: make(chan struct{}, 1)}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("catalog: sqlite: open %s: %w", path, err)
	}
	return s, nil
}

// create makes sure the database file exists with mode 0600 and returns
// the driver's name for it.
func create(path string) (string, error) {
	if path == "" {
		return "", errors.New("catalog: sqlite: no database path")
	}
	// The driver cuts its parameters at the first '?'.
	if strings.Contains(path, "?") {
		return "", fmt.Errorf("catalog: sqlite: database path %q must not contain '?'", path)
	}
	abs, err := filepath.Abs(path) // also keeps "file:..." from being read as a URI
	if err != nil {
		return "", fmt.Errorf("catalog: sqlite: %w", err)
	}
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return "", fmt.Errorf("catalog: sqlite: %w", err)
	}
	if err := f.Close(); err != nil {
		return "", fmt.Errorf("catalog: sqlite: %w", err)
	}
	return dsn(abs), nil
}

// Close releases the store.
func (s *Store) Close() error {
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("catalog: sqlite: close: %w", err)
	}
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
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied INTEGER NOT NULL) STRICT`)
		if err != nil {
			return err
		}
		var current int
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(version), 0) FROM schema_migrations`).Scan(&current); err != nil {
			return err
		}
		pending, err := catalog.Pending(ms, current)
		if err != nil {
			return err
		}
		for _, m := range pending {
			if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
				return fmt.Errorf("migration %s: %w", m.Name, err)
			}
			_, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied) VALUES (?, ?, ?)`,
				m.Version, m.Name, time.Now().UnixNano())
			if err != nil {
				return err
			}
		}
		return nil
	})
}

// maxAttempts bounds the retries of a write that SQLite reports busy even
// after its busy timeout (a lock held that long, or a conflict SQLite
// resolves by failing one side at once).
const maxAttempts = 6

// write runs fn in an immediate transaction, retrying it while the
// database is busy. fn must be safe to run again from the start.
func (s *Store) write(ctx context.Context, fn func(*sql.Tx) error) error {
	for attempt := 1; ; attempt++ {
		err := s.tryWrite(ctx, fn)
		if err == nil || !isBusy(err) || attempt == maxAttempts {
			return err
		}
		// Full jitter on 20ms, 40ms, ... up to 640ms.
		d := rand.N(20 * time.Millisecond << (attempt - 1))
		select {
		case <-time.After(d):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (s *Store) tryWrite(ctx context.Context, fn func(*sql.Tx) error) error {
	select {
	case s.writer <- struct{}{}:
		defer func() { <-s.writer }()
	case <-ctx.Done():
		return ctx.Err()
	}
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback() // the error that matters is fn's
		return err
	}
	return tx.Commit()
}

// isBusy reports whether err is SQLITE_BUSY (any extended code).
func isBusy(err error) bool {
	var e *sqlite.Error
	return errors.As(err, &e) && e.Code()&0xff == sqlite3.SQLITE_BUSY
}
