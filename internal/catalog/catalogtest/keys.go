package catalogtest

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
)

// testKeys: usage counts, selection by key, compare-and-swap rewrap.
func testKeys(t *testing.T, db DB) {
	ctx := context.Background()
	s := db.Open(t, Chain)
	var vs []*catalog.Version
	for i := 0; i < 2*catalog.KeyPage+3; i++ { // more than two pages
		v := NewVersion(fmt.Sprintf("ds%d", i%3), i)
		if i%4 == 0 {
			v.KeyID = "kek_x@1" // '_' must not act as a LIKE wildcard
		}
		if err := s.CommitVersion(ctx, v, PutRecord(v)); err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	use, err := s.KeyUsage(ctx)
	if err != nil || use["kek@1"] != int64(len(vs)-(len(vs)+3)/4) || use["kek_x@1"] != int64((len(vs)+3)/4) {
		t.Fatalf("KeyUsage = %v, %v", use, err)
	}
	moved := 0
	err = s.VersionsWithKey(ctx, "kek", func(v catalog.Version) error {
		if v.KeyID != "kek@1" {
			return fmt.Errorf("VersionsWithKey(kek) gave a version wrapped by %s", v.KeyID)
		}
		n, err := s.Rewrap(ctx, []catalog.Rewrap{{ID: v.ID, OldKeyID: "kek@1", Wrapped: []byte("REWRAPPED"), KeyID: "kek@2"}})
		if err != nil || n != 1 {
			return fmt.Errorf("Rewrap(%s) = %v, %v", v.ID, n, err)
		}
		moved++
		return nil
	})
	if err != nil || moved != int(use["kek@1"]) {
		t.Fatalf("VersionsWithKey+Rewrap moved %d of %d: %v", moved, use["kek@1"], err)
	}
	again := []catalog.Rewrap{{ID: vs[1].ID, OldKeyID: "kek@1", Wrapped: []byte("AGAIN"), KeyID: "kek@3"},
		{ID: vs[0].ID, OldKeyID: "kek_x@1", Wrapped: []byte("X2"), KeyID: "kek_x@2"}}
	if n, err := s.Rewrap(ctx, again); n != 1 || err != nil {
		t.Fatalf("Rewrap of one stale and one current item = %v, %v; want 1, nil", n, err)
	}
	got, err := s.VersionByID(ctx, vs[1].ID)
	if err != nil || got.KeyID != "kek@2" || string(got.WrappedDEK) != "REWRAPPED" {
		t.Fatalf("after Rewrap: key %s wrapped %q, %v", got.KeyID, got.WrappedDEK, err)
	}
	use, _ = s.KeyUsage(ctx)
	if use["kek@1"] != 0 || use["kek@2"] != int64(moved) || use["kek_x@2"] != 1 {
		t.Fatalf("KeyUsage after rewrap = %v", use)
	}
	mustVerify(t, s, int64(len(vs)))
}

// testShred: a shredded version keeps its row but loses its data key, in
// one transaction with its audit record; shredding twice is refused.
func testShred(t *testing.T, db DB) {
	ctx := context.Background()
	s := db.Open(t, Chain)
	Commit(t, s, "ds", 1)
	v, _ := Commit(t, s, "ds", 2)
	rec := &audit.Record{Time: t0.Add(10), Actor: "os:carol", Action: "shred", Decision: "ok"}
	if err := s.Shred(ctx, v.ID, rec); err != nil {
		t.Fatalf("Shred: %v", err)
	}
	if rec.Dataset != "ds" || rec.Version != 2 || rec.Seq != 3 {
		t.Fatalf("Shred's record = %s@%d seq %d; want ds@2 seq 3", rec.Dataset, rec.Version, rec.Seq)
	}
	got, err := s.Version(ctx, "ds", 2)
	if err != nil || len(got.WrappedDEK) != 0 || got.KeyID != "" || !got.Shredded.Equal(rec.Time) || got.ShreddedBy != "os:carol" {
		t.Fatalf("shredded version = %d-byte key %q, at %v by %q, %v", len(got.WrappedDEK), got.KeyID, got.Shredded, got.ShreddedBy, err)
	}
	if use, _ := s.KeyUsage(ctx); use["kek@1"] != 1 {
		t.Fatalf("KeyUsage after shred = %v; want kek@1: 1", use)
	}
	err = s.Shred(ctx, v.ID, &audit.Record{Time: t0.Add(11), Actor: "os:carol", Action: "shred"})
	if !errors.Is(err, catalog.ErrShredded) {
		t.Fatalf("second Shred = %v; want ErrShredded", err)
	}
	if err := s.Shred(ctx, "no-such-id", &audit.Record{Time: t0, Action: "shred"}); !errors.Is(err, catalog.ErrNotFound) {
		t.Fatalf("Shred(unknown id) = %v; want ErrNotFound", err)
	}
	noDEK(t, err)
	mustVerify(t, s, 3)
}
