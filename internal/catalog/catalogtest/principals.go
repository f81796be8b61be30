package catalogtest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
)

// allowedGroups varies a version's groups: none, an empty list, one, two.
func allowedGroups(i int) []string {
	return [][]string{nil, {}, {"ml-platform"}, {"a", "ü b"}}[i%4]
}

// newPrincipal returns a principal created at t0+i.
func newPrincipal(id string, i int, groups []string) *catalog.Principal {
	return &catalog.Principal{ID: id, Role: "analyst", Department: "marketing", Clearance: i % (catalog.MaxClearance + 1),
		Groups: groups, Created: t0.Add(time.Duration(i) * time.Minute), CreatedBy: "os:root"}
}

func principalRecord(p *catalog.Principal, action string) *audit.Record {
	return &audit.Record{Time: p.Created, Actor: "os:root", Action: action, Decision: "ok",
		Detail: map[string]string{"principal": p.ID}}
}

// diffPrincipal is diffVersion for principals.
func diffPrincipal(got, want catalog.Principal) string {
	for _, p := range []struct{ g, w *time.Time }{{&got.Created, &want.Created}, {&got.Disabled, &want.Disabled}} {
		if !p.g.Equal(*p.w) || (!p.g.IsZero() && p.g.Location() != time.UTC) {
			return "times differ or are not UTC: " + p.g.String() + " vs " + p.w.String()
		}
		*p.g, *p.w = time.Time{}, time.Time{}
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Sprintf("\n got %+v\nwant %+v", got, want)
	}
	return ""
}

// testPrincipals: add and read back exactly; ids are listed in byte order;
// each add appends its record in the chain; an id is never reused.
func testPrincipals(t *testing.T, db DB) {
	ctx := context.Background()
	s := db.Open(t, Chain)
	if ps, err := s.ListPrincipals(ctx); err != nil || len(ps) != 0 {
		t.Fatalf("ListPrincipals on an empty catalog = %v, %v", ps, err)
	}
	want := []*catalog.Principal{
		newPrincipal("bob", 1, nil),
		newPrincipal("Zed", 2, []string{}),
		newPrincipal("ünï ✓", 5, []string{"marketing-analytics", "a'b\"c"}),
		newPrincipal("alice", 3, []string{"ml-platform"}),
	}
	for i, p := range want {
		rec := principalRecord(p, "principal.add")
		if err := s.AddPrincipal(ctx, p, rec); err != nil {
			t.Fatalf("AddPrincipal(%s): %v", p.ID, err)
		}
		if rec.Seq != int64(i+1) || len(rec.Hash) == 0 {
			t.Fatalf("AddPrincipal(%s): record seq %d, want %d", p.ID, rec.Seq, i+1)
		}
	}
	for _, p := range want {
		got, err := s.Principal(ctx, p.ID)
		if err != nil {
			t.Fatalf("Principal(%s): %v", p.ID, err)
		}
		if d := diffPrincipal(got, *p); d != "" {
			t.Errorf("Principal(%s): %s", p.ID, d)
		}
	}
	ps, err := s.ListPrincipals(ctx)
	if err != nil || len(ps) != len(want) {
		t.Fatalf("ListPrincipals = %d, %v; want %d", len(ps), err, len(want))
	}
	for i, id := range []string{"Zed", "alice", "bob", "ünï ✓"} {
		if ps[i].ID != id {
			t.Errorf("ListPrincipals[%d] = %s, want %s (byte order)", i, ps[i].ID, id)
		}
	}
	dup := newPrincipal("bob", 9, nil)
	rec := principalRecord(dup, "principal.add")
	if err := s.AddPrincipal(ctx, dup, rec); !errors.Is(err, catalog.ErrExists) {
		t.Fatalf("AddPrincipal(bob) again = %v; want ErrExists", err)
	}
	if rec.Seq != 0 {
		t.Errorf("a refused AddPrincipal changed its record: seq %d", rec.Seq)
	}
	if got, _ := s.Principal(ctx, "bob"); got.Clearance != want[0].Clearance {
		t.Errorf("a refused AddPrincipal changed bob: clearance %d", got.Clearance)
	}
	if _, err := s.Principal(ctx, "nobody"); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("Principal(nobody) = %v; want ErrNotFound", err)
	}
	// Another store (process, server) sees them.
	if got, err := db.Open(t, Chain).Principal(ctx, "alice"); err != nil || got.Department != "marketing" {
		t.Errorf("Principal(alice) from a second store = %+v, %v", got, err)
	}
	mustVerify(t, s, int64(len(want)))
}

