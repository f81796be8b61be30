package sqlite_test

import (
	"bytes"
	"context"
	"database/sql"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/catalog/catalogtest"
	"github.com/coffer-vault/coffer/internal/catalog/sqlite"
)

func TestConformance(t *testing.T) {
	catalogtest.Run(t, newDB)
}

func BenchmarkCommitVersion(b *testing.B) {
	catalogtest.BenchmarkCommitVersion(b, newDB(b))
}

func BenchmarkCommitVersionParallel(b *testing.B) {
	catalogtest.BenchmarkCommitVersionParallel(b, newDB(b))
}

// newDB returns a fresh database file in a temporary directory.
func newDB(tb testing.TB) catalogtest.DB {
	path := filepath.Join(tb.TempDir(), "catalog.db")
	return catalogtest.DB{
		Open: func(tb testing.TB, chain *audit.Chain) catalog.Store { return open(tb, path, chain) },
		Exec: func(tb testing.TB, stmts ...string) error { return execSQL(tb, path, stmts...) },
		AllowTamper: []string{
			`DROP TRIGGER audit_no_update`,
			`DROP TRIGGER audit_no_delete`,
		},
		BlockAudit: []string{`CREATE TRIGGER audit_blocked BEFORE INSERT ON audit
			BEGIN SELECT RAISE(ABORT, 'audit blocked by test'); END`},
		UnblockAudit: []string{`DROP TRIGGER audit_blocked`},
	}
}

func open(tb testing.TB, path string, chain *audit.Chain) *sqlite.Store {
	tb.Helper()
	s, err := sqlite.Open(context.Background(), path, chain)
	if err != nil {
		tb.Fatalf("sqlite.Open: %v", err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Errorf("Close: %v", err)
		}
	})
	return s
}

// execSQL runs stmts through a plain connection of its own, as someone with
// access to the file would.
func execSQL(tb testing.TB, path string, stmts ...string) error {
	db, err := sql.Open("sqlite", path+"?_busy_timeout=10000")
	if err != nil {
		tb.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			return err
		}
	}
	return nil
}

func TestFileMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "catalog.db")
	s := open(t, path, catalogtest.Chain)
	catalogtest.Commit(t, s, "a", 0)
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		fi, err := os.Stat(p)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o600 {
			t.Errorf("%s has mode %v, want 0600", filepath.Base(p), fi.Mode().Perm())
		}
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, path := range []string{"", filepath.Join(dir, "a?b.db"), filepath.Join(dir, "missing", "c.db")} {
		if s, err := sqlite.Open(ctx, path, catalogtest.Chain); err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", path)
		}
	}
	if _, err := sqlite.Open(ctx, filepath.Join(dir, "d.db"), nil); err == nil {
		t.Error("Open without a chain succeeded")
	}
}

// TestNewerSchema refuses a database written by a newer coffer.
func TestNewerSchema(t *testing.T) {
	path := filepath.Join(t.TempDir(), "catalog.db")
	open(t, path, catalogtest.Chain).Close()
	if err := execSQL(t, path, `INSERT INTO schema_migrations (version, name, applied) VALUES (999, '0999_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	if _, err := sqlite.Open(context.Background(), path, catalogtest.Chain); err == nil {
		t.Fatal("Open of a database with schema version 999 succeeded")
	}
}

// TestProcesses has several processes (this test binary, run again)
// commit to one dataset of one fresh database file at once.
func TestProcesses(t *testing.T) {
	const procs, commits = 4, 10
	if path := os.Getenv("COFFER_SQLITE_CHILD"); path != "" {
		s := open(t, path, catalogtest.Chain)
		for i := range commits {
			catalogtest.Commit(t, s, "shared", i)
		}
		return
	}
	path := filepath.Join(t.TempDir(), "catalog.db")
	cmds := make([]*exec.Cmd, procs)
	for i := range cmds {
		cmds[i] = exec.Command(os.Args[0], "-test.run=^TestProcesses$", "-test.count=1")
		cmds[i].Env = append(os.Environ(), "COFFER_SQLITE_CHILD="+path)
		cmds[i].Stdout, cmds[i].Stderr = &bytes.Buffer{}, &bytes.Buffer{}
		if err := cmds[i].Start(); err != nil {
			t.Fatal(err)
		}
	}
	for i, c := range cmds {
		if err := c.Wait(); err != nil {
			t.Errorf("process %d: %v\n%s%s", i, err, c.Stdout, c.Stderr)
		}
	}
	if t.Failed() {
		return
	}
	s := open(t, path, catalogtest.Chain)
	vs, err := s.Versions(context.Background(), "shared")
	if err != nil || len(vs) != procs*commits {
		t.Fatalf("Versions(shared) = %d, %v; want %d", len(vs), err, procs*commits)
	}
	ids := map[string]bool{}
	for i, v := range vs {
		if v.Number != int64(i+1) || ids[v.ID] {
			t.Errorf("version %d: number %d, id %s (seen before: %v)", i+1, v.Number, v.ID, ids[v.ID])
		}
		ids[v.ID] = true
	}
	if n, br := catalogtest.Verify(t, s); br != nil || n != procs*commits {
		t.Errorf("audit chain: %d records, %v; want %d, intact", n, br, procs*commits)
	}
}

// lockDB takes the database's write lock on a connection of its own and
// holds it until the returned function is called.
func lockDB(t *testing.T, path string) (release func()) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := conn.ExecContext(context.Background(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	return func() {
		conn.ExecContext(context.Background(), "ROLLBACK")
		conn.Close()
		db.Close()
	}
}

// TestBusyRetry holds the write lock past the busy timeout: a commit
// retries until the lock is free, and gives up, with an error, when it
// never is.
func TestBusyRetry(t *testing.T) {
	defer sqlite.SetBusyTimeout(100 * time.Millisecond)()
	path := filepath.Join(t.TempDir(), "catalog.db")
	s := open(t, path, catalogtest.Chain)

	release := lockDB(t, path)
	time.AfterFunc(400*time.Millisecond, release)
	if v, _ := catalogtest.Commit(t, s, "a", 0); v.Number != 1 {
		t.Fatalf("commit after waiting for the lock got a@%d, want a@1", v.Number)
	}

	release = lockDB(t, path)
	defer release()
	start := time.Now()
	v := catalogtest.NewVersion("a", 1)
	err := s.CommitVersion(context.Background(), v, catalogtest.PutRecord(v))
	if err == nil || !strings.Contains(err.Error(), "SQLITE_BUSY") {
		t.Fatalf("commit while the lock is held = %v, want SQLITE_BUSY", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("giving up took %v; the retries should be bounded", d)
	}
}
