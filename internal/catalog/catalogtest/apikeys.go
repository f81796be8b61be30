package catalogtest

import (
	"bytes"
	"context"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
)

// testAPIKeys checks that API keys round-trip, list per principal, revoke
// once, and that each change appends its audit record in one transaction.
func testAPIKeys(t *testing.T, db DB) {
	ctx := context.Background()
	s := db.Open(t, Chain)
	k1 := catalog.APIKey{ID: "ck_one", Principal: "alice", Purposes: []string{"training", "eval"},
		Salt: bytes.Repeat([]byte{1}, 16), Hash: bytes.Repeat([]byte{2}, 32), SealedSecret: []byte("SEALED-SECRET"),
		Description: "laptop", Created: t0.UTC(), Expires: t0.Add(24 * time.Hour).UTC()}
	k2 := catalog.APIKey{ID: "ck_two", Principal: "bob", Salt: []byte{3}, Hash: []byte{4}, SealedSecret: []byte{5}, Created: t0.UTC()}
	for _, k := range []catalog.APIKey{k1, k2} {
		rec := &audit.Record{Time: t0, Actor: "os:test", Action: "apikey.create", Detail: map[string]string{"key": k.ID}}
		if err := s.CreateAPIKey(ctx, &k, rec); err != nil {
			t.Fatalf("CreateAPIKey(%s) = %v", k.ID, err)
		}
		if rec.Seq == 0 {
			t.Errorf("CreateAPIKey(%s) left rec.Seq 0", k.ID)
		}
	}
	dup := k1
	if err := s.CreateAPIKey(ctx, &dup, &audit.Record{Time: t0, Action: "apikey.create"}); err == nil {
		t.Error("CreateAPIKey with a duplicate id succeeded")
	}
	got, err := s.APIKey(ctx, "ck_one")
	if err != nil || !reflect.DeepEqual(got, k1) {
		t.Errorf("APIKey(ck_one) = %+v, %v; want %+v", got, err, k1)
	}
	if _, err := s.APIKey(ctx, "ck_none"); !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("APIKey(ck_none) = %v, want ErrNotFound", err)
	}
	all, err := s.APIKeys(ctx, "")
	if err != nil || len(all) != 2 || all[0].ID != "ck_one" || all[1].ID != "ck_two" {
		t.Errorf("APIKeys(\"\") = %v, %v; want ck_one, ck_two", all, err)
	}
	bobs, err := s.APIKeys(ctx, "bob")
	if err != nil || len(bobs) != 1 || bobs[0].ID != "ck_two" || bobs[0].Purposes != nil {
		t.Errorf("APIKeys(bob) = %+v, %v", bobs, err)
	}
	t1 := t0.Add(time.Hour)
	if err := s.RevokeAPIKey(ctx, "ck_one", &audit.Record{Time: t1, Action: "apikey.revoke"}); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeAPIKey(ctx, "ck_one", &audit.Record{Time: t1.Add(time.Hour), Action: "apikey.revoke"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.APIKey(ctx, "ck_one"); !got.Revoked.Equal(t1) {
		t.Errorf("revoked at %v, want the first revocation %v", got.Revoked, t1)
	}
	err = s.RevokeAPIKey(ctx, "ck_none", &audit.Record{Time: t1, Action: "apikey.revoke"})
	if !errors.Is(err, catalog.ErrNotFound) {
		t.Errorf("RevokeAPIKey(ck_none) = %v, want ErrNotFound", err)
	}
	var actions []string
	s.AuditRecords(ctx, 0, func(r audit.Record) error { actions = append(actions, r.Action); return nil })
	if want := "apikey.create apikey.create apikey.revoke apikey.revoke"; strings.Join(actions, " ") != want {
		t.Errorf("audit = %v, want %s", actions, want)
	}
}
