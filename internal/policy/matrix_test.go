package policy

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// Principals of the decision matrix.
var (
	dana  = Principal{ID: "dana", Role: "data-scientist", Department: "ml-research", Clearance: 3, Groups: []string{"ml"}}
	eve   = Principal{ID: "eve", Role: "data-scientist", Department: "finance", Clearance: 3}
	mark  = Principal{ID: "mark", Role: "analyst", Department: "marketing", Clearance: 2, Groups: []string{"marketing-analysts"}}
	gina  = Principal{ID: "gina", Role: "analyst", Department: "sales", Clearance: 2, Groups: []string{"fraud-team"}}
	frank = Principal{ID: "frank", Role: "analyst", Department: "finance", Clearance: 2}
	owen  = Principal{ID: "owen", Role: "engineer", Department: "ml-research", Clearance: 1}
	ivan  = Principal{ID: "ivan", Role: "intern", Department: "platform", Clearance: 1}
	ann   = Principal{ID: "ann", Role: "admin", Department: "it", Clearance: 1}
	op    = Principal{ID: "os:root", Role: OperatorRole}
)

// Datasets of the decision matrix.
var (
	trainset  = Resource{Dataset: "trainset", Version: 3, Owner: "bob", Department: "ml-research", Classification: "confidential", Clearance: 2}
	patients  = Resource{Dataset: "patients", Version: 1, Owner: "bob", Department: "ml-research", Classification: "restricted", Clearance: 3, PIITypes: []string{"PERSON", "SSN"}}
	customers = Resource{Dataset: "customers", Version: 7, Owner: "carol", Department: "marketing", Classification: "confidential", Clearance: 2, PIITypes: []string{"EMAIL", "PERSON"}}
	features  = Resource{Dataset: "features", Version: 2, Owner: "owen", Department: "ml-research", Classification: "confidential", Clearance: 2}
	hr        = Resource{Dataset: "hr-records", Version: 1, Owner: "owen", Department: "hr", Classification: "restricted", Clearance: 3}
	fraud     = Resource{Dataset: "fraud", Version: 4, Owner: "frank", Department: "finance", Classification: "confidential", Clearance: 2, AllowedGroups: []string{"fraud-team", "risk"}}
	published = Resource{Dataset: "published", Version: 1, Owner: "bob", Department: "research", Classification: "public"}
	metrics   = Resource{Dataset: "metrics", Version: 9, Owner: "ivan", Department: "platform", Classification: "internal", Clearance: 1}
	vault     = Resource{}
	// quarantined failed its quality checks at put.
	quarantined = Resource{Dataset: "trainset", Version: 4, Owner: "bob", Department: "ml-research", Classification: "confidential", Clearance: 2, Status: "quarantined"}
	qa          = Principal{ID: "quinn", Role: "quality-admin", Department: "ml-research", Clearance: 3}
	qgroup      = Principal{ID: "quentin", Role: "data-scientist", Department: "ml-research", Clearance: 3, Groups: []string{"quality-admins"}}
)

// monday10 is inside business hours.
var monday10 = time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)

type matrixCase struct {
	name    string
	who     Principal
	action  string
	what    Resource
	purpose string
	allow   bool
	permits []string // expected Decision.Permits (only filled on Allow)
	forbids []string // expected Decision.Forbids
}

