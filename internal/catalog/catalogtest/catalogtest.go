package catalogtest

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
)

// DB is one fresh, empty database of the backend under test.
type DB struct {
	// Open opens a new Store on the database with its own connections, as
	// another process or server would, and closes it when tb ends.
	Open func(tb testing.TB, chain *audit.Chain) catalog.Store
	// Exec runs statements on the database directly, bypassing every
	// Store, and returns the first error.
	Exec func(tb testing.TB, statements ...string) error

	// The few statements the suite cannot write in portable SQL:
	// AllowTamper drops the triggers that keep the audit table
	// append-only; BlockAudit makes every insert into the audit table
	// fail, and UnblockAudit undoes it.
	AllowTamper, BlockAudit, UnblockAudit []string
}

// Run runs the conformance suite. newDB must return a new, empty database
// on each call and remove it when tb ends.
func Run(t *testing.T, newDB func(tb testing.TB) DB) {
	tests := []struct {
		name string
		fn   func(*testing.T, DB)
	}{
		{"CommitAndRead", testCommitAndRead},
		{"RoundTrip", testRoundTrip},
		{"NotFound", testNotFound},
		{"DatasetOrder", testDatasetOrder},
		{"DuplicateID", testDuplicateID},
		{"Invalid", testInvalid},
		{"Reopen", testReopen},
		{"AuditAppendAndRead", testAuditAppendAndRead},
		{"AuditTimes", testAuditTimes},
		{"AuditStops", testAuditStops},
		{"CommitAudit", testCommitAudit},
		{"AuditAppendOnly", testAuditAppendOnly},
		{"AtomicCommit", testAtomicCommit},
		{"Canceled", testCanceled},
		{"Concurrent", testConcurrent},
		{"Keys", testKeys},
		{"Shred", testShred},
		{"Principals", testPrincipals},
		{"PrincipalsDisable", testPrincipalsDisable},
		{"PrincipalsAtomic", testPrincipalsAtomic},
		{"PrincipalsInvalid", testPrincipalsInvalid},
		{"VersionAccess", testVersionAccess},
		{"APIKeys", testAPIKeys},
		{"Quarantine", testQuarantine},
		{"Release", testRelease},
		{"Checks", testChecks},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newDB(t)) })
	}
	t.Run("Tamper", func(t *testing.T) { testTamper(t, newDB) })
}

// Chain is the audit chain the suite opens Stores with.
var Chain = audit.NewChain(bytes.Repeat([]byte{0xa5}, 32))

// DEK marks the wrapped keys of test versions so that errors can be
// searched for them.
var DEK = []byte("WRAPPED-DEK-must-never-appear-in-an-error")

// t0 has nanoseconds and a zone other than UTC, to check both round trip.
var t0 = time.Date(2025, 3, 14, 15, 9, 26, 535897932, time.FixedZone("CET", 3600))

// NewVersion returns a version of dataset with a fresh random id.
func NewVersion(dataset string, i int) *catalog.Version {
	id := make([]byte, 16)
	rand.Read(id)
	sum := func(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }
	return &catalog.Version{
		Dataset: dataset, ID: hex.EncodeToString(id), BlobKey: dataset + "/" + hex.EncodeToString(id),
		Created: t0.Add(time.Duration(i) * time.Second), Size: int64(1000 + i), StoredSize: int64(1100 + i),
		SHA256: sum(1), StoredSHA256: sum(2), WrappedDEK: DEK, KeyID: "kek@1",
		Format: "csv", Classification: "internal", Owner: "alice", Department: "ml",
		Tags: map[string]string{"n": fmt.Sprint(i)}, Creator: "os:alice",
		Findings: findings(i), Clearance: i % (catalog.MaxClearance + 1), AllowedGroups: allowedGroups(i),
		QualityInfo: qualityInfo(i),
	}
}

// qualityInfo gives every third version a profile and check results, to
// round-trip both.
func qualityInfo(i int) catalog.QualityInfo {
	q := catalog.QualityInfo{Status: catalog.StatusOK}
	if i%3 == 1 {
		q.Profile = []byte(fmt.Sprintf(`{"rows":%d,"columns":[]}`, i))
		q.CheckReport = []byte(`{"passed":true,"results":[]}`)
	}
	return q
}

