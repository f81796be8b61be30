package catalog_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
)

func TestMigrations(t *testing.T) {
	file := func(s string) *fstest.MapFile { return &fstest.MapFile{Data: []byte(s)} }
	good := fstest.MapFS{"0002_more.sql": file("B"), "0001_init.sql": file("A"), "README": file("")}
	ms, err := catalog.Migrations(good)
	if err != nil || len(ms) != 2 || ms[0].Version != 1 || ms[1].SQL != "B" {
		t.Fatalf("Migrations(good) = %+v, %v", ms, err)
	}
	for name, fsys := range map[string]fstest.MapFS{
		"gap":      {"0001_a.sql": file(""), "0003_c.sql": file("")},
		"repeat":   {"0001_a.sql": file(""), "0001_b.sql": file("")},
		"bad name": {"0001-init.sql": file("")},
		"none":     {},
	} {
		if _, err := catalog.Migrations(fsys); err == nil {
			t.Errorf("Migrations(%s) succeeded", name)
		}
	}
	if p, err := catalog.Pending(ms, 1); err != nil || len(p) != 1 || p[0].Version != 2 {
		t.Errorf("Pending(ms, 1) = %+v, %v; want migration 2", p, err)
	}
	if p, err := catalog.Pending(ms, 2); err != nil || len(p) != 0 {
		t.Errorf("Pending(ms, 2) = %+v, %v; want none", p, err)
	}
	if _, err := catalog.Pending(ms, 3); err == nil || !strings.Contains(err.Error(), "newer") {
		t.Errorf("Pending(ms, 3) = %v, want a newer-schema error", err)
	}
}

func TestCheckTime(t *testing.T) {
	ok := []time.Time{
		time.Unix(0, -1<<63), time.Unix(0, 1<<63-1), time.Unix(0, 0), time.Now(),
	}
	for _, tm := range ok {
		if err := catalog.CheckTime("t", tm); err != nil {
			t.Errorf("CheckTime(%v) = %v", tm, err)
		}
		if got := catalog.FromUnixNano(tm.UnixNano()); !got.Equal(tm) || got.Location() != time.UTC {
			t.Errorf("FromUnixNano(%v.UnixNano()) = %v", tm, got)
		}
	}
	bad := []time.Time{{}, time.Unix(0, -1<<63).Add(-1), time.Unix(0, 1<<63-1).Add(1)}
	for _, tm := range bad {
		if err := catalog.CheckTime("t", tm); err == nil {
			t.Errorf("CheckTime(%v) succeeded", tm)
		}
	}
}

func TestNotFound(t *testing.T) {
	for _, c := range []struct {
		err  error
		want string
	}{
		{catalog.DatasetNotFound("x"), `catalog: dataset "x": not found`},
		{catalog.VersionNotFound("x", 3), `catalog: dataset "x" version 3: not found`},
		{catalog.VersionNotFound("x", 0), `catalog: dataset "x": not found`},
		{catalog.IDNotFound("ab"), `catalog: version id "ab": not found`},
	} {
		if !errors.Is(c.err, catalog.ErrNotFound) || c.err.Error() != c.want {
			t.Errorf("%v: want %q matching ErrNotFound", c.err, c.want)
		}
	}
}

// row is a Scanner over fixed values, standing in for a database row.
type row []any

func (r row) Scan(dest ...any) error {
	for i, d := range dest {
		switch p := d.(type) {
		case *string:
			*p = r[i].(string)
		case *int64:
			*p = r[i].(int64)
		case *[]byte:
			*p = r[i].([]byte)
		}
	}
	return nil
}

func TestRecordRoundTrip(t *testing.T) {
	chain := audit.NewChain(make([]byte, 32))
	for _, detail := range []map[string]string{nil, {}, {"a": "b"}} {
		r := audit.Record{Time: time.Date(2025, 1, 2, 3, 4, 5, 6, time.Local), Actor: "a", Action: "b", Detail: detail}
		chain.Link(0, nil, &r)
		args, err := catalog.AuditArgs(&r)
		if err != nil {
			t.Fatal(err)
		}
		got, err := catalog.ScanAudit(row(args))
		if err != nil {
			t.Fatal(err)
		}
		if (got.Detail == nil) != (detail == nil) || len(got.Detail) != len(detail) {
			t.Errorf("Detail %#v came back as %#v", detail, got.Detail)
		}
		if err := chain.NewVerifier().Next(got); err != nil {
			t.Errorf("Detail %#v: %v", detail, err)
		}
	}
	if _, err := catalog.ScanAudit(row{int64(1), int64(0), "", "", "", int64(0), "", "", "{bad", []byte(nil), []byte(nil)}); err == nil {
		t.Error("ScanAudit of bad detail JSON succeeded")
	}
}

func TestEachAudit(t *testing.T) {
	const n = 2*catalog.AuditPage + 3
	pages := 0
	page := func(_ context.Context, after int64) ([]audit.Record, error) {
		pages++
		var rs []audit.Record
		for s := after + 1; s <= n && len(rs) < catalog.AuditPage; s++ {
			rs = append(rs, audit.Record{Seq: s})
		}
		return rs, nil
	}
	var seen int64
	err := catalog.EachAudit(context.Background(), 0, page, func(r audit.Record) error {
		if r.Seq != seen+1 {
			return errors.New("out of order")
		}
		seen = r.Seq
		return nil
	})
	if err != nil || seen != n || pages != 3 {
		t.Errorf("EachAudit: %v, saw %d records in %d pages; want %d in 3", err, seen, pages, n)
	}
}