// testPrincipalsDisable: disabling records when and by whom with its audit
// record; a disabled principal stays listed, cannot be disabled again and
// its id cannot be taken by a new principal.
func testPrincipalsDisable(t *testing.T, db DB) {
	ctx := context.Background()
	s := db.Open(t, Chain)
	p := newPrincipal("carol", 2, []string{"g"})
	if err := s.AddPrincipal(ctx, p, principalRecord(p, "principal.add")); err != nil {
		t.Fatal(err)
	}
	rec := &audit.Record{Time: t0.Add(time.Hour), Actor: "os:admin", Action: "principal.disable", Decision: "ok"}
	if err := s.DisablePrincipal(ctx, "carol", rec); err != nil {
		t.Fatalf("DisablePrincipal: %v", err)
	}
	if rec.Seq != 2 {
		t.Fatalf("DisablePrincipal's record has seq %d, want 2", rec.Seq)
	}
	got, err := s.Principal(ctx, "carol")
	if err != nil || !got.Disabled.Equal(rec.Time) || got.Disabled.Location() != time.UTC || got.DisabledBy != "os:admin" {
		t.Fatalf("disabled principal = disabled %v by %q, %v; want %v by os:admin", got.Disabled, got.DisabledBy, err, rec.Time)
	}
	again := &audit.Record{Time: t0.Add(2 * time.Hour), Actor: "os:admin", Action: "principal.disable"}
	if err := s.DisablePrincipal(ctx, "carol", again); !errors.Is(err, catalog.ErrDisabled) {
		t.Fatalf("second DisablePrincipal = %v; want ErrDisabled", err)
	}
	if got2, _ := s.Principal(ctx, "carol"); !got2.Disabled.Equal(rec.Time) {
		t.Errorf("a refused disable moved the time to %v", got2.Disabled)
	}
	if err := s.DisablePrincipal(ctx, "nobody", &audit.Record{Time: t0, Action: "principal.disable"}); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("DisablePrincipal(nobody) = %v; want ErrNotFound", err)
	}
	if err := s.AddPrincipal(ctx, newPrincipal("carol", 1, nil), principalRecord(p, "principal.add")); !errors.Is(err, catalog.ErrExists) {
		t.Errorf("AddPrincipal over a disabled id = %v; want ErrExists", err)
	}
	if ps, _ := s.ListPrincipals(ctx); len(ps) != 1 || ps[0].Disabled.IsZero() {
		t.Errorf("ListPrincipals after disable = %+v", ps)
	}
	mustVerify(t, s, 2)
}

// testPrincipalsAtomic: when the audit record cannot be written, neither
// the new principal nor the disabling remains.
func testPrincipalsAtomic(t *testing.T, db DB) {
	ctx := context.Background()
	s := db.Open(t, Chain)
	p := newPrincipal("dan", 1, nil)
	if err := s.AddPrincipal(ctx, p, principalRecord(p, "principal.add")); err != nil {
		t.Fatal(err)
	}
	if err := db.Exec(t, db.BlockAudit...); err != nil {
		t.Fatalf("BlockAudit: %v", err)
	}
	q := newPrincipal("erin", 2, nil)
	rec := principalRecord(q, "principal.add")
	if err := s.AddPrincipal(ctx, q, rec); err == nil {
		t.Fatal("AddPrincipal succeeded while audit inserts fail")
	}
	if rec.Seq != 0 || rec.Hash != nil {
		t.Errorf("failed AddPrincipal changed its record: seq %d", rec.Seq)
	}
	if _, err := s.Principal(ctx, "erin"); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("principal of a failed add: %v; want not found", err)
	}
	if err := s.DisablePrincipal(ctx, "dan", &audit.Record{Time: t0, Actor: "x", Action: "principal.disable"}); err == nil {
		t.Fatal("DisablePrincipal succeeded while audit inserts fail")
	}
	if got, _ := s.Principal(ctx, "dan"); !got.Disabled.IsZero() {
		t.Errorf("a failed disable left dan disabled at %v", got.Disabled)
	}
	if err := db.Exec(t, db.UnblockAudit...); err != nil {
		t.Fatalf("UnblockAudit: %v", err)
	}
	if err := s.AddPrincipal(ctx, q, principalRecord(q, "principal.add")); err != nil {
		t.Fatalf("AddPrincipal(erin) after unblocking: %v", err)
	}
	mustVerify(t, s, 2)
}

func testPrincipalsInvalid(t *testing.T, db DB) {
	ctx := context.Background()
	s := db.Open(t, Chain)
	cases := map[string]func(*catalog.Principal){
		"no id":              func(p *catalog.Principal) { p.ID = "" },
		"clearance -1":       func(p *catalog.Principal) { p.Clearance = -1 },
		"clearance 6":        func(p *catalog.Principal) { p.Clearance = catalog.MaxClearance + 1 },
		"created after 2262": func(p *catalog.Principal) { p.Created = time.Date(2263, 1, 1, 0, 0, 0, 0, time.UTC) },
	}
	for name, change := range cases {
		p := newPrincipal("x", 0, nil)
		change(p)
		if err := s.AddPrincipal(ctx, p, principalRecord(newPrincipal("x", 0, nil), "principal.add")); err == nil {
			t.Errorf("AddPrincipal with %s succeeded", name)
		}
	}
	if err := s.AddPrincipal(ctx, nil, &audit.Record{Time: t0}); err == nil {
		t.Error("AddPrincipal(nil) succeeded")
	}
	if err := s.AddPrincipal(ctx, newPrincipal("y", 0, nil), nil); err == nil {
		t.Error("AddPrincipal without a record succeeded")
	}
	if ps, _ := s.ListPrincipals(ctx); len(ps) != 0 {
		t.Errorf("invalid adds left %d principals", len(ps))
	}
	mustVerify(t, s, 0)
}

// testVersionAccess: a version's clearance and allowed groups round-trip
// (NewVersion varies them; RoundTrip compares) and a clearance out of range
// is refused.
func testVersionAccess(t *testing.T, db DB) {
	ctx := context.Background()
	s := db.Open(t, Chain)
	for i := range 4 {
		v, _ := Commit(t, s, "acc", i)
		got, err := s.Version(ctx, "acc", v.Number)
		if err != nil || got.Clearance != v.Clearance || !reflect.DeepEqual(got.AllowedGroups, v.AllowedGroups) {
			t.Errorf("acc@%d: clearance %d groups %#v, %v; want %d %#v", v.Number, got.Clearance, got.AllowedGroups, err, v.Clearance, v.AllowedGroups)
		}
	}
	for _, c := range []int{-1, catalog.MaxClearance + 1} {
		v := NewVersion("acc", 9)
		v.Clearance = c
		if err := s.CommitVersion(ctx, v, PutRecord(v)); err == nil {
			t.Errorf("CommitVersion with clearance %d succeeded", c)
		}
	}
	mustVerify(t, s, 4)
}