// matrix is the decision matrix of the starter policies: principal x
// dataset x action x purpose, each with the policies expected to decide.
// A deny with neither permits nor forbids is the default deny.
var matrix = []matrixCase{
	{"data scientist reads own department's confidential data for training", dana, Read, trainset, "model-training", true, []string{"clearance-read"}, nil},
	{"data scientist may not export restricted data", dana, Export, patients, "model-training", false, nil, []string{"no-restricted-export-by-data-scientists"}},
	{"data scientist reads restricted data of her department", dana, Read, patients, "model-evaluation", true, []string{"clearance-read"}, nil},
	{"data scientist exports confidential data", dana, Export, trainset, "research", true, []string{"clearance-read"}, nil},
	{"marketing analyst reads customer table for marketing", mark, Read, customers, "marketing", true, []string{"clearance-read"}, nil},
	{"marketing analyst exports customer table for marketing", mark, Export, customers, "marketing", true, []string{"clearance-read"}, nil},
	{"missing purpose", mark, Read, customers, "", false, nil, []string{"allowed-purposes"}},
	{"wrong purpose", mark, Read, customers, "curiosity", false, nil, []string{"allowed-purposes"}},
	{"purpose is case sensitive", mark, Read, customers, "Marketing", false, nil, []string{"allowed-purposes"}},
	{"export without purpose", mark, Export, customers, "", false, nil, []string{"allowed-purposes"}},
	{"other department reads restricted", eve, Read, patients, "research", false, nil, []string{"restricted-same-department"}},
	{"other department data scientist exports restricted", eve, Export, patients, "research", false, nil, []string{"no-restricted-export-by-data-scientists", "restricted-same-department"}},
	{"other department writes restricted", eve, Write, patients, "", false, nil, []string{"restricted-same-department"}},
	{"owner reads own dataset below clearance", owen, Read, features, "model-training", true, []string{"owner-read"}, nil},
	{"owner may not export below clearance", owen, Export, features, "model-training", false, nil, nil},
	{"owner reading own dataset still needs a purpose", owen, Read, features, "", false, nil, []string{"allowed-purposes"}},
	{"owner of restricted data in another department", owen, Read, hr, "analytics", false, nil, []string{"restricted-same-department"}},
	{"clearance below the dataset's", ivan, Read, trainset, "research", false, nil, nil},
	{"clearance below and wrong purpose", ivan, Read, trainset, "fun", false, nil, []string{"allowed-purposes"}},
	{"public data for anyone with a purpose", ivan, Read, published, "research", true, []string{"clearance-read"}, nil},
	{"internal data at clearance 1", ivan, Read, metrics, "analytics", true, []string{"clearance-read", "owner-read"}, nil},
	{"allowed group member reads", gina, Read, fraud, "analytics", true, []string{"clearance-read"}, nil},
	{"not in an allowed group", mark, Read, fraud, "analytics", false, nil, []string{"allowed-groups"}},
	{"owner needs no allowed group", frank, Read, fraud, "analytics", true, []string{"clearance-read", "owner-read"}, nil},
	{"group member of another department may not write", gina, Write, fraud, "", false, nil, nil},
	{"non-member may not write to a group dataset", dana, Write, fraud, "", false, nil, []string{"allowed-groups"}},
	{"operator reads restricted data without purpose", op, Read, patients, "", true, []string{"operator"}, nil},
	{"data scientist may not read a quarantined version", dana, Read, quarantined, "model-training", false, nil, []string{"quarantine"}},
	{"quality admin reads a quarantined version", qa, Read, quarantined, "research", true, []string{"clearance-read"}, nil},
	{"member of quality-admins exports a quarantined version", qgroup, Export, quarantined, "research", true, []string{"clearance-read"}, nil},
	{"operator reads a quarantined version", op, Read, quarantined, "", true, []string{"operator"}, nil},
	{"operator exports restricted data", op, Export, patients, "", true, []string{"operator"}, nil},
	{"operator reads a group dataset", op, Read, fraud, "", true, []string{"operator"}, nil},
	{"operator deletes", op, Delete, patients, "", true, []string{"operator"}, nil},
	{"operator administers the vault", op, Admin, vault, "", true, []string{"operator"}, nil},
	{"admin administers the vault", ann, Admin, vault, "", true, []string{"admin-role"}, nil},
	{"admin deletes a dataset", ann, Delete, trainset, "", true, []string{"admin-role"}, nil},
	{"admin administers a dataset", ann, Admin, trainset, "", true, []string{"admin-role"}, nil},
	{"admin role grants no read above clearance", ann, Read, customers, "marketing", false, nil, nil},
	{"data scientist may not administer", dana, Admin, vault, "", false, nil, nil},
	{"data scientist may not delete", dana, Delete, trainset, "", false, nil, nil},
	{"write in own department", dana, Write, trainset, "", true, []string{"write"}, nil},
	{"write restricted in own department", dana, Write, patients, "", true, []string{"write"}, nil},
	{"write in another department", mark, Write, trainset, "", false, nil, nil},
	{"write below clearance", owen, Write, features, "", false, nil, nil},
	{"owner writes in another department", ivan, Write, Resource{Dataset: "notes", Owner: "ivan", Department: "hr", Classification: "internal"}, "", true, []string{"write"}, nil},
	{"required clearance never below the level's", ivan, Read, Resource{Dataset: "lowered", Owner: "bob", Department: "platform", Classification: "restricted", Clearance: 0}, "research", false, nil, nil},
	{"raised required clearance", mark, Read, Resource{Dataset: "board", Owner: "carol", Department: "marketing", Classification: "confidential", Clearance: 4}, "marketing", false, nil, nil},
}

func starterSet(t testing.TB) *Set {
	t.Helper()
	s, err := Parse(Starter())
	if err != nil {
		t.Fatalf("Parse(Starter()) = %v", err)
	}
	return s
}

func (c matrixCase) request() Request {
	return Request{Principal: c.who, Action: c.action, Resource: c.what, Purpose: c.purpose, Time: monday10, Auth: "mtls"}
}

