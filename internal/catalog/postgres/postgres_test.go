package postgres_test

import (
	"context"
	"strings"
	"testing"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/catalog/catalogtest"
	"github.com/coffer-vault/coffer/internal/catalog/postgres"
	"github.com/coffer-vault/coffer/internal/catalog/postgres/pgtest"
)

func TestConformance(t *testing.T) {
	pgtest.AdminURL(t) // skip (or fail in CI) once, not in every subtest
	catalogtest.Run(t, newDB)
}

func BenchmarkCommitVersion(b *testing.B) {
	catalogtest.BenchmarkCommitVersion(b, newDB(b))
}

func BenchmarkCommitVersionParallel(b *testing.B) {
	catalogtest.BenchmarkCommitVersionParallel(b, newDB(b))
}

// newDB returns a fresh database of its own for tb.
func newDB(tb testing.TB) catalogtest.DB {
	dbURL := pgtest.NewDatabase(tb)
	return catalogtest.DB{
		Open: func(tb testing.TB, chain *audit.Chain) catalog.Store { return open(tb, dbURL, chain) },
		Exec: func(tb testing.TB, stmts ...string) error { return pgtest.Exec(tb, dbURL, stmts...) },
		AllowTamper: []string{
			`DROP TRIGGER audit_no_change ON audit`,
			`DROP TRIGGER audit_no_truncate ON audit`,
		},
		BlockAudit: []string{
			`CREATE FUNCTION audit_blocked() RETURNS trigger LANGUAGE plpgsql AS $$
				BEGIN RAISE EXCEPTION 'audit blocked by test'; END $$`,
			`CREATE TRIGGER audit_blocked BEFORE INSERT ON audit FOR EACH ROW EXECUTE FUNCTION audit_blocked()`,
		},
		UnblockAudit: []string{`DROP TRIGGER audit_blocked ON audit`, `DROP FUNCTION audit_blocked()`},
	}
}

func open(tb testing.TB, url string, chain *audit.Chain) *postgres.Store {
	tb.Helper()
	s, err := postgres.Open(context.Background(), url, chain)
	if err != nil {
		tb.Fatalf("postgres.Open: %v", err)
	}
	tb.Cleanup(func() { s.Close() })
	return s
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	for _, u := range []string{"postgres://%zz", "postgres://coffer:s3cret-pw@127.0.0.1:1/x?connect_timeout=2"} {
		s, err := postgres.Open(ctx, u, catalogtest.Chain)
		if err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", u)
			continue
		}
		if strings.Contains(err.Error(), "s3cret-pw") {
			t.Errorf("Open error shows the password: %v", err)
		}
	}
	if _, err := postgres.Open(ctx, "postgres://127.0.0.1/x", nil); err == nil {
		t.Error("Open without a chain succeeded")
	}
}

// TestNewerSchema refuses a database written by a newer coffer.
func TestNewerSchema(t *testing.T) {
	u := pgtest.NewDatabase(t)
	open(t, u, catalogtest.Chain).Close()
	if err := pgtest.Exec(t, u, `INSERT INTO schema_migrations (version, name, applied) VALUES (999, '0999_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	if s, err := postgres.Open(context.Background(), u, catalogtest.Chain); err == nil {
		s.Close()
		t.Fatal("Open of a database with schema version 999 succeeded")
	}
}
