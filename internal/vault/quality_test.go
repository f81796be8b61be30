package vault_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/vault"
)

const gateChecks = `version: 1
checks:
  - check: row_count
    min: 3
  - check: completeness
    column: score
    min: 1
  - check: values_in
    column: grade
    values: [a, b, c]
`

func table(rows int, badGrade bool, blankScore bool) []byte {
	var b strings.Builder
	b.WriteString("id,score,grade\n")
	for i := range rows {
		score, grade := fmt.Sprint(i*10), "abc"[i%3:i%3+1]
		if blankScore && i == 0 {
			score = ""
		}
		if badGrade && i == 1 {
			grade = "z"
		}
		fmt.Fprintf(&b, "%d,%s,%s\n", i, score, grade)
	}
	return []byte(b.String())
}

// TestGate: a put that fails its checks is stored quarantined (exit 7),
// is not the latest, cannot be read without asking, and becomes the
// latest when released; the whole way is audited.
func TestGate(t *testing.T) {
	backends(t, func(t *testing.T, v *vault.Vault) {
		ctx := context.Background()
		good := put(t, v, "d", table(5, false, false))
		if good.Quarantined() || len(good.Profile) == 0 || good.CheckReport != nil {
			t.Fatalf("put without checks: status %q profile %d report %q", good.Status, len(good.Profile), good.CheckReport)
		}
		if _, err := v.SetChecks(ctx, "d", "d.yaml", []byte(gateChecks)); err != nil {
			t.Fatal(err)
		}
		ok := put(t, v, "d", table(4, false, false))
		if ok.Number != 2 || ok.Quarantined() || !strings.Contains(string(ok.CheckReport), `"passed":true`) {
			t.Fatalf("good put = %d %q %s", ok.Number, ok.Status, ok.CheckReport)
		}
		bad := table(4, true, true)
		ver, err := v.Put(ctx, "d", bytes.NewReader(bad), vault.PutOptions{})
		if fault.KindOf(err) != fault.Quarantined || fault.KindOf(err).ExitCode() != 7 {
			t.Fatalf("bad put: %v (kind %v), want Quarantined", err, fault.KindOf(err))
		}
		if ver.Number != 3 || !ver.Quarantined() || !strings.Contains(err.Error(), "completeness#2, values_in#3") {
			t.Fatalf("bad put = %d %q: %v", ver.Number, ver.Status, err)
		}
		latest, err := v.Version(ctx, vault.Ref{Name: "d"})
		if err != nil || latest.Number != 2 {
			t.Errorf("latest after a quarantined put = %d, %v; want 2", latest.Number, err)
		}
		if _, err := get(v, "d", 3); fault.KindOf(err) != fault.Denied || !strings.Contains(err.Error(), "coffer quarantine release d@3") {
			t.Errorf("get of a quarantined version = %v, want Denied with the release hint", err)
		}
		var buf bytes.Buffer
		if _, err := v.GetWith(ctx, vault.Ref{Name: "d", Version: 3}, &buf, vault.ReadOptions{Quarantined: true}); err != nil || !bytes.Equal(buf.Bytes(), bad) {
			t.Errorf("get --quarantined = %v", err)
		}
		qs, err := v.Quarantined(ctx)
		if err != nil || len(qs) != 1 || qs[0].Number != 3 || len(vault.FailedChecks(qs[0])) != 2 {
			t.Errorf("Quarantined() = %v, %v", qs, err)
		}
		if _, err := v.Release(ctx, vault.Ref{Name: "d", Version: 2}); fault.KindOf(err) != fault.Invalid {
			t.Errorf("release of an accepted version = %v, want Invalid", err)
		}
		rel, err := v.Release(ctx, vault.Ref{Name: "d", Version: 3})
		if err != nil || rel.Quarantined() || rel.ReleasedBy == "" {
			t.Fatalf("Release = %+v, %v", rel.QualityInfo, err)
		}
		if latest, _ := v.Version(ctx, vault.Ref{Name: "d"}); latest.Number != 3 {
			t.Errorf("latest after release = %d, want 3", latest.Number)
		}
		if got, err := get(v, "d", 0); err != nil || !bytes.Equal(got, bad) {
			t.Errorf("get after release: %v", err)
		}
		var actions []string
		v.AuditRecords(ctx, time.Time{}, func(r audit.Record) error {
			actions = append(actions, r.Action+":"+r.Decision+":"+r.Detail["quality"])
			return nil
		})
		want := "init:ok: put:ok: checks.set:ok: put:ok:passed put:ok:quarantined read:deny: get:ok: quarantine.release:ok: get:ok: audit.ls:ok:"
		if got := strings.Join(actions, " "); got != want {
			t.Errorf("audit = %s\nwant    %s", got, want)
		}
	})
}

