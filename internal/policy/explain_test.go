package policy

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
)

func TestExplainText(t *testing.T) {
	s := starterSet(t)
	req := Request{Principal: dana, Action: Export, Resource: patients, Purpose: "model-training", Time: monday10}
	text := s.Explain(req).String()
	for _, want := range []string{
		"DENY: denied by no-restricted-export-by-data-scientists\n",
		`request: principal "dana" (role "data-scientist", department "ml-research", clearance 3, groups ml) asks to export dataset "patients"@1 (restricted, clearance 3, department "ml-research", owner "bob"), purpose "model-training"`,
		"forbid no-restricted-export-by-data-scientists (no-restricted-export-by-data-scientists.cedar:3): APPLIES: forbids\n    Data scientists may not export restricted data",
		`when { principal.role == "data-scientist" && resource.classification == "restricted" }: true, so it holds`,
		`with principal.role = "data-scientist", resource.classification = "restricted"`,
		"permit clearance-read (clearance-read.cedar:4): APPLIES: permits",
		`with principal.clearance = 3, resource.clearance = 3`,
		`unless { ["model-training", "model-evaluation", "research", "analytics", "marketing"].contains(context.purpose) }: true, so it does not hold`,
		`with context.purpose = "model-training"`,
		"permit owner-read (owner-read.cedar:3): does not apply",
		"scope: the request's action is not in the policy's scope",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("explanation lacks %q:\n%s", want, text)
		}
	}

	// A default deny says so, and names the permit whose condition failed.
	text = s.Explain(Request{Principal: ivan, Action: Read, Resource: trainset, Purpose: "research", Time: monday10}).String()
	for _, want := range []string{
		"DENY: denied: no policy permits it (default deny)",
		"when { principal.clearance >= resource.clearance }: false, so it does not hold",
		"with principal.clearance = 1, resource.clearance = 2",
		"no permit policy applied, so Cedar's default deny decided",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("explanation lacks %q:\n%s", want, text)
		}
	}
}

func TestExplainJSON(t *testing.T) {
	s := starterSet(t)
	ex := s.Explain(Request{Principal: mark, Action: Read, Resource: customers, Purpose: "marketing", Time: monday10})
	b, err := json.Marshal(ex)
	if err != nil {
		t.Fatal(err)
	}
	var back struct {
		Decision struct {
			Allow   bool     `json:"allow"`
			Permits []string `json:"permits"`
		} `json:"decision"`
		Rules []struct {
			ID           string `json:"id"`
			Effect       string `json:"effect"`
			ScopeMatched bool   `json:"scope_matched"`
			Applied      bool   `json:"applied"`
			Conditions   []struct {
				Kind   string   `json:"kind"`
				Value  string   `json:"value"`
				Held   bool     `json:"held"`
				Inputs []string `json:"inputs"`
			} `json:"conditions"`
		} `json:"rules"`
	}
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if !back.Decision.Allow || len(back.Decision.Permits) != 1 || len(back.Rules) != len(s.Policies()) {
		t.Fatalf("JSON explanation: %s", b)
	}
	for _, r := range back.Rules {
		if r.ID == "clearance-read" && (!r.Applied || len(r.Conditions) != 1 || r.Conditions[0].Value != "true" || len(r.Conditions[0].Inputs) != 2) {
			t.Errorf("clearance-read in JSON: %+v", r)
		}
	}
}

// TestExplainErrors: a policy that fails to evaluate is reported as
// skipped, with the error, in both Decide and Explain.
func TestExplainErrors(t *testing.T) {
	files := Starter()
	files["tag.cedar"] = []byte(`// Datasets tagged team=x are for the team.
@id("team-tag")
forbid (principal, action == Coffer::Action::"read", resource is Coffer::Dataset)
when { resource.hasTag("team") && resource.getTag("team") == "x" && principal.groups.contains("x") == false };
@id("divide")
forbid (principal, action == Coffer::Action::"read", resource is Coffer::Dataset)
when { principal.clearance * 9223372036854775807 > 1 };`)
	s, err := Parse(files)
	if err != nil {
		t.Fatal(err)
	}
	req := Request{Principal: dana, Action: Read, Resource: trainset, Purpose: "research", Time: monday10}
	req.Resource.Tags = map[string]string{"team": "x"}
	d := s.Decide(req)
	if d.Allow || !slices.Equal(d.Forbids, []string{"divide", "team-tag"}) || len(d.Errors) != 1 || !strings.HasPrefix(d.Errors[0], "divide: ") {
		t.Fatalf("Decide = %+v, want denied by team-tag and divide (overflow)", d)
	}
	checkExplain(t, s, req)
	text := s.Explain(req).String()
	if !strings.Contains(text, "forbid divide (tag.cedar:5): evaluation error: forbids (fail closed)") || !strings.Contains(text, `resource.getTag("team") = "x"`) {
		t.Errorf("explanation:\n%s", text)
	}

	// Fail closed: without the tag, only the broken forbid stands between
	// dana and the data (Cedar alone would allow).
	req.Resource.Tags = nil
	if d := s.Decide(req); d.Allow || !slices.Equal(d.Forbids, []string{"divide"}) {
		t.Errorf("Decide with only an erroring forbid = %+v, want denied by divide", d)
	}
	checkExplain(t, s, req)

	// An erroring permit is skipped: the others decide.
	files["tag.cedar"] = []byte(`@id("broken-permit")
permit (principal, action == Coffer::Action::"read", resource is Coffer::Dataset)
when { principal.clearance * 9223372036854775807 > 1 };`)
	s, err = Parse(files)
	if err != nil {
		t.Fatal(err)
	}
	if d := s.Decide(req); !d.Allow || !slices.Equal(d.Permits, []string{"clearance-read"}) || len(d.Errors) != 1 {
		t.Errorf("Decide with an erroring permit = %+v, want allowed by clearance-read with one error", d)
	}
	checkExplain(t, s, req)
}
