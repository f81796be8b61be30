package vault_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/catalog/postgres/pgtest"
	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/tabular"
	"github.com/coffer-vault/coffer/internal/vault"
)

const customersCSV = `id,name,email,department,revenue
1,Alice Smith,alice.smith@example.com,marketing,12345.67
2,Bob Jones,bob.jones@example.com,sales,98000
3,Carol White,carol.white@example.com,marketing,4321
`

const marketingView = `id,department,revenue
1,marketing,12000
3,marketing,4000
`

// accessVault is a vault with the principals of the access tests and the
// customers dataset (tagged for the starter marketing view).
func accessVault(t testing.TB, catalogURL string) *vault.Vault {
	t.Helper()
	ctx := context.Background()
	v := newVault(t, catalogURL)
	for _, p := range []catalog.Principal{
		{ID: "bob", Role: "analyst", Department: "marketing", Clearance: 2, Groups: []string{"marketing-analytics"}},
		{ID: "alice", Role: "data-scientist", Department: "ml-research", Clearance: 3},
		{ID: "carol", Role: "analyst", Department: "marketing", Clearance: 2},
	} {
		if _, err := v.AddPrincipal(ctx, p); err != nil {
			t.Fatalf("AddPrincipal(%s): %v", p.ID, err)
		}
	}
	if _, err := v.DisablePrincipal(ctx, "carol"); err != nil {
		t.Fatal(err)
	}
	_, err := v.Put(ctx, "customers", strings.NewReader(customersCSV), vault.PutOptions{
		Classification: "confidential", Department: "marketing", Tags: map[string]string{"domain": "customers"}})
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	return v
}

func TestAccess(t *testing.T) {
	t.Run("sqlite", func(t *testing.T) { testAccess(t, "") })
	t.Run("postgres", func(t *testing.T) { testAccess(t, pgURL(t)) })
}

func testAccess(t *testing.T, catalogURL string) {
	v := accessVault(t, catalogURL)
	t.Run("DenialWritesNothing", func(t *testing.T) { denialWritesNothing(t, v) })
	t.Run("View", func(t *testing.T) { viewRead(t, v) })
	t.Run("Operator", func(t *testing.T) {
		got, err := get(v, "customers", 0)
		if err != nil || string(got) != customersCSV {
			t.Fatalf("operator Get = %q, %v; want the stored bytes", got, err)
		}
	})
}

