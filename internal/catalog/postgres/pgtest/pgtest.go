// Package pgtest gives tests a PostgreSQL database of their own on the
// server named by COFFER_TEST_POSTGRES_URL (started by scripts/test).
//
// # Security
//
// For tests only: it creates and drops databases with the admin URL it is
// given and must never be pointed at a server that holds real data.
package pgtest

import (
	"context"
	"crypto/rand"
	"net/url"
	"os"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
)

// EnvURL names the environment variable with the test server's admin URL.
const EnvURL = "COFFER_TEST_POSTGRES_URL"

// AdminURL returns the test server's URL. Without one the test is skipped,
// except under CI=true, where a missing server is a failure.
func AdminURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv(EnvURL)
	if u == "" {
		const hint = EnvURL + " not set; run make test"
		if os.Getenv("CI") == "true" {
			tb.Fatal(hint)
		}
		tb.Skip(hint + " (or: export " + EnvURL + "=$(scripts/pg start /tmp/coffer-pg))")
	}
	return u
}

// NewDatabase creates a uniquely named database, drops it when tb ends,
// and returns its URL.
func NewDatabase(tb testing.TB) string {
	tb.Helper()
	admin := AdminURL(tb)
	u, err := url.Parse(admin)
	if err != nil {
		tb.Fatalf("%s: %v", EnvURL, err)
	}
	name := "coffer_t_" + strings.ToLower(rand.Text()[:16])
	if err := Exec(tb, admin, "CREATE DATABASE "+name); err != nil {
		tb.Fatalf("CREATE DATABASE: %v", err)
	}
	tb.Cleanup(func() {
		if err := Exec(tb, admin, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			tb.Errorf("DROP DATABASE: %v", err)
		}
	})
	u.Path = "/" + name
	return u.String()
}

// Exec runs stmts on a connection of its own to dbURL.
func Exec(tb testing.TB, dbURL string, stmts ...string) error {
	tb.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, dbURL)
	if err != nil {
		tb.Fatalf("connect: %v", err)
	}
	defer conn.Close(ctx)
	for _, s := range stmts {
		if _, err := conn.Exec(ctx, s); err != nil {
			return err
		}
	}
	return nil
}
