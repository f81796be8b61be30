package vault

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/fault"

	_ "modernc.org/sqlite" // the test opens the catalog file directly
)

func testVault(t *testing.T) *Vault {
	t.Helper()
	home := filepath.Join(t.TempDir(), "vault")
	if err := Init(context.Background(), home, InitOptions{}); err != nil {
		t.Fatal(err)
	}
	v, err := Open(context.Background(), home)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { v.Close() })
	return v
}

func putRandom(t *testing.T, v *Vault, name string, n int) []byte {
	t.Helper()
	b := make([]byte, n)
	rand.Read(b)
	if _, err := v.Put(context.Background(), name, bytes.NewReader(b), PutOptions{}); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDestroyedKeyVersion: after the waiting period, sweep refuses to
// destroy a version data keys depend on; forced, those versions become
// unrecoverable with a clear error and exit code 6.
func TestDestroyedKeyVersion(t *testing.T) {
	ctx := context.Background()
	v := testVault(t)
	putRandom(t, v, "ds", 3000)
	if _, err := v.RotateKey(ctx, "default"); err != nil {
		t.Fatal(err)
	}
	want := putRandom(t, v, "ds", 4000)
	if _, _, err := v.ScheduleKeyDeletion(ctx, "default", 1, 7, true); err != nil {
		t.Fatalf("forced schedule: %v", err)
	}
	destroyed, blocked, err := v.SweepKeys(ctx, false)
	if err != nil || len(destroyed)+len(blocked) != 0 {
		t.Fatalf("sweep before the date: %v destroyed, %v blocked, %v", destroyed, blocked, err)
	}
	v.now = func() time.Time { return time.Now().Add(8 * 24 * time.Hour) }
	destroyed, blocked, _ = v.SweepKeys(ctx, false)
	if len(destroyed) != 0 || len(blocked) != 1 || len(blocked[0].Dependents) != 1 {
		t.Fatalf("unforced sweep after the date: %d destroyed, %v blocked", len(destroyed), blocked)
	}
	destroyed, _, err = v.SweepKeys(ctx, true)
	if err != nil || len(destroyed) != 1 || destroyed[0].KeyID() != "default@1" {
		t.Fatalf("forced sweep: %v, %v", destroyed, err)
	}
	_, err = v.Get(ctx, Ref{Name: "ds", Version: 1}, io.Discard)
	if fault.KindOf(err) != fault.Shredded || fault.KindOf(err).ExitCode() != 6 {
		t.Fatalf("Get of a version whose key was destroyed = %v; want a shredded error (exit 6)", err)
	}
	var buf bytes.Buffer
	if _, err := v.Get(ctx, Ref{Name: "ds", Version: 2}, &buf); err != nil || !bytes.Equal(buf.Bytes(), want) {
		t.Fatalf("Get of a version under the new key = %v", err)
	}
}

// TestRewrapResumes: a rewrap interrupted part way leaves every version
// readable; running it again finishes the job.
func TestRewrapResumes(t *testing.T) {
	v := testVault(t)
	defer func(n int) { rewrapBatchSize = n }(rewrapBatchSize)
	rewrapBatchSize = 6
	datas := map[int64][]byte{}
	for i := int64(1); i <= 20; i++ {
		datas[i] = putRandom(t, v, "ds", 100+int(i))
	}
	if _, err := v.RotateKey(context.Background(), "default"); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	calls := 0
	res, err := v.RewrapKey(ctx, "default", func(done int64) {
		if calls++; calls == 1 {
			cancel() // after the first batch
		}
	})
	if !errors.Is(err, context.Canceled) || res.Moved == 0 || res.Moved >= 20 {
		t.Fatalf("interrupted rewrap: %+v, %v; want some moved and context.Canceled", res, err)
	}
	first := res.Moved
	for i, want := range datas {
		var buf bytes.Buffer
		if _, err := v.Get(context.Background(), Ref{Name: "ds", Version: i}, &buf); err != nil || !bytes.Equal(buf.Bytes(), want) {
			t.Fatalf("ds@%d after an interrupted rewrap: %v", i, err)
		}
	}
	res, err = v.RewrapKey(context.Background(), "default", nil)
	if err != nil || res.Moved != 20-first || res.Already != first || res.Total != 20 {
		t.Fatalf("resumed rewrap: %+v, %v; want the remaining %d moved", res, err, 20-first)
	}
	keys, _ := v.Keys(context.Background())
	if keys[0].Versions[0].DEKs != 0 || keys[0].Versions[1].DEKs != 20 {
		t.Fatalf("after rewrap: %+v", keys[0].Versions)
	}
}

// TestAuditTamperDetected: a record changed in the catalog file itself
// (append-only triggers dropped first, as an attacker with the file would)
// makes VerifyAudit fail with an integrity error naming that record.
func TestAuditTamperDetected(t *testing.T) {
	ctx := context.Background()
	v := testVault(t)
	putRandom(t, v, "ds", 1000)
	putRandom(t, v, "ds", 1000)
	if _, err := v.VerifyAudit(ctx); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", filepath.Join(v.Home, "catalog.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, q := range []string{`DROP TRIGGER audit_no_update`, `UPDATE audit SET actor = 'os:mallory' WHERE seq = 2`} {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	_, err = v.VerifyAudit(ctx)
	if fault.KindOf(err) != fault.Integrity || !strings.Contains(err.Error(), "audit record 2: contents do not match its hash") {
		t.Fatalf("VerifyAudit after tampering = %v; want an integrity error naming record 2", err)
	}
}
