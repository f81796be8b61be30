package catalogtest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
)

// commitStatus commits version i of dataset with status.
func commitStatus(t *testing.T, s catalog.Store, dataset string, i int, status string) *catalog.Version {
	t.Helper()
	v := NewVersion(dataset, i)
	v.Status = status
	v.Profile = []byte(`{"rows":1}`)
	v.CheckReport = []byte(`{"passed":false}`)
	if err := s.CommitVersion(context.Background(), v, PutRecord(v)); err != nil {
		t.Fatalf("CommitVersion(%s, %s): %v", dataset, status, err)
	}
	return v
}

// testQuarantine: quarantined versions keep their numbers (gap-free) but
// are never the latest, in Version(name, 0) and in Datasets.
func testQuarantine(t *testing.T, db DB) {
	ctx := context.Background()
	s := db.Open(t, Chain)
	q1 := commitStatus(t, s, "q", 1, catalog.StatusQuarantined)
	if _, err := s.Version(ctx, "q", 0); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("Version(q, 0) with only a quarantined version = %v, want ErrNotFound", err)
	}
	ok2 := commitStatus(t, s, "q", 2, catalog.StatusOK)
	q3 := commitStatus(t, s, "q", 3, catalog.StatusQuarantined)
	if q1.Number != 1 || ok2.Number != 2 || q3.Number != 3 {
		t.Fatalf("numbers %d %d %d, want 1 2 3", q1.Number, ok2.Number, q3.Number)
	}
	latest, err := s.Version(ctx, "q", 0)
	if err != nil || latest.Number != 2 {
		t.Errorf("Version(q, 0) = %d, %v; want 2", latest.Number, err)
	}
	got, err := s.Version(ctx, "q", 3)
	if err != nil || !got.Quarantined() || string(got.CheckReport) != `{"passed":false}` {
		t.Errorf("Version(q, 3) = %+v, %v; want it quarantined with its report", got.QualityInfo, err)
	}
	commitStatus(t, s, "only-q", 1, catalog.StatusQuarantined)
	ds, err := s.Datasets(ctx)
	if err != nil || len(ds) != 2 {
		t.Fatalf("Datasets() = %d, %v; want 2", len(ds), err)
	}
	if d := ds[0]; d.Name != "only-q" || d.Versions != 1 || d.Quarantined != 1 || d.Latest.Number != 0 || d.Latest.Dataset != "only-q" {
		t.Errorf("Datasets()[0] = %s versions %d quarantined %d latest %d, want only-q 1 1 0", d.Name, d.Versions, d.Quarantined, d.Latest.Number)
	}
	if d := ds[1]; d.Name != "q" || d.Versions != 3 || d.Quarantined != 2 || d.Latest.Number != 2 {
		t.Errorf("Datasets()[1] = %s versions %d quarantined %d latest %d, want q 3 2 2", d.Name, d.Versions, d.Quarantined, d.Latest.Number)
	}
	vs, err := s.Versions(ctx, "q")
	if err != nil || len(vs) != 3 {
		t.Errorf("Versions(q) = %d, %v; want all 3", len(vs), err)
	}
	qs, err := s.Quarantined(ctx)
	if err != nil || len(qs) != 3 || qs[0].Dataset != "only-q" || qs[1].Number != 1 || qs[2].Number != 3 {
		t.Errorf("Quarantined() = %d versions, %v; want only-q@1 q@1 q@3", len(qs), err)
	}
	mustVerify(t, s, 4)
}

func testRelease(t *testing.T, db DB) {
	ctx := context.Background()
	s := db.Open(t, Chain)
	commitStatus(t, s, "r", 1, catalog.StatusOK)
	commitStatus(t, s, "r", 2, catalog.StatusQuarantined)
	when := t0.Add(time.Hour)
	rec := &audit.Record{Time: when, Actor: "os:qa", Action: "quarantine.release", Decision: "ok"}
	if err := s.Release(ctx, "r", 2, rec); err != nil {
		t.Fatalf("Release(r, 2): %v", err)
	}
	if rec.Dataset != "r" || rec.Version != 2 || rec.Seq != 3 {
		t.Errorf("release record = %s@%d seq %d, want r@2 seq 3", rec.Dataset, rec.Version, rec.Seq)
	}
	v, err := s.Version(ctx, "r", 0)
	if err != nil || v.Number != 2 || v.Quarantined() || v.ReleasedBy != "os:qa" || !v.Released.Equal(when) {
		t.Errorf("after release, latest = %d %+v, %v; want 2 released by os:qa", v.Number, v.QualityInfo, err)
	}
	saved := *rec
	again := &audit.Record{Time: when, Actor: "os:qa", Action: "quarantine.release", Decision: "ok"}
	if err := s.Release(ctx, "r", 2, again); !errors.Is(err, catalog.ErrNotQuarantined) {
		t.Errorf("second Release = %v, want ErrNotQuarantined", err)
	}
	if again.Seq != 0 || again.Hash != nil {
		t.Errorf("a refused release changed its record")
	}
	if err := s.Release(ctx, "r", 9, &audit.Record{Time: when}); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("Release(r, 9) = %v, want ErrNotFound", err)
	}
	if err := s.Release(ctx, "nope", 1, &audit.Record{Time: when}); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("Release(nope, 1) = %v, want ErrNotFound", err)
	}
	mustVerify(t, s, 3)
	if rs := records(t, s, 2); len(rs) != 1 || diffRecord(rs[0], saved) != "" {
		t.Errorf("audit has %d records after 2, want the release", len(rs))
	}
}

func testChecks(t *testing.T, db DB) {
	ctx := context.Background()
	s := db.Open(t, Chain)
	if _, err := s.Checks(ctx, "c"); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("Checks of a dataset without checks = %v, want ErrNotFound", err)
	}
	for i, body := range []string{"version: 1\nchecks: []\n", "version: 1\nchecks:\n- check: row_count\n  min: 1\n"} {
		rec := &audit.Record{Time: t0, Actor: "os:qa", Action: "checks.set", Dataset: "c", Decision: "ok"}
		if err := s.SetChecks(ctx, "c", []byte(body), rec); err != nil {
			t.Fatalf("SetChecks %d: %v", i, err)
		}
		got, err := s.Checks(ctx, "c")
		if err != nil || string(got) != body {
			t.Errorf("Checks after set %d = %q, %v; want %q", i, got, err, body)
		}
	}
	if _, err := s.Checks(ctx, "other"); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("Checks(other) = %v, want ErrNotFound", err)
	}
	mustVerify(t, s, 2)
	// A failing audit append leaves the old checks.
	if err := db.Exec(t, db.BlockAudit...); err != nil {
		t.Fatal(err)
	}
	rec := &audit.Record{Time: t0, Actor: "os:qa", Action: "checks.set", Dataset: "c", Decision: "ok"}
	if err := s.SetChecks(ctx, "c", []byte("new"), rec); err == nil {
		t.Errorf("SetChecks with the audit blocked succeeded")
	}
	if got, _ := s.Checks(ctx, "c"); string(got) == "new" {
		t.Errorf("SetChecks changed the checks although its audit record failed")
	}
}