// TestGateAnomaly: anomaly checks compare with the latest accepted
// version, not with a quarantined one.
func TestGateAnomaly(t *testing.T) {
	v := newVault(t, "")
	ctx := context.Background()
	if _, err := v.SetChecks(ctx, "a", "a.yaml", []byte("version: 1\nchecks:\n- check: row_count_change\n  max_percent: 50\n")); err != nil {
		t.Fatal(err)
	}
	put(t, v, "a", table(10, false, false)) // first version: skipped, passes
	if _, err := v.Put(ctx, "a", bytes.NewReader(table(30, false, false)), vault.PutOptions{}); !fault.Is(err, fault.Quarantined) {
		t.Fatalf("+200%% rows: %v, want quarantined", err)
	}
	// 12 rows is +20% of the accepted 10, though -60% of the quarantined 30.
	if ver := put(t, v, "a", table(12, false, false)); ver.Number != 3 {
		t.Errorf("third put = %d", ver.Number)
	}
	run, err := v.RunChecks(ctx, vault.Ref{Name: "a", Version: 2})
	if err != nil || run.Report.Passed || run.Profile.Rows != 30 {
		t.Errorf("RunChecks(a@2) = %+v, %v; want a failure on 30 rows", run.Report, err)
	}
	hist, err := v.QualityHistory(ctx, "a")
	if err != nil || len(hist) != 3 || hist[1].Report.Passed || hist[0].Profile.Rows != 10 {
		t.Errorf("QualityHistory = %d points, %v", len(hist), err)
	}
}

func TestSetChecksRefused(t *testing.T) {
	v := newVault(t, "")
	_, err := v.SetChecks(context.Background(), "d", "bad.yaml", []byte("version: 1\nchecks:\n- check: nope\n"))
	if !fault.Is(err, fault.Invalid) || !strings.Contains(err.Error(), "bad.yaml:3: unknown check") {
		t.Errorf("SetChecks(bad) = %v", err)
	}
	if _, _, err := v.Checks(context.Background(), "d"); !fault.Is(err, fault.NotFound) {
		t.Errorf("a refused file was stored: %v", err)
	}
}

// TestProfileRedacted: columns with personal data keep no values in the
// stored profile.
func TestProfileRedacted(t *testing.T) {
	v := newVault(t, "")
	var b strings.Builder
	b.WriteString("email,status\n")
	for i := range 50 {
		fmt.Fprintf(&b, "person%d@example.com,%s\n", i%3, []string{"new", "paid"}[i%2])
	}
	put(t, v, "p", []byte(b.String()))
	_, prof, err := v.Profile(context.Background(), vault.Ref{Name: "p"})
	if err != nil {
		t.Fatal(err)
	}
	if e := prof.Column("email"); !e.Redacted || e.Top != nil || e.Distinct != 3 {
		t.Errorf("email column = %+v, want redacted with its counts", e)
	}
	if s := prof.Column("status"); s.Redacted || len(s.Top) != 2 {
		t.Errorf("status column = %+v, want its top values", s)
	}
}

// TestChecksOnPIIColumn: checks run on the full profile, but the stored
// report keeps no value of a column with personal data.
func TestChecksOnPIIColumn(t *testing.T) {
	v := newVault(t, "")
	ctx := context.Background()
	checks := "version: 1\nchecks:\n- check: max\n  column: card\n  max: 100\n- check: completeness\n  column: card\n  min: 1\n"
	if _, err := v.SetChecks(ctx, "s", "s.yaml", []byte(checks)); err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("id,card\n")
	for i := range 40 {
		fmt.Fprintf(&b, "%d,%s\n", i, luhn(fmt.Sprintf("4111%011d", 1234567+i*7919)))
	}
	ver, err := v.Put(ctx, "s", strings.NewReader(b.String()), vault.PutOptions{})
	if !fault.Is(err, fault.Quarantined) {
		t.Skipf("the scan did not flag the column (%v); nothing to check", err)
	}
	rep := string(ver.CheckReport)
	if strings.Contains(rep, "4111") || strings.Contains(rep, "e+15") || !strings.Contains(rep, "value withheld") ||
		!strings.Contains(rep, `"completeness","column":"card","status":"pass","value":1`) {
		t.Errorf("report = %s", rep)
	}
}

// luhn appends the Luhn check digit to the digits s.
func luhn(s string) string {
	sum := 0
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if (len(s)-1-i)%2 == 0 {
			if d *= 2; d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return s + string(rune('0'+(10-sum%10)%10))
}