// findings gives every other version scan results, to round-trip both.
func findings(i int) []byte {
	if i%2 == 0 {
		return nil
	}
	return []byte(fmt.Sprintf(`{"columns":[{"name":"email","types":["EMAIL"],"n":%d}]}`, i))
}

// PutRecord returns the audit record that announces v.
func PutRecord(v *catalog.Version) *audit.Record {
	return &audit.Record{Time: v.Created, Actor: v.Creator, Action: "put", Dataset: v.Dataset,
		Decision: "ok", Detail: map[string]string{"version_id": v.ID}}
}

// Commit commits a new version of dataset and returns it with its record.
func Commit(tb testing.TB, s catalog.Store, dataset string, i int) (*catalog.Version, *audit.Record) {
	tb.Helper()
	v := NewVersion(dataset, i)
	rec := PutRecord(v)
	if err := s.CommitVersion(context.Background(), v, rec); err != nil {
		tb.Fatalf("CommitVersion(%s): %v", dataset, err)
	}
	return v, rec
}

// Verify checks the whole audit chain of s and returns how many records
// it holds and the first break, if any.
func Verify(tb testing.TB, s catalog.Store) (int64, *audit.Break) {
	tb.Helper()
	v := Chain.NewVerifier()
	err := s.AuditRecords(context.Background(), 0, v.Next)
	var br *audit.Break
	if errors.As(err, &br) {
		return v.Count(), br
	}
	if err != nil {
		tb.Fatalf("AuditRecords: %v", err)
	}
	return v.Count(), nil
}

// mustVerify fails tb unless the chain of s verifies with n records.
func mustVerify(tb testing.TB, s catalog.Store, n int64) {
	tb.Helper()
	got, br := Verify(tb, s)
	if br != nil {
		tb.Fatalf("audit chain: %v", br)
	}
	if got != n {
		tb.Fatalf("audit chain has %d records, want %d", got, n)
	}
}

func records(tb testing.TB, s catalog.Store, after int64) []audit.Record {
	tb.Helper()
	var rs []audit.Record
	err := s.AuditRecords(context.Background(), after, func(r audit.Record) error {
		rs = append(rs, r)
		return nil
	})
	if err != nil {
		tb.Fatalf("AuditRecords(%d): %v", after, err)
	}
	return rs
}

// diffVersion describes how got differs from want, or returns "". Times
// must be the same instant and come back in UTC; byte fields compare by
// content; Tags must match exactly, nil and empty being different.
func diffVersion(got, want catalog.Version) string {
	if !got.Created.Equal(want.Created) || got.Created.Location() != time.UTC {
		return fmt.Sprintf("Created = %v, want %v in UTC", got.Created, want.Created)
	}
	got.Created, want.Created = time.Time{}, time.Time{}
	for _, p := range []struct{ g, w *[]byte }{
		{&got.SHA256, &want.SHA256}, {&got.StoredSHA256, &want.StoredSHA256}, {&got.WrappedDEK, &want.WrappedDEK},
		{&got.Findings, &want.Findings}, {&got.Profile, &want.Profile}, {&got.CheckReport, &want.CheckReport},
	} {
		if !bytes.Equal(*p.g, *p.w) {
			return "byte fields differ"
		}
		*p.g, *p.w = nil, nil
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Sprintf("\n got %+v\nwant %+v", got, want)
	}
	return ""
}

// diffRecord is diffVersion for audit records.
func diffRecord(got, want audit.Record) string {
	if !got.Time.Equal(want.Time) || got.Time.Location() != time.UTC {
		return fmt.Sprintf("Time = %v, want %v in UTC", got.Time, want.Time)
	}
	if !bytes.Equal(got.Prev, want.Prev) || !bytes.Equal(got.Hash, want.Hash) {
		return "Prev or Hash differ"
	}
	got.Time, want.Time = time.Time{}, time.Time{}
	got.Prev, want.Prev, got.Hash, want.Hash = nil, nil, nil, nil
	if !reflect.DeepEqual(got, want) {
		return fmt.Sprintf("\n got %+v\nwant %+v", got, want)
	}
	return ""
}