func TestDecisionMatrix(t *testing.T) {
	s := starterSet(t)
	if len(matrix) < 30 {
		t.Fatalf("matrix has %d cases, want at least 30", len(matrix))
	}
	for _, c := range matrix {
		t.Run(c.name, func(t *testing.T) {
			d := s.Decide(c.request())
			name := c.who.ID + " " + c.action + " " + c.what.Dataset + " for " + c.purpose
			if d.Allow != c.allow || !slices.Equal(d.Permits, c.permits) || !slices.Equal(d.Forbids, c.forbids) || len(d.Errors) > 0 {
				t.Errorf("Decide(%s) = %+v, want allow=%v permits=%v forbids=%v", name, d, c.allow, c.permits, c.forbids)
			}
		})
	}
}

// TestExplainAgreesWithDecide checks that Explain tells the same story as
// Decide: the same decision, and the policies it marks as applied are
// exactly the deciding ones.
func TestExplainAgreesWithDecide(t *testing.T) {
	s := starterSet(t)
	for _, c := range matrix {
		checkExplain(t, s, c.request())
	}
}

func checkExplain(t *testing.T, s *Set, req Request) {
	t.Helper()
	d := s.Decide(req)
	ex := s.Explain(req)
	if ex.Decision.Allow != d.Allow || !slices.Equal(ex.Decision.Permits, d.Permits) || !slices.Equal(ex.Decision.Forbids, d.Forbids) {
		t.Fatalf("Explain decision %+v, Decide %+v", ex.Decision, d)
	}
	var permits, forbids, errs []string
	for _, r := range ex.Rules {
		switch {
		case r.Error != "":
			errs = append(errs, r.ID)
		case r.Applied && r.Effect == "permit":
			permits = append(permits, r.ID)
		case r.Applied:
			forbids = append(forbids, r.ID)
		}
	}
	slices.Sort(permits)
	slices.Sort(forbids)
	slices.Sort(errs)
	want := d.Permits
	if !d.Allow {
		want = nil
		if len(d.Forbids) == 0 && len(permits) > 0 {
			t.Errorf("%+v: explain has permits %v but Decide denied by default", req, permits)
		}
	}
	if d.Allow && !slices.Equal(permits, want) {
		t.Errorf("%+v: explain applied permits %v, Decide %v", req, permits, d.Permits)
	}
	for _, r := range ex.Rules {
		if r.Error != "" && r.Effect == "forbid" {
			forbids = append(forbids, r.ID)
		}
	}
	slices.Sort(forbids)
	if !slices.Equal(forbids, d.Forbids) {
		t.Errorf("%+v: explain applied forbids %v, Decide %v", req, forbids, d.Forbids)
	}
	var derrs []string
	for _, e := range d.Errors {
		id, _, _ := strings.Cut(e, ": ")
		if id != "request" {
			derrs = append(derrs, id)
		}
	}
	if !slices.Equal(errs, derrs) {
		t.Errorf("%+v: explain errors in %v, Decide %v", req, errs, d.Errors)
	}
}

func TestBusinessHours(t *testing.T) {
	files := Starter()
	files["business-hours.cedar"] = files["business-hours.cedar.disabled"]
	s, err := Parse(files)
	if err != nil {
		t.Fatal(err)
	}
	at := func(day, hour, min int) time.Time { return time.Date(2026, 11, day, hour, min, 0, 0, time.UTC) } // Nov 23 2026 is a Monday
	cases := []struct {
		name    string
		who     Principal
		action  string
		when    time.Time
		allow   bool
		permits []string
		forbids []string
	}{
		{"Monday 10:00", mark, Read, at(23, 10, 0), true, []string{"clearance-read"}, nil},
		{"Monday 09:00, first minute", mark, Read, at(23, 9, 0), true, []string{"clearance-read"}, nil},
		{"Monday 08:59", mark, Read, at(23, 8, 59), false, nil, []string{"business-hours"}},
		{"Friday 17:59", mark, Export, at(27, 17, 59), true, []string{"clearance-read"}, nil},
		{"Monday 18:00", mark, Read, at(23, 18, 0), false, nil, []string{"business-hours"}},
		{"Monday 20:00", mark, Read, at(23, 20, 0), false, nil, []string{"business-hours"}},
		{"Saturday 11:00", mark, Read, at(28, 11, 0), false, nil, []string{"business-hours"}},
		{"Sunday 11:00", mark, Read, at(29, 11, 0), false, nil, []string{"business-hours"}},
		{"operator on Saturday night", op, Read, at(28, 23, 0), true, []string{"operator"}, nil},
		{"admin deletes at night (delete is not restricted to hours)", ann, Delete, at(23, 23, 0), true, []string{"admin-role"}, nil},
	}
	for _, c := range cases {
		req := Request{Principal: c.who, Action: c.action, Resource: customers, Purpose: "marketing", Time: c.when}
		d := s.Decide(req)
		if d.Allow != c.allow || !slices.Equal(d.Permits, c.permits) || !slices.Equal(d.Forbids, c.forbids) {
			t.Errorf("%s: Decide(%s %s customers) = %+v, want allow=%v permits=%v forbids=%v", c.name, c.who.ID, c.action, d, c.allow, c.permits, c.forbids)
		}
		checkExplain(t, s, req)
	}
	// Hours are read in the request time's location.
	tokyo := time.FixedZone("JST", 9*3600)
	req := Request{Principal: mark, Action: Read, Resource: customers, Purpose: "marketing", Time: time.Date(2026, 11, 23, 10, 0, 0, 0, tokyo)}
	if d := s.Decide(req); !d.Allow {
		t.Errorf("10:00 JST on a Monday denied: %+v", d)
	}
	// And the shipped set ignores the disabled file.
	d := starterSet(t).Decide(Request{Principal: mark, Action: Read, Resource: customers, Purpose: "marketing", Time: at(28, 23, 0)})
	if !d.Allow {
		t.Errorf("starter set (business hours disabled) denied a Saturday read: %+v", d)
	}
}

