package vault_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/vault"
)

func TestGetRange(t *testing.T) {
	v := newVault(t, "")
	data := randBytes(t, 10*testChunk+17)
	put(t, v, "r/x", data)
	ctx := context.Background()
	for _, c := range [][2]int64{{0, 0}, {0, 1}, {5, testChunk}, {testChunk - 1, 2}, {int64(len(data)) - 3, 3}, {0, int64(len(data))}} {
		var buf bytes.Buffer
		if _, err := v.GetRange(ctx, vault.Ref{Name: "r/x"}, c[0], c[1], &buf); err != nil {
			t.Fatalf("GetRange(%d, %d) = %v", c[0], c[1], err)
		}
		if !bytes.Equal(buf.Bytes(), data[c[0]:c[0]+c[1]]) {
			t.Errorf("GetRange(%d, %d) returned other bytes", c[0], c[1])
		}
	}
	for _, c := range [][2]int64{{-1, 1}, {0, int64(len(data)) + 1}, {int64(len(data)), 1}} {
		if _, err := v.GetRange(ctx, vault.Ref{Name: "r/x"}, c[0], c[1], &bytes.Buffer{}); fault.KindOf(err) != fault.Invalid {
			t.Errorf("GetRange(%d, %d) = %v, want Invalid", c[0], c[1], err)
		}
	}
}

func TestAsNamesTheActor(t *testing.T) {
	v := newVault(t, "")
	ctx := context.Background()
	ver, err := v.As("alice").Put(ctx, "a/b", strings.NewReader("x,y\n1,2\n"), vault.PutOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if ver.Creator != "alice" || ver.Owner != "alice" {
		t.Errorf("creator, owner = %q, %q; want alice", ver.Creator, ver.Owner)
	}
	var last audit.Record
	v.AuditRecords(ctx, time.Time{}, func(r audit.Record) error { last = r; return nil })
	if last.Actor != "alice" {
		t.Errorf("audit actor = %q, want alice", last.Actor)
	}
	if v.Actor() == "alice" {
		t.Error("As changed the original vault's actor")
	}
}

func TestAPIKeys(t *testing.T) {
	v := newVault(t, "")
	ctx := context.Background()
	k, secret, err := v.CreateAPIKey(ctx, "alice", vault.APIKeyOptions{Purposes: []string{"training"}, TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	if len(k.ID) != 20 || len(secret) != 40 {
		t.Fatalf("id %q secret of %d characters", k.ID, len(secret))
	}
	if got, err := v.VerifyAPIKey(ctx, k.ID, secret); err != nil || got.Principal != "alice" {
		t.Fatalf("VerifyAPIKey = %+v, %v", got, err)
	}
	_, s2, err := v.APIKeySecret(ctx, k.ID)
	if err != nil || string(s2) != secret {
		t.Fatalf("APIKeySecret = %v (same: %v)", err, string(s2) == secret)
	}
	// Nothing stored or audited holds the secret.
	ks, _ := v.APIKeys(ctx, "alice")
	if len(ks) != 1 || bytes.Contains(ks[0].SealedSecret, []byte(secret)) || bytes.Contains(ks[0].Hash, []byte(secret)) {
		t.Fatalf("listing = %d keys or holds the secret", len(ks))
	}
	v.AuditRecords(ctx, time.Time{}, func(r audit.Record) error {
		for _, d := range r.Detail {
			if strings.Contains(d, secret) {
				t.Errorf("audit record %d holds the secret", r.Seq)
			}
		}
		return nil
	})
	bad := []struct{ name, id, secret string }{
		{"wrong secret", k.ID, strings.Repeat("A", 40)},
		{"unknown id", "CKAAAAAAAAAAAAAAAAAA", secret},
		{"malformed id", "x", secret},
		{"empty secret", k.ID, ""},
	}
	for _, b := range bad {
		if _, err := v.VerifyAPIKey(ctx, b.id, b.secret); !errors.Is(err, vault.ErrAPIKey) || fault.KindOf(err) != fault.Denied {
			t.Errorf("%s: VerifyAPIKey = %v, want Denied ErrAPIKey", b.name, err)
		}
	}
	if err := v.RevokeAPIKey(ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := v.VerifyAPIKey(ctx, k.ID, secret); !errors.Is(err, vault.ErrAPIKey) {
		t.Errorf("revoked key verified: %v", err)
	}
	if _, _, err := v.APIKeySecret(ctx, k.ID); !errors.Is(err, vault.ErrAPIKey) {
		t.Errorf("revoked key's secret returned: %v", err)
	}
	if _, _, err := v.CreateAPIKey(ctx, "alice", vault.APIKeyOptions{Purposes: []string{"Bad Purpose"}}); fault.KindOf(err) != fault.Invalid {
		t.Errorf("bad purpose: %v", err)
	}
}

func TestAPIKeyExpires(t *testing.T) {
	v := newVault(t, "")
	ctx := context.Background()
	k, secret, err := v.CreateAPIKey(ctx, "bob", vault.APIKeyOptions{TTL: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	if _, err := v.VerifyAPIKey(ctx, k.ID, secret); !errors.Is(err, vault.ErrAPIKey) {
		t.Errorf("expired key verified: %v", err)
	}
}
