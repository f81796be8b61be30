package catalogtest

import (
	"context"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
)

func testCommitAndRead(t *testing.T, db DB) {
	ctx := context.Background()
	s := db.Open(t, Chain)
	var as []*catalog.Version
	for i := range 3 {
		v, rec := Commit(t, s, "a", i)
		if v.Number != int64(i+1) || rec.Version != v.Number {
			t.Fatalf("commit %d of a: Number %d, record Version %d; want %d", i+1, v.Number, rec.Version, i+1)
		}
		as = append(as, v)
	}
	b, _ := Commit(t, s, "b", 9)
	if b.Number != 1 {
		t.Fatalf("first commit of b: Number = %d, want 1", b.Number)
	}

	vs, err := s.Versions(ctx, "a")
	if err != nil || len(vs) != 3 {
		t.Fatalf("Versions(a) = %d versions, %v; want 3", len(vs), err)
	}
	for i, v := range vs {
		if d := diffVersion(v, *as[i]); d != "" {
			t.Errorf("Versions(a)[%d]: %s", i, d)
		}
	}
	for _, c := range []struct {
		number int64
		want   *catalog.Version
	}{{1, as[0]}, {2, as[1]}, {3, as[2]}, {0, as[2]}} {
		got, err := s.Version(ctx, "a", c.number)
		if err != nil {
			t.Fatalf("Version(a, %d): %v", c.number, err)
		}
		if d := diffVersion(got, *c.want); d != "" {
			t.Errorf("Version(a, %d): %s", c.number, d)
		}
	}
	got, err := s.VersionByID(ctx, as[1].ID)
	if err != nil || got.Number != 2 || got.Dataset != "a" {
		t.Fatalf("VersionByID(a@2's id) = a@%d (%s), %v; want a@2", got.Number, got.Dataset, err)
	}

	ds, err := s.Datasets(ctx)
	if err != nil || len(ds) != 2 {
		t.Fatalf("Datasets() = %d datasets, %v; want 2", len(ds), err)
	}
	if ds[0].Name != "a" || ds[0].Versions != 3 || ds[1].Name != "b" || ds[1].Versions != 1 {
		t.Errorf("Datasets() = %s(%d) %s(%d), want a(3) b(1)", ds[0].Name, ds[0].Versions, ds[1].Name, ds[1].Versions)
	}
	if d := diffVersion(ds[0].Latest, *as[2]); d != "" {
		t.Errorf("Datasets()[0].Latest: %s", d)
	}
	mustVerify(t, s, 4)
}

