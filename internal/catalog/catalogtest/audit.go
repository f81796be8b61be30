package catalogtest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/audit"
)

// auditRecords are records with every field used, Detail nil, empty and
// full, and times with nanoseconds in zones other than UTC.
func auditRecords() []*audit.Record {
	return []*audit.Record{
		{Time: t0, Actor: "os:root", Action: "init"},
		{Time: t0.Add(1), Actor: "bob", Action: "get", Dataset: "a", Version: 2, Purpose: "training",
			Decision: "allow", Detail: map[string]string{"rows": "10", "masked": "email,phone"}},
		{Time: t0.In(time.FixedZone("", -5*3600)), Actor: "eve", Action: "get", Dataset: "a", Decision: "deny",
			Detail: map[string]string{}},
		{Time: t0.Add(time.Hour), Actor: "ünï ✓", Action: "audit.verify", Decision: "ok",
			Detail: map[string]string{"quote": `"'\`, "nl": "a\nb"}},
	}
}

func testAuditAppendAndRead(t *testing.T, db DB) {
	ctx := context.Background()
	s := db.Open(t, Chain)
	want := auditRecords()
	for i, r := range want {
		if err := s.AppendAudit(ctx, r); err != nil {
			t.Fatalf("AppendAudit(%d): %v", i+1, err)
		}
		if r.Seq != int64(i+1) || len(r.Hash) == 0 {
			t.Fatalf("AppendAudit(%d): Seq %d, %d-byte hash", i+1, r.Seq, len(r.Hash))
		}
	}
	if len(want[0].Prev) != 0 {
		t.Errorf("record 1 has Prev %x, want none", want[0].Prev)
	}
	got := records(t, s, 0)
	if len(got) != len(want) {
		t.Fatalf("AuditRecords(0) = %d records, want %d", len(got), len(want))
	}
	for i := range got {
		if d := diffRecord(got[i], *want[i]); d != "" {
			t.Errorf("record %d: %s", i+1, d)
		}
	}
	if got := records(t, s, 2); len(got) != 2 || got[0].Seq != 3 || got[1].Seq != 4 {
		t.Errorf("AuditRecords(2) = %d records, want records 3 and 4", len(got))
	}
	if got := records(t, s, 4); len(got) != 0 {
		t.Errorf("AuditRecords(4) = %d records, want none", len(got))
	}
	mustVerify(t, s, 4)
	// A second store links to the same chain.
	r := &audit.Record{Time: t0, Actor: "x", Action: "y"}
	if err := db.Open(t, Chain).AppendAudit(ctx, r); err != nil || r.Seq != 5 {
		t.Fatalf("AppendAudit on a second store: Seq %d, %v; want 5", r.Seq, err)
	}
	mustVerify(t, s, 5)
}

// testAuditTimes appends records at the edges of the storable times: the
// chain, which hashes times to the nanosecond, must still verify.
func testAuditTimes(t *testing.T, db DB) {
	ctx := context.Background()
	s := db.Open(t, Chain)
	times := []time.Time{
		time.Date(1678, 1, 1, 0, 0, 0, 1, time.UTC),
		time.Date(2262, 4, 11, 23, 47, 16, 854775807, time.UTC),
		time.Unix(0, 0),
		time.Unix(0, -1),
		time.Now(),
		time.Date(2024, 2, 29, 23, 59, 59, 999999999, time.FixedZone("+14", 14*3600)),
	}
	for _, tm := range times {
		if err := s.AppendAudit(ctx, &audit.Record{Time: tm, Actor: "a", Action: "t"}); err != nil {
			t.Fatalf("AppendAudit(time %v): %v", tm, err)
		}
	}
	for i, r := range records(t, s, 0) {
		if !r.Time.Equal(times[i]) {
			t.Errorf("record %d: Time = %v, want %v", i+1, r.Time, times[i])
		}
	}
	mustVerify(t, s, int64(len(times)))
}

// testAuditStops checks that AuditRecords stops at fn's first error and
// returns that very error, also past one page of records.
func testAuditStops(t *testing.T, db DB) {
	ctx := context.Background()
	s := db.Open(t, Chain)
	const n = 1100 // more than two pages in the SQL backends
	for i := range n {
		if err := s.AppendAudit(ctx, &audit.Record{Time: t0.Add(time.Duration(i)), Actor: "a", Action: "t"}); err != nil {
			t.Fatal(err)
		}
	}
	mustVerify(t, s, n)
	stop := errors.New("stop")
	calls := 0
	err := s.AuditRecords(ctx, 0, func(r audit.Record) error {
		calls++
		if r.Seq == 700 {
			return stop
		}
		return nil
	})
	if err != stop || calls != 700 {
		t.Errorf("AuditRecords stopping at 700 = %v after %d calls, want the callback's error after 700", err, calls)
	}
}

// testCommitAudit checks the record CommitVersion appends: it carries the
// version number and links into one chain with AppendAudit's records.
func testCommitAudit(t *testing.T, db DB) {
	ctx := context.Background()
	s := db.Open(t, Chain)
	Commit(t, s, "a", 0)
	if err := s.AppendAudit(ctx, &audit.Record{Time: t0, Actor: "bob", Action: "get", Dataset: "a", Version: 1}); err != nil {
		t.Fatal(err)
	}
	v, rec := Commit(t, s, "a", 1)
	if rec.Seq != 3 || rec.Version != 2 || rec.Dataset != "a" || len(rec.Prev) == 0 {
		t.Errorf("record of a@2: Seq %d, Version %d, Dataset %q, %d-byte Prev; want 3, 2, a, 32", rec.Seq, rec.Version, rec.Dataset, len(rec.Prev))
	}
	got := records(t, s, 2)
	if len(got) != 1 || got[0].Version != v.Number || got[0].Detail["version_id"] != v.ID {
		t.Errorf("stored record 3 = %+v, want the put of a@2", got)
	}
	mustVerify(t, s, 3)
}

// testAuditAppendOnly checks that the database itself refuses to change
// or delete audit records, before any tampering is allowed.
func testAuditAppendOnly(t *testing.T, db DB) {
	s := db.Open(t, Chain)
	Commit(t, s, "a", 0)
	for _, stmt := range []string{
		`UPDATE audit SET actor = 'mallory' WHERE seq = 1`,
		`DELETE FROM audit WHERE seq = 1`,
	} {
		if err := db.Exec(t, stmt); err == nil {
			t.Errorf("%s succeeded; the audit table should be append-only", stmt)
		}
	}
	mustVerify(t, s, 1)
}

// tamperCases change a log of 6 records (1, 3 and 5 are puts of a@1..3)
// directly in the database; want is the record Verify must name.
var tamperCases = []struct {
	name   string
	stmts  []string
	want   int64
	reason string
}{
	{"modify actor", []string{`UPDATE audit SET actor = 'mallory' WHERE seq = 3`}, 3, "modified"},
	{"modify time by 1ns", []string{`UPDATE audit SET time = time + 1 WHERE seq = 4`}, 4, "modified"},
	{"modify detail", []string{`UPDATE audit SET detail = '{"version_id":"0"}' WHERE seq = 5`}, 5, "modified"},
	{"modify version", []string{`UPDATE audit SET version = 2 WHERE seq = 1`}, 1, "modified"},
	{"modify hash", []string{`UPDATE audit SET hash = prev WHERE seq = 6`}, 6, "modified"},
	{"delete first", []string{`DELETE FROM audit WHERE seq = 1`}, 1, "missing"},
	{"delete middle", []string{`DELETE FROM audit WHERE seq = 3`}, 3, "missing"},
	{"insert copy", []string{
		`UPDATE audit SET seq = seq + 1000000 WHERE seq >= 3`,
		`UPDATE audit SET seq = seq - 999999 WHERE seq > 1000000`,
		`INSERT INTO audit (` + auditCols + `) SELECT 3, ` + auditRest + ` FROM audit WHERE seq = 2`,
	}, 3, "does not link"},
	{"append copy", []string{
		`INSERT INTO audit (` + auditCols + `) SELECT 7, ` + auditRest + ` FROM audit WHERE seq = 6`,
	}, 7, "does not link"},
	{"swap", []string{
		`UPDATE audit SET seq = 1000 WHERE seq = 2`,
		`UPDATE audit SET seq = 2 WHERE seq = 3`,
		`UPDATE audit SET seq = 3 WHERE seq = 1000`,
	}, 2, "does not link"},
}

const (
	auditCols = "seq, time, actor, action, dataset, version, purpose, decision, detail, prev, hash"
	auditRest = "time, actor, action, dataset, version, purpose, decision, detail, prev, hash"
)

// testTamper runs each tamper case on a fresh database.
func testTamper(t *testing.T, newDB func(testing.TB) DB) {
	for _, tc := range tamperCases {
		t.Run(strings.ReplaceAll(tc.name, " ", "_"), func(t *testing.T) {
			db := newDB(t)
			s := db.Open(t, Chain)
			for i := range 3 {
				Commit(t, s, "a", i)
				if err := s.AppendAudit(context.Background(), &audit.Record{
					Time: t0.Add(time.Duration(i)), Actor: "bob", Action: "get", Dataset: "a", Version: int64(i + 1),
				}); err != nil {
					t.Fatal(err)
				}
			}
			mustVerify(t, s, 6)
			if err := db.Exec(t, append(db.AllowTamper, tc.stmts...)...); err != nil {
				t.Fatalf("tampering: %v", err)
			}
			_, br := Verify(t, s)
			if br == nil || br.Seq != tc.want || !strings.Contains(br.Reason, tc.reason) {
				t.Errorf("Verify after %s = %v, want a break at record %d (%s)", tc.name, describe(br), tc.want, tc.reason)
			}
		})
	}
}

func describe(br *audit.Break) string {
	if br == nil {
		return "no break"
	}
	return fmt.Sprintf("%q", br.Error())
}