// denialWritesNothing tries every way of being refused: nothing reaches
// the writer or the file system, and each refusal is audited at once.
func denialWritesNothing(t *testing.T, v *vault.Vault) {
	ctx := context.Background()
	ref := vault.Ref{Name: "customers"}
	cases := []struct {
		as, purpose string
		file        bool
		kind        fault.Kind
		actor       string
	}{
		{"bob", "fun", false, fault.Denied, "bob"},                // purpose not allowed
		{"bob", "", true, fault.Denied, "bob"},                    // no purpose
		{"nobody", "marketing", false, fault.NotFound, v.Actor()}, // unknown principal
		{"carol", "marketing", true, fault.Denied, v.Actor()},     // disabled
		{"carol", "marketing", false, fault.Denied, v.Actor()},
	}
	for _, c := range cases {
		before := countAudit(t, v)
		w := v.As(c.as, c.purpose)
		var err error
		if c.file {
			dir := t.TempDir()
			out := filepath.Join(dir, "out.csv")
			_, err = w.GetFile(ctx, ref, out, nil)
			if ents, _ := os.ReadDir(dir); len(ents) != 0 {
				t.Errorf("GetFile as %s for %q was refused but left %v", c.as, c.purpose, ents)
			}
		} else {
			var buf bytes.Buffer
			_, err = w.Get(ctx, ref, &buf)
			if buf.Len() != 0 {
				t.Errorf("Get as %s for %q was refused but wrote %d bytes", c.as, c.purpose, buf.Len())
			}
		}
		if fault.KindOf(err) != c.kind {
			t.Errorf("Get as %s for %q = %v; want kind %v", c.as, c.purpose, err, c.kind)
		}
		recs := auditAfter(t, v, before)
		if len(recs) != 1 || recs[0].Decision != "deny" || recs[0].Actor != c.actor || recs[0].Dataset != "customers" {
			t.Errorf("Get as %s for %q: audit records %+v; want one deny by %s", c.as, c.purpose, recs, c.actor)
		}
	}
	// A principal cannot write, shred or administer what the policies do not allow.
	alice := v.As("alice", "")
	if _, err := alice.Put(ctx, "customers", strings.NewReader("a\n1\n"), vault.PutOptions{Department: "ml-research", Owner: "alice"}); !fault.Is(err, fault.Denied) {
		t.Errorf("Put as alice to another department's dataset = %v; want denied", err)
	}
	if vs, err := v.Versions(ctx, "customers"); err != nil || len(vs) != 1 {
		t.Errorf("a denied put: customers has %d versions, %v; want 1", len(vs), err)
	}
	bob := v.As("bob", "")
	if _, err := bob.Shred(ctx, vault.Ref{Name: "customers", Version: 1}); !fault.Is(err, fault.Denied) {
		t.Errorf("Shred as bob = %v; want denied", err)
	}
	if _, err := bob.AddPrincipal(ctx, catalog.Principal{ID: "mallory", Role: "admin", Clearance: 5}); !fault.Is(err, fault.Denied) {
		t.Errorf("AddPrincipal as bob = %v; want denied", err)
	}
	if _, err := bob.Keys(ctx); !fault.Is(err, fault.Denied) {
		t.Errorf("Keys as bob = %v; want denied", err)
	}
	if err := bob.AuditRecords(ctx, zeroTime, func(audit.Record) error { return nil }); !fault.Is(err, fault.Denied) {
		t.Errorf("AuditRecords as bob = %v; want denied", err)
	}
	for _, p := range []catalog.Principal{
		{ID: "op", Role: "operator"},             // the operator's role: --as would bypass every forbid
		{ID: v.Actor(), Role: "admin"},           // an os: id, the local operator's
		{ID: "x", Role: "analyst", Clearance: 6}, // clearance out of range
		{ID: "x", Role: "analyst", Groups: []string{"a,b"}},
		{ID: "", Role: "analyst"},
	} {
		if _, err := v.AddPrincipal(ctx, p); !fault.Is(err, fault.Invalid) {
			t.Errorf("AddPrincipal(%+v) = %v; want invalid", p, err)
		}
	}
}

// viewRead reads through the marketing view in each tabular format.
func viewRead(t *testing.T, v *vault.Vault) {
	ctx := context.Background()
	bob := v.As("bob", "marketing")
	var buf bytes.Buffer
	if _, err := bob.Get(ctx, vault.Ref{Name: "customers"}, &buf); err != nil || buf.String() != marketingView {
		t.Fatalf("Get as bob = %q, %v; want\n%s", buf.String(), err, marketingView)
	}
	recs := lastAudit(t, v)
	d := recs.Detail
	if recs.Actor != "bob" || recs.Purpose != "marketing" || d["rows_withheld"] != "1" || d["columns_dropped"] != "name,email" ||
		d["columns_masked"] != "revenue:round(1000)" || d["policies"] != "clearance-read" || d["impersonated_by"] != v.Actor() {
		t.Errorf("audit record of the read = %+v", recs)
	}
	for _, format := range []string{"tsv", "jsonl", "parquet"} {
		t.Run(format, func(t *testing.T) {
			name := "customers-" + format
			if _, err := v.Put(ctx, name, bytes.NewReader(encode(t, format)), vault.PutOptions{
				Format: format, Classification: "confidential", Department: "marketing", Tags: map[string]string{"domain": "customers"}}); err != nil {
				t.Fatalf("Put(%s): %v", format, err)
			}
			var out bytes.Buffer
			if _, err := bob.Get(ctx, vault.Ref{Name: name}, &out); err != nil {
				t.Fatalf("Get(%s) as bob: %v", format, err)
			}
			got := decode(t, format, out.Bytes())
			if want := "id=1 department=marketing revenue=12000\nid=3 department=marketing revenue=4000\n"; got != want {
				t.Errorf("Get(%s) as bob =\n%s\nwant\n%s", format, got, want)
			}
		})
	}
}

