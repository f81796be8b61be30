package vault_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
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

func TestAuthenticatedNamesTheActor(t *testing.T) {
	v := newVault(t, "")
	ctx := context.Background()
	if _, err := v.AddPrincipal(ctx, catalog.Principal{ID: "alice", Role: "data-scientist", Department: "ml", Clearance: 2}); err != nil {
		t.Fatal(err)
	}
	w := v.As("alice", "").Authenticated(vault.Credential{Method: "apikey", KeyID: "CKAAAAAAAAAAAAAAAAAA", Purposes: []string{"model-training"}})
	ver, err := w.Put(ctx, "a/b", strings.NewReader("x,y\n1,2\n"), vault.PutOptions{Department: "ml"})
	if err != nil {
		t.Fatal(err)
	}
	if ver.Creator != "alice" || ver.Owner != "alice" {
		t.Errorf("creator, owner = %q, %q; want alice", ver.Creator, ver.Owner)
	}
	last := lastAudit(t, v)
	if last.Actor != "alice" || last.Detail["auth"] != "apikey" || last.Detail["api_key"] != "CKAAAAAAAAAAAAAAAAAA" ||
		last.Detail["impersonated_by"] != "" || last.Detail["policies"] != "write" {
		t.Errorf("audit record = %+v; want actor alice, auth apikey, its key, policies write, no impersonation", last)
	}
	if v.Actor() == "alice" {
		t.Error("As changed the original vault's actor")
	}
	// The key is scoped to model-training: a read for research is denied,
	// though the policies would allow it, and audited once.
	n := countAudit(t, v)
	var buf bytes.Buffer
	_, err = v.As("alice", "research").Authenticated(vault.Credential{Method: "apikey", KeyID: "CKAAAAAAAAAAAAAAAAAA",
		Purposes: []string{"model-training"}}).Get(ctx, vault.Ref{Name: "a/b"}, &buf)
	if fault.KindOf(err) != fault.Denied || buf.Len() != 0 {
		t.Fatalf("out-of-scope read = %v, %d bytes; want Denied and nothing", err, buf.Len())
	}
	recs := auditAfter(t, v, n)
	if len(recs) != 1 || recs[0].Decision != "deny" || recs[0].Detail["policies"] != "credential-scope" || recs[0].Detail["auth"] != "apikey" {
		t.Fatalf("audit after out-of-scope read = %+v", recs)
	}
	// For the scoped purpose the policies decide (and allow).
	if _, err := v.As("alice", "model-training").Authenticated(vault.Credential{Method: "apikey", Purposes: []string{"model-training"}}).
		Get(ctx, vault.Ref{Name: "a/b"}, &buf); err != nil || buf.String() != "x,y\n1,2\n" {
		t.Fatalf("in-scope read = %q, %v", buf.String(), err)
	}
	if r := lastAudit(t, v); r.Detail["auth"] != "apikey" || r.Actor != "alice" || r.Action != "get" {
		t.Errorf("in-scope read audited as %+v", r)
	}
}

// A principal a server authenticated but the catalog does not know is
// refused (Denied, not NotFound), audited under its own name.
func TestAuthenticatedUnknownPrincipal(t *testing.T) {
	v := newVault(t, "")
	ctx := context.Background()
	put(t, v, "a/b", []byte("x\n1\n"))
	n := countAudit(t, v)
	var buf bytes.Buffer
	_, err := v.As("mallory", "research").Authenticated(vault.Credential{Method: "mtls", AnyPurpose: true}).Get(ctx, vault.Ref{Name: "a/b"}, &buf)
	if fault.KindOf(err) != fault.Denied || buf.Len() != 0 {
		t.Fatalf("unknown principal = %v, %d bytes; want Denied", err, buf.Len())
	}
	recs := auditAfter(t, v, n)
	if len(recs) != 1 || recs[0].Actor != "mallory" || recs[0].Decision != "deny" || recs[0].Detail["auth"] != "mtls" {
		t.Fatalf("audit = %+v", recs)
	}
}

