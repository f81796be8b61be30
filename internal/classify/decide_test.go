package classify

import (
	"slices"
	"strings"
	"testing"

	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/pii"
)

// col builds a scan result with one type at the given share and
// confidence.
func col(name, typ string, share, conf float64) pii.ColumnResult {
	c := pii.ColumnResult{Name: name, NonEmpty: 100, Rows: 100}
	if typ != "" {
		c.Types = []pii.TypeResult{{Type: typ, Matches: int(share * 100), Share: share, Confidence: conf}}
	}
	return c
}

// TestDecide is the decision matrix of the default rules.
func TestDecide(t *testing.T) {
	tests := []struct {
		name     string
		in       Input
		level    string
		rules    []string
		raised   bool
		controls int // number of controls required
	}{
		{"nothing found, nothing declared", Input{Columns: []pii.ColumnResult{col("amount", "", 0, 0)}}, Internal, nil, false, 4},
		{"declared public, nothing found", Input{Declared: Public}, Public, nil, false, 2},
		{"declared public, email found", Input{Declared: Public, Columns: []pii.ColumnResult{col("email", pii.Email, 0.98, 0.95)}}, Confidential, []string{"personal-data"}, true, 7},
		{"declared restricted, nothing found: never lowered", Input{Declared: Restricted, Columns: []pii.ColumnResult{col("amount", "", 0, 0)}}, Restricted, nil, false, 12},
		{"one SSN in free text", Input{Columns: []pii.ColumnResult{col("notes", pii.USSSN, 0.01, 0.8)}}, Restricted, []string{"government-id"}, false, 12},
		{"card numbers", Input{Declared: Internal, Columns: []pii.ColumnResult{col("cc", pii.CreditCard, 1, 0.92)}}, Restricted, []string{"payment-data"}, true, 12},
		{"iban and person", Input{Columns: []pii.ColumnResult{col("iban", pii.IBAN, 1, 0.97), col("name", pii.Person, 1, 0.8)}}, Restricted, []string{"payment-data"}, false, 12},
		{"secret", Input{Columns: []pii.ColumnResult{col("api_key", pii.Secret, 1, 0.7)}}, Restricted, []string{"credentials"}, false, 12},
		{"health column by name", Input{Columns: []pii.ColumnResult{col("Diagnosis_Code", "", 0, 0)}}, Restricted, []string{"health-data"}, false, 12},
		{"health label", Input{Declared: Confidential, Labels: []string{"Health"}}, Restricted, []string{"health-data"}, true, 12},
		{"ip address only", Input{Declared: Public, Columns: []pii.ColumnResult{col("client_ip", pii.IPAddress, 1, 0.85)}}, Internal, []string{"network-identifiers"}, true, 4},
		{"below rule confidence", Input{Declared: Public, Columns: []pii.ColumnResult{col("x", pii.USSSN, 1, 0.3)}}, Public, nil, false, 2},
		{"dob", Input{Columns: []pii.ColumnResult{col("dob", pii.DateOfBirth, 1, 0.75)}}, Confidential, []string{"personal-data"}, false, 7},
	}
	for _, tt := range tests {
		d, err := Default().Decide(tt.in)
		if err != nil {
			t.Fatalf("%s: Decide = %v", tt.name, err)
		}
		if d.Level != tt.level || !slices.Equal(d.Rules, tt.rules) || d.Raised != tt.raised || len(d.Controls) != tt.controls {
			t.Errorf("%s: Decide = level %s, rules %v, raised %v, %d controls; want %s, %v, %v, %d",
				tt.name, d.Level, d.Rules, d.Raised, len(d.Controls), tt.level, tt.rules, tt.raised, tt.controls)
		}
	}
}

// TestNeverLowers checks the one promise that matters most: for every
// declared level and any findings, the decision is at least as high.
func TestNeverLowers(t *testing.T) {
	for _, declared := range Levels {
		for _, typ := range append(pii.Types(), "") {
			d, err := Classify(declared, []pii.ColumnResult{col("c", typ, 1, 0.99)})
			if err != nil {
				t.Fatal(err)
			}
			if Rank(d.Level) < Rank(declared) {
				t.Errorf("Classify(%s, %s) = %s, lower than declared", declared, typ, d.Level)
			}
		}
	}
}

func TestDecideUnknownLevel(t *testing.T) {
	_, err := Classify("secret", nil)
	if !fault.Is(err, fault.Invalid) || !strings.Contains(err.Error(), `"secret"`) {
		t.Fatalf("Classify(secret) = %v, want an Invalid error naming the level", err)
	}
}

// TestReasonsHoldNoValues: a decision names columns and types only.
func TestReasonsHoldNoValues(t *testing.T) {
	c := col("email", pii.Email, 1, 0.95)
	c.Types[0].Examples = []string{"j***@example.com"}
	d, _ := Classify("", []pii.ColumnResult{c})
	for _, r := range d.Reasons {
		if strings.Contains(r.Column+r.Type+r.Label+r.Rule, "@") {
			t.Fatalf("reason %+v carries a value", r)
		}
	}
}

func TestControlsCumulative(t *testing.T) {
	r := Default()
	d, _ := r.Classify(Restricted, nil)
	for _, l := range r.Levels {
		for _, c := range l.Controls {
			if !slices.Contains(d.Controls, c) {
				t.Errorf("restricted lacks %q of %s", c, l.Name)
			}
		}
	}
}