// encode writes the customers table in format.
func encode(t *testing.T, format string) []byte {
	t.Helper()
	tr, err := tabular.Open(strings.NewReader(customersCSV), "csv", nil)
	if err != nil {
		t.Fatal(err)
	}
	var rows []tabular.Row
	for {
		row, err := tr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, row.Clone())
	}
	var buf bytes.Buffer
	w, err := tabular.NewWriter(&buf, format, tr.Columns(), nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range rows {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// decode renders rows as "col=value ..." lines, whatever the format.
func decode(t *testing.T, format string, b []byte) string {
	t.Helper()
	var tr tabular.Reader
	var err error
	if format == "parquet" {
		tr, err = tabular.OpenParquet(bytes.NewReader(b), int64(len(b)), nil)
	} else {
		tr, err = tabular.Open(bytes.NewReader(b), format, nil)
	}
	if err != nil {
		t.Fatalf("decode %s: %v", format, err)
	}
	var out strings.Builder
	for {
		row, err := tr.Read()
		if errors.Is(err, io.EOF) {
			return out.String()
		}
		if err != nil {
			t.Fatalf("decode %s: %v", format, err)
		}
		for i, c := range row {
			if i > 0 {
				out.WriteByte(' ')
			}
			fmt.Fprintf(&out, "%s=%s", tr.Columns()[i].Name, c.AppendText(nil))
		}
		out.WriteByte('\n')
	}
}

// TestViewTamper: a read through a view authenticates as a plain get does.
func TestViewTamper(t *testing.T) {
	ctx := context.Background()
	v := accessVault(t, "")
	ver, err := v.Version(ctx, vault.Ref{Name: "customers"})
	if err != nil {
		t.Fatal(err)
	}
	flipAt(int64(len(readFile(t, blobPath(v, ver)))-5))(t, blobPath(v, ver), "")
	_, err = v.As("bob", "marketing").Get(ctx, vault.Ref{Name: "customers"}, io.Discard)
	if !fault.Is(err, fault.Integrity) {
		t.Fatalf("Get through a view of a tampered version = %v; want an integrity error", err)
	}
}

// countAudit returns the seq of the newest record.
func countAudit(t *testing.T, v *vault.Vault) int64 {
	t.Helper()
	var seq int64
	err := v.AuditRecords(context.Background(), zeroTime, func(r audit.Record) error {
		seq = r.Seq
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return seq
}

var zeroTime time.Time

func pgURL(t *testing.T) string { return pgtest.NewDatabase(t) }

// auditAfter returns the records after the first n, read as the operator
// (the listing itself is audited, and left out).
func auditAfter(t *testing.T, v *vault.Vault, n int64) []audit.Record {
	t.Helper()
	var recs []audit.Record
	err := v.As("", "").AuditRecords(context.Background(), zeroTime, func(r audit.Record) error {
		if r.Seq > n && r.Action != "audit.ls" {
			recs = append(recs, r)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func lastAudit(t *testing.T, v *vault.Vault) audit.Record {
	t.Helper()
	recs := auditAfter(t, v, 0)
	return recs[len(recs)-1]
}

// TestUpgradePlaceholder: a vault made before policies were enforced holds
// a placeholder policy file that does not validate; the first command that
// needs the policies installs the starter set instead, audited, and the
// operator keeps working. A changed placeholder is left for its owner.
func TestUpgradePlaceholder(t *testing.T) {
	placeholder := readFile(t, filepath.Join("testdata", "placeholder-starter.cedar"))
	for _, edited := range []bool{false, true} {
		v := newVault(t, "")
		put(t, v, "ds", []byte("a,b\n1,2\n"))
		dir := filepath.Join(v.Home, vault.PoliciesDir)
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
		os.Mkdir(dir, 0o700)
		content := placeholder
		if edited {
			content = append(append([]byte(nil), placeholder...), '\n')
		}
		writeFile(t, filepath.Join(dir, "starter.cedar"), content)
		_, err := get(v, "ds", 0)
		if edited {
			if fault.KindOf(err) != fault.Invalid {
				t.Errorf("Get with an edited placeholder = %v; want the policy error", err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("Get after the upgrade: %v", err)
		}
		if _, err := os.Stat(filepath.Join(dir, "operator.cedar")); err != nil {
			t.Errorf("starter policies not installed: %v", err)
		}
		if _, err := os.Stat(filepath.Join(dir, "starter.cedar")); !os.IsNotExist(err) {
			t.Errorf("placeholder still there: %v", err)
		}
		found := false
		for _, r := range auditAfter(t, v, 0) {
			found = found || r.Action == "policy.upgrade"
		}
		if !found {
			t.Error("no policy.upgrade audit record")
		}
	}
}