// A Range read goes through the same authorization and is refused when
// views transform the data for the caller.
func TestGetRangeAuthorizedAndViewed(t *testing.T) {
	v := accessVault(t, "")
	ctx := context.Background()
	var buf bytes.Buffer
	if _, err := v.As("bob", "marketing").GetRange(ctx, vault.Ref{Name: "customers"}, 0, 4, &buf); fault.KindOf(err) != fault.Invalid || buf.Len() != 0 {
		t.Errorf("range on a viewed read = %v, %d bytes; want Invalid", err, buf.Len())
	}
	if _, err := v.As("bob", "fun").GetRange(ctx, vault.Ref{Name: "customers"}, 0, 4, &buf); fault.KindOf(err) != fault.Denied || buf.Len() != 0 {
		t.Errorf("range for a purpose not allowed = %v; want Denied", err)
	}
	if r := lastAudit(t, v); r.Decision != "deny" || r.Actor != "bob" {
		t.Errorf("denied range audited as %+v", r)
	}
	if _, err := v.GetRange(ctx, vault.Ref{Name: "customers"}, 0, 2, &buf); err != nil || buf.String() != "id" {
		t.Errorf("operator range = %q, %v", buf.String(), err)
	}
	if r := lastAudit(t, v); r.Action != "get" || r.Detail["range"] != "0+2" || !strings.Contains(r.Detail["policies"], "operator") {
		t.Errorf("range audited as %+v", r)
	}
}

// With CacheAccess the policies and views are parsed once and again only
// after their files change.
func TestAccessCache(t *testing.T) {
	v := accessVault(t, "")
	v.CacheAccess()
	ctx := context.Background()
	bob := v.As("bob", "marketing")
	read := func() (string, error) {
		var buf bytes.Buffer
		_, err := bob.Get(ctx, vault.Ref{Name: "customers"}, &buf)
		return buf.String(), err
	}
	for i := 0; i < 3; i++ {
		if got, err := read(); err != nil || got != marketingView {
			t.Fatalf("read %d = %q, %v", i, got, err)
		}
	}
	if n := v.AccessLoads(); n != 2 {
		t.Errorf("parses after 3 reads = %d, want 2 (policies and views once)", n)
	}
	// Views replaced by another process (not through SetViews): the next
	// read sees the new file.
	if err := os.WriteFile(filepath.Join(v.Home, vault.ViewsFile), []byte("version: 1\nviews: []\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := read(); err != nil || got != customersCSV {
		t.Fatalf("read after the views changed = %q, %v; want the stored bytes", got, err)
	}
	// Policies replaced through SetPolicies: a set without clearance-read
	// denies bob at once.
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "operator.cedar"), []byte(`@id("operator")
permit (principal, action, resource) when { principal.role == "operator" };
`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := v.SetPolicies(ctx, dir); err != nil {
		t.Fatal(err)
	}
	if _, err := read(); fault.KindOf(err) != fault.Denied {
		t.Fatalf("read after SetPolicies = %v, want Denied", err)
	}
}

func TestAPIKeys(t *testing.T) {
	v := newVault(t, "")
	ctx := context.Background()
	addPrincipals(t, v, "alice")
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
	addPrincipals(t, v, "bob")
	k, secret, err := v.CreateAPIKey(ctx, "bob", vault.APIKeyOptions{TTL: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(5 * time.Millisecond)
	if _, err := v.VerifyAPIKey(ctx, k.ID, secret); !errors.Is(err, vault.ErrAPIKey) {
		t.Errorf("expired key verified: %v", err)
	}
}

func addPrincipals(t *testing.T, v *vault.Vault, ids ...string) {
	t.Helper()
	for _, id := range ids {
		if _, err := v.AddPrincipal(context.Background(), catalog.Principal{ID: id, Role: "analyst", Department: "ml", Clearance: 1}); err != nil {
			t.Fatal(err)
		}
	}
}

// An API key is only for a principal the catalog knows and has not
// disabled.
func TestAPIKeyNeedsActivePrincipal(t *testing.T) {
	v := newVault(t, "")
	ctx := context.Background()
	if _, _, err := v.CreateAPIKey(ctx, "ghost", vault.APIKeyOptions{Purposes: []string{"research"}}); fault.KindOf(err) != fault.NotFound {
		t.Errorf("key for an unknown principal = %v, want NotFound", err)
	}
	addPrincipals(t, v, "dave")
	if _, err := v.DisablePrincipal(ctx, "dave"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := v.CreateAPIKey(ctx, "dave", vault.APIKeyOptions{Purposes: []string{"research"}}); fault.KindOf(err) != fault.Denied {
		t.Errorf("key for a disabled principal = %v, want Denied", err)
	}
	if ks, _ := v.APIKeys(ctx, ""); len(ks) != 0 {
		t.Errorf("%d keys stored", len(ks))
	}
}