func testRoundTrip(t *testing.T, db DB) {
	ctx := context.Background()
	s := db.Open(t, Chain)
	cases := map[string]func(v *catalog.Version){
		"nil tags":   func(v *catalog.Version) { v.Tags = nil },
		"empty tags": func(v *catalog.Version) { v.Tags = map[string]string{} },
		"many tags": func(v *catalog.Version) {
			v.Tags = map[string]string{"k": "v", "quote": `"'\`, "ünï": "çødé ✓", "": "empty key", "nl": "a\nb"}
		},
		"nil bytes and empty strings": func(v *catalog.Version) {
			v.SHA256, v.StoredSHA256, v.WrappedDEK = nil, nil, nil
			v.BlobKey, v.KeyID, v.Format, v.Classification, v.Owner, v.Department, v.Creator = "", "", "", "", "", "", ""
		},
		"extremes": func(v *catalog.Version) {
			v.Size, v.StoredSize = 1<<62, 0
			v.Created = time.Date(2262, 4, 11, 23, 47, 16, 854775807, time.UTC)
		},
		"old time": func(v *catalog.Version) {
			v.Created = time.Date(1678, 1, 1, 0, 0, 0, 1, time.FixedZone("X", -7*3600))
		},
		"monotonic time": func(v *catalog.Version) { v.Created = time.Now() },
	}
	for name, change := range cases {
		v := NewVersion("rt-"+strings.ReplaceAll(name, " ", "-"), 1)
		change(v)
		want := *v
		if err := s.CommitVersion(ctx, v, PutRecord(v)); err != nil {
			t.Fatalf("%s: CommitVersion: %v", name, err)
		}
		want.Number = 1
		got, err := s.Version(ctx, v.Dataset, 1)
		if err != nil {
			t.Fatalf("%s: Version: %v", name, err)
		}
		if d := diffVersion(got, want); d != "" {
			t.Errorf("%s: %s", name, d)
		}
	}
	mustVerify(t, s, int64(len(cases)))
}

func testNotFound(t *testing.T, db DB) {
	ctx := context.Background()
	s := db.Open(t, Chain)
	Commit(t, s, "x", 0)
	Commit(t, s, "x", 1)
	check := func(call string, err error, want string) {
		t.Helper()
		if !errors.Is(err, catalog.ErrNotFound) || err.Error() != want {
			t.Errorf("%s = %v, want %q matching catalog.ErrNotFound", call, err, want)
		}
	}
	_, err := s.Version(ctx, "x", 3)
	check("Version(x, 3)", err, `catalog: dataset "x" version 3: not found`)
	_, err = s.Version(ctx, "x", -1)
	check("Version(x, -1)", err, `catalog: dataset "x" version -1: not found`)
	_, err = s.Version(ctx, "nope", 0)
	check("Version(nope, 0)", err, `catalog: dataset "nope": not found`)
	_, err = s.Version(ctx, "nope", 1)
	check("Version(nope, 1)", err, `catalog: dataset "nope" version 1: not found`)
	_, err = s.Versions(ctx, "nope")
	check("Versions(nope)", err, `catalog: dataset "nope": not found`)
	_, err = s.VersionByID(ctx, "00112233445566778899aabbccddeeff")
	check("VersionByID(unknown)", err, `catalog: version id "00112233445566778899aabbccddeeff": not found`)

	empty := db.Open(t, Chain)
	if ds, err := empty.Datasets(ctx); err != nil || len(ds) != 1 {
		t.Errorf("Datasets() on a second store = %d, %v; want the 1 dataset", len(ds), err)
	}
}

func testDatasetOrder(t *testing.T, db DB) {
	s := db.Open(t, Chain)
	names := []string{"b", "B", "a", "_x", "é", "a.b", "a-b", "Z"}
	for i, n := range names {
		Commit(t, s, n, i)
	}
	ds, err := s.Datasets(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range ds {
		got = append(got, d.Name)
	}
	slices.Sort(names) // byte order, whatever the database's collation
	if !slices.Equal(got, names) {
		t.Errorf("Datasets() names = %q, want %q", got, names)
	}
}

// testDuplicateID commits a version whose id is taken: the commit fails as
// a whole, the error does not show the wrapped key, and the caller's
// version and record are left as they were.
func testDuplicateID(t *testing.T, db DB) {
	ctx := context.Background()
	s := db.Open(t, Chain)
	first, _ := Commit(t, s, "a", 0)
	v := NewVersion("b", 1)
	v.ID = first.ID
	rec := PutRecord(v)
	err := s.CommitVersion(ctx, v, rec)
	if err == nil {
		t.Fatal("CommitVersion with a duplicate id succeeded")
	}
	noDEK(t, err)
	if v.Number != 0 || rec.Seq != 0 || rec.Version != 0 || rec.Hash != nil {
		t.Errorf("failed CommitVersion changed its arguments: Number %d, Seq %d, Version %d", v.Number, rec.Seq, rec.Version)
	}
	if _, err := s.Version(ctx, "b", 0); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("after a failed first commit, Version(b, 0) = %v, want not found", err)
	}
	mustVerify(t, s, 1)
	if v2, _ := Commit(t, s, "b", 2); v2.Number != 1 {
		t.Errorf("next commit of b got number %d, want 1", v2.Number)
	}
}

// noDEK fails t if err shows the wrapped key, raw or encoded.
func noDEK(t *testing.T, err error) {
	t.Helper()
	msg := err.Error()
	for _, enc := range []string{string(DEK), hex.EncodeToString(DEK), base64.StdEncoding.EncodeToString(DEK), "WRAPPED-DEK"} {
		if strings.Contains(msg, enc) {
			t.Errorf("error shows the wrapped data key: %s", msg)
		}
	}
}

func testInvalid(t *testing.T, db DB) {
	ctx := context.Background()
	s := db.Open(t, Chain)
	cases := map[string]func(*catalog.Version, *audit.Record){
		"no dataset":          func(v *catalog.Version, _ *audit.Record) { v.Dataset = "" },
		"no id":               func(v *catalog.Version, _ *audit.Record) { v.ID = "" },
		"zero created":        func(v *catalog.Version, _ *audit.Record) { v.Created = time.Time{} },
		"created after 2262":  func(v *catalog.Version, _ *audit.Record) { v.Created = time.Date(2263, 1, 1, 0, 0, 0, 0, time.UTC) },
		"zero record time":    func(_ *catalog.Version, r *audit.Record) { r.Time = time.Time{} },
		"record before 1678":  func(_ *catalog.Version, r *audit.Record) { r.Time = time.Date(1677, 1, 1, 0, 0, 0, 0, time.UTC) },
		"record in year 9999": func(_ *catalog.Version, r *audit.Record) { r.Time = time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC) },
	}
	for name, change := range cases {
		v := NewVersion("inv", 0)
		rec := PutRecord(v)
		change(v, rec)
		if err := s.CommitVersion(ctx, v, rec); err == nil {
			t.Errorf("CommitVersion with %s succeeded", name)
		}
	}
	if err := s.AppendAudit(ctx, &audit.Record{Action: "x"}); err == nil {
		t.Error("AppendAudit with a zero time succeeded")
	}
	if err := s.CommitVersion(ctx, nil, nil); err == nil {
		t.Error("CommitVersion(nil, nil) succeeded")
	}
	if _, err := s.Version(ctx, "inv", 0); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("after invalid commits, Version(inv, 0) = %v, want not found", err)
	}
	mustVerify(t, s, 0)
}

// testReopen closes a store and opens the database again: the migrations
// already applied are not applied twice and nothing is lost.
func testReopen(t *testing.T, db DB) {
	s := db.Open(t, Chain)
	Commit(t, s, "a", 0)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}
	s = db.Open(t, Chain)
	if v, _ := Commit(t, s, "a", 1); v.Number != 2 {
		t.Errorf("after reopening, next version of a = %d, want 2", v.Number)
	}
	mustVerify(t, s, 2)
}