// TestBadRequests: a malformed request is denied with the reason, even by
// a set that would permit everything.
func TestBadRequests(t *testing.T) {
	s := starterSet(t)
	cases := []struct {
		name string
		req  Request
		want string
	}{
		{"no principal id", Request{Principal: Principal{Role: OperatorRole}, Action: Read, Resource: trainset}, "no id"},
		{"unknown action", Request{Principal: op, Action: "steal", Resource: trainset}, `unknown action "steal"`},
		{"empty action", Request{Principal: op, Resource: trainset}, "unknown action"},
		{"read of the vault", Request{Principal: op, Action: Read, Resource: vault}, "needs a dataset"},
		{"unknown classification", Request{Principal: op, Action: Read, Resource: Resource{Dataset: "x", Classification: "secret"}}, `classification "secret"`},
		{"no classification", Request{Principal: op, Action: Read, Resource: Resource{Dataset: "x"}}, `classification ""`},
		{"too many groups", Request{Principal: Principal{ID: "x", Groups: make([]string, maxListLen+1)}, Action: Read, Resource: trainset}, "more than"},
	}
	for _, c := range cases {
		d := s.Decide(c.req)
		if d.Allow || len(d.Errors) != 1 || !strings.Contains(d.Errors[0], c.want) || !strings.HasPrefix(d.Errors[0], "request: ") {
			t.Errorf("%s: Decide = %+v, want a deny with error %q", c.name, d, c.want)
		}
		if r := d.Reason(); !strings.HasPrefix(r, "denied: ") || !strings.Contains(r, c.want) {
			t.Errorf("%s: Reason() = %q", c.name, r)
		}
		if ex := s.Explain(c.req); ex.Decision.Allow || len(ex.Rules) != 0 {
			t.Errorf("%s: Explain = %+v", c.name, ex)
		}
	}
	var nilSet *Set
	if d := nilSet.Decide(matrix[0].request()); d.Allow || len(d.Errors) == 0 {
		t.Errorf("nil Set: Decide = %+v, want deny with error", d)
	}
}

func TestDefaultClearance(t *testing.T) {
	for level, want := range map[string]int{"public": 0, "internal": 1, "confidential": 2, "restricted": 3, "": 3, "top-secret": 3} {
		if got := DefaultClearance(level); got != want {
			t.Errorf("DefaultClearance(%q) = %d, want %d", level, got, want)
		}
	}
}

func TestDecisionReason(t *testing.T) {
	for _, c := range []struct {
		d    Decision
		want string
	}{
		{Decision{Allow: true, Permits: []string{"a", "b"}}, "allowed by a, b"},
		{Decision{Forbids: []string{"f"}}, "denied by f"},
		{Decision{}, "denied: no policy permits it (default deny)"},
		{Decision{Errors: []string{"p: type error"}}, "denied: no policy permits it (default deny)"},
	} {
		if got := c.d.Reason(); got != c.want {
			t.Errorf("%+v.Reason() = %q, want %q", c.d, got, c.want)
		}
	}
	if got := (Decision{Forbids: []string{"f"}, Permits: nil}).Deciding(); !slices.Equal(got, []string{"f"}) {
		t.Errorf("Deciding() = %v", got)
	}
}

// TestConcurrentDecide: one Set serves many goroutines (run with -race).
func TestConcurrentDecide(t *testing.T) {
	s := starterSet(t)
	done := make(chan string)
	for g := range 4 {
		go func() {
			for i := range 200 {
				c := matrix[(g*7+i)%len(matrix)]
				if d := s.Decide(c.request()); d.Allow != c.allow {
					done <- c.name
					return
				}
				s.Explain(c.request())
			}
			done <- ""
		}()
	}
	for range 4 {
		if name := <-done; name != "" {
			t.Errorf("concurrent Decide differs for %q", name)
		}
	}
}
