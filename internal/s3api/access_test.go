package s3api_test

// Reads over REST and S3 pass through the same authorization and views as
// the CLI (issue 6.4): the vault's starter policies and the starter view
// marketing-analysts decide every request.

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/server"
	"github.com/coffer-vault/coffer/internal/server/servertest"
	"github.com/coffer-vault/coffer/internal/vault"
)

const customersCSV = `id,name,email,department,revenue
1,Alice Smith,alice.smith@example.com,marketing,12345.67
2,Bob Jones,bob.jones@example.com,sales,98000
3,Carol White,carol.white@example.com,marketing,4321
`

// marketingView is what the starter view marketing-analysts lets a
// clearance-2 marketing analyst see of customersCSV.
const marketingView = `id,department,revenue
1,marketing,12000
3,marketing,4000
`

const patientsCSV = "id,diagnosis\n1,flu\n2,asthma\n"

// seedAccess stores the customers (confidential, marketing, tagged for the
// marketing view) and patients (restricted, clinical) datasets as the
// operator.
func seedAccess(t *testing.T, v *vault.Vault) {
	t.Helper()
	ctx := context.Background()
	if _, err := v.Put(ctx, "crm/customers.csv", strings.NewReader(customersCSV), vault.PutOptions{
		Classification: "confidential", Department: "marketing", Tags: map[string]string{"domain": "customers"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := v.Put(ctx, "clinic/patients.csv", strings.NewReader(patientsCSV), vault.PutOptions{
		Classification: "restricted", Department: "clinical"}); err != nil {
		t.Fatal(err)
	}
}

func (e *s3env) rest(t *testing.T, method, path, bearer string, body io.Reader, hdr map[string]string) (int, []byte, http.Header) {
	t.Helper()
	r, err := http.NewRequest(method, e.URL+path, body)
	if err != nil {
		t.Fatal(err)
	}
	r.Header.Set("Authorization", "Bearer "+bearer)
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	resp, err := e.client.Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header
}

// auditSince returns the audit records after seq n, but for the
// audit.ls records of the test's own reads of the log.
func auditSince(t *testing.T, v *vault.Vault, n int64) []audit.Record {
	t.Helper()
	var out []audit.Record
	if err := v.AuditRecords(context.Background(), time.Time{}, func(r audit.Record) error {
		if r.Seq > n && r.Action != "audit.ls" { // the test's own reading of the log
			out = append(out, r)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func lastSeq(t *testing.T, v *vault.Vault) int64 {
	recs := auditSince(t, v, 0)
	return recs[len(recs)-1].Seq
}

// TestMarketingViewOverRESTAndS3: bob, a clearance-2 marketing analyst
// with an API key for marketing, gets the customers through the marketing
// view over REST, S3 (Go SigV4) and boto3: the same bytes as
// `coffer get --as bob --purpose marketing`.
func TestMarketingViewOverRESTAndS3(t *testing.T) {
	e := newS3(t)
	seedAccess(t, e.Vault)
	ctx := context.Background()
	// What the CLI gives: `coffer get crm/customers.csv --as bob --purpose marketing`.
	var cli bytes.Buffer
	if _, err := e.Vault.As("bob", "marketing").Get(ctx, vault.Ref{Name: "crm/customers.csv"}, &cli); err != nil {
		t.Fatal(err)
	}
	if cli.String() != marketingView {
		t.Fatalf("CLI view = %q, want %q", cli.String(), marketingView)
	}
	kid, ksecret := key(t, e.Vault, "bob", "marketing")
	bearer := kid + "." + ksecret

	// REST, purpose declared by header, and by the key's only purpose.
	for _, hdr := range []map[string]string{{server.PurposeHeader: "marketing"}, nil} {
		n := lastSeq(t, e.Vault)
		st, got, h := e.rest(t, "GET", "/v1/data/crm/customers.csv", bearer, nil, hdr)
		if st != 200 || string(got) != cli.String() || h.Get("Content-Length") == strconv.Itoa(len(customersCSV)) || h.Get("X-Coffer-SHA256") != "" {
			t.Fatalf("REST GET = %d %q (Content-Length %q); want 200 and the view, not the stored length or digest", st, got, h.Get("Content-Length"))
		}
		recs := auditSince(t, e.Vault, n)
		if len(recs) != 1 {
			t.Fatalf("REST GET wrote %d audit records, want 1: %+v", len(recs), recs)
		}
		r := recs[0]
		if r.Actor != "bob" || r.Action != "get" || r.Decision != "ok" || r.Purpose != "marketing" || r.Detail["auth"] != "apikey" ||
			r.Detail["api_key"] != kid || r.Detail["policies"] != "clearance-read" || r.Detail["views"] != "marketing-analysts" ||
			r.Detail["rows_withheld"] != "1" || r.Detail["columns_dropped"] != "name,email" || r.Detail["impersonated_by"] != "" {
			t.Errorf("REST GET audited as %+v", r)
		}
	}

	// S3 with SigV4 (Go).
	s := signer{id: kid, secret: ksecret}
	n := lastSeq(t, e.Vault)
	st, got, _ := e.do(t, s, "GET", e.url("/crm/customers.csv"), nil, nil)
	if st != 200 || string(got) != cli.String() {
		t.Fatalf("S3 GET = %d %q", st, got)
	}
	if recs := auditSince(t, e.Vault, n); len(recs) != 1 || recs[0].Detail["auth"] != "sigv4" || recs[0].Detail["views"] != "marketing-analysts" {
		t.Errorf("S3 GET audited as %+v", recs)
	}
	// A Range on the viewed object: 400 InvalidRequest, no data, not audited.
	n = lastSeq(t, e.Vault)
	st, b, _ := e.do(t, s, "GET", e.url("/crm/customers.csv"), nil, map[string]string{"Range": "bytes=0-9"})
	if st != 400 || !strings.Contains(string(b), "<Code>InvalidRequest</Code>") || !strings.Contains(string(b), "marketing-analysts") ||
		strings.Contains(string(b), "Alice") {
		t.Errorf("S3 Range on a view = %d %s; want 400 InvalidRequest naming the view", st, b)
	}
	if recs := auditSince(t, e.Vault, n); len(recs) != 0 {
		t.Errorf("refused range audited: %+v", recs)
	}
	// HEAD gives no stored length for a viewed object.
	if st, _, h := e.do(t, s, "HEAD", e.url("/crm/customers.csv"), nil, nil); st != 200 || h.Get("Content-Length") == strconv.Itoa(len(customersCSV)) || h.Get("Accept-Ranges") != "" {
		t.Errorf("HEAD = %d, Content-Length %q, Accept-Ranges %q", st, h.Get("Content-Length"), h.Get("Accept-Ranges"))
	}
	// Where no view applies, ranges work and are audited as reads.
	aid, asecret := key(t, e.Vault, "alice", "model-training")
	e.do(t, signer{id: aid, secret: asecret}, "PUT", e.url("/mlruns/runs.csv"), []byte("a,b\n1,2\n"), nil)
	n = lastSeq(t, e.Vault)
	if st, got, _ := e.do(t, signer{id: aid, secret: asecret}, "GET", e.url("/mlruns/runs.csv"), nil, map[string]string{"Range": "bytes=0-2"}); st != 206 || string(got) != "a,b" {
		t.Errorf("identity Range = %d %q", st, got)
	}
	if recs := auditSince(t, e.Vault, n); len(recs) != 1 || recs[0].Detail["range"] != "0+3" || recs[0].Actor != "alice" ||
		recs[0].Detail["auth"] != "sigv4" || recs[0].Detail["policies"] == "" {
		t.Errorf("identity range audited as %+v", recs)
	}

	// Explain says why and what the view does.
	st, b, _ = e.rest(t, "POST", "/v1/explain", bearer, strings.NewReader(`{"action":"read","dataset":"crm/customers.csv","purpose":"marketing"}`), nil)
	var ex server.Explanation
	if err := json.Unmarshal(b, &ex); st != 200 || err != nil || ex.Decision != "allow" ||
		!strings.Contains(strings.Join(ex.Masked, " "), "revenue:round(1000)") || !strings.Contains(strings.Join(ex.Reasons, " "), "clearance-read") {
		t.Errorf("explain = %d %s", st, b)
	}

	// boto3, a real client.
	py := tool(t, "python3")
	want := filepath.Join(t.TempDir(), "want.csv")
	os.WriteFile(want, cli.Bytes(), 0o600)
	script, _ := filepath.Abs("testdata/boto3_view.py")
	out, err := run(t, awsEnv(t, e.Env, kid, ksecret), py, script, e.URL, "crm", "customers.csv", want)
	if err != nil || !strings.Contains(out, "view ok") || !strings.Contains(out, "range refused InvalidRequest") {
		t.Errorf("boto3 view script: %v\n%s", err, out)
	}
}

// TestDeniedByPolicyOverRESTAndS3: alice, a data scientist of ml-research,
// may not read restricted data of another department (starter policy
// restricted-same-department): 403, no data, one audit record naming the
// policy and how she authenticated. Her model-training key may not read
// for marketing either (the key's scope), whatever the policies say.
func TestDeniedByPolicyOverRESTAndS3(t *testing.T) {
	e := newS3(t)
	seedAccess(t, e.Vault)
	kid, ksecret := key(t, e.Vault, "alice", "model-training")
	bearer := kid + "." + ksecret
	check := func(name string, st int, body []byte, want string, auth, policies string, n int64) {
		t.Helper()
		if st != 403 || !strings.Contains(string(body), want) || strings.Contains(string(body), "asthma") || strings.Contains(string(body), "Alice Smith") {
			t.Errorf("%s = %d %s; want 403 %s and no data", name, st, body, want)
		}
		recs := auditSince(t, e.Vault, n)
		if len(recs) != 1 || recs[0].Decision != "deny" || recs[0].Actor != "alice" || recs[0].Action != "read" ||
			recs[0].Detail["auth"] != auth || recs[0].Detail["policies"] != policies || recs[0].Detail["api_key"] != kid {
			t.Errorf("%s audited as %+v; want one deny by %s via %s", name, recs, policies, auth)
		}
	}
	n := lastSeq(t, e.Vault)
	st, b, _ := e.rest(t, "GET", "/v1/data/clinic/patients.csv", bearer, nil, nil)
	check("REST read of restricted data", st, b, `"kind": "denied"`, "apikey", "restricted-same-department", n)

	n = lastSeq(t, e.Vault)
	st, b, _ = e.do(t, signer{id: kid, secret: ksecret}, "GET", e.url("/clinic/patients.csv"), nil, nil)
	check("S3 read of restricted data", st, b, "<Code>AccessDenied</Code>", "sigv4", "restricted-same-department", n)

	n = lastSeq(t, e.Vault)
	st, b, _ = e.do(t, signer{id: kid, secret: ksecret}, "GET", e.url("/crm/customers.csv"), nil, map[string]string{"X-Coffer-Purpose": "marketing"})
	check("S3 read outside the key's purposes", st, b, "<Code>AccessDenied</Code>", "sigv4", "credential-scope", n)

	// An admin sees the denials in the audit log over REST.
	adm, asecret := key(t, e.Vault, "admin", "research")
	st, b, _ = e.rest(t, "GET", "/v1/audit", adm+"."+asecret, nil, nil)
	if st != 200 || !strings.Contains(string(b), `"policies":"restricted-same-department"`) || !strings.Contains(string(b), `"auth":"sigv4"`) {
		t.Errorf("admin audit = %d %.300s", st, b)
	}
}

// TestUnknownPrincipalRefused: a valid client certificate for an id the
// catalog does not know grants nothing: 403 on every endpoint, audited.
func TestUnknownPrincipalRefused(t *testing.T) {
	e := servertest.Start(t, servertest.Options{Clients: []string{"alice", "mallory"},
		Principals: []catalog.Principal{{ID: "alice", Role: "data-scientist", Department: "ml-research", Clearance: 3}}})
	seedAccess(t, e.Vault)
	c := e.Client(t, "mallory")
	for _, p := range []string{"/v1/datasets", "/v1/meta/crm/customers.csv", "/v1/data/crm/customers.csv", "/v1/audit", "/v1/explain"} {
		n := lastSeq(t, e.Vault)
		req, _ := http.NewRequest("GET", e.URL+p, nil)
		if p == "/v1/explain" {
			req, _ = http.NewRequest("POST", e.URL+p, strings.NewReader(`{"action":"read","dataset":"crm/customers.csv","purpose":"research"}`))
		}
		req.Header.Set(server.PurposeHeader, "research")
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 403 || strings.Contains(string(b), "Alice Smith") || !strings.Contains(string(b), "not in the catalog") {
			t.Errorf("mallory GET %s = %d %s; want 403", p, resp.StatusCode, b)
		}
		recs := auditSince(t, e.Vault, n)
		if len(recs) != 1 || recs[0].Actor != "mallory" || recs[0].Decision != "deny" || recs[0].Detail["auth"] != "mtls" {
			t.Errorf("mallory GET %s audited as %+v", p, recs)
		}
	}
	// alice's certificate works.
	resp, err := e.Client(t, "alice").Get(e.URL + "/v1/datasets")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("alice datasets = %d", resp.StatusCode)
	}
}
