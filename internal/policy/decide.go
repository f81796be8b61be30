package policy

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	cedar "github.com/cedar-policy/cedar-go"
	"github.com/cedar-policy/cedar-go/types"
)

// The entity types and ids of coffer's schema.
const (
	principalType = types.EntityType("Coffer::Principal")
	datasetType   = types.EntityType("Coffer::Dataset")
	vaultType     = types.EntityType("Coffer::Vault")
	actionType    = types.EntityType("Coffer::Action")
)

var vaultUID = types.NewEntityUID(vaultType, "vault")

// maxListLen bounds the groups, PII types, allowed groups and tags of a
// request, so a request cannot make a decision arbitrarily slow.
const maxListLen = 1000

func (s *Set) decide(req Request) Decision {
	env, err := s.env(req)
	if err != nil {
		return Decision{Errors: []string{err.Error()}}
	}
	dec, diag := cedar.Authorize(s.ps, env.entities, env.req)
	return s.fromCedar(dec, diag)
}

// fromCedar turns Cedar's answer into a Decision, failing closed where
// Cedar does not: a forbid policy that fails to evaluate denies (Cedar
// would skip it and might allow).
func (s *Set) fromCedar(dec cedar.Decision, diag cedar.Diagnostic) Decision {
	d := Decision{Allow: dec == cedar.Allow}
	for _, r := range diag.Reasons {
		if d.Allow {
			d.Permits = append(d.Permits, string(r.PolicyID))
		} else {
			d.Forbids = append(d.Forbids, string(r.PolicyID))
		}
	}
	for _, e := range diag.Errors {
		d.Errors = append(d.Errors, fmt.Sprintf("%s: %s", e.PolicyID, e.Message))
		if p := s.ps.Get(e.PolicyID); p != nil && p.Effect() == cedar.Forbid {
			if d.Allow {
				d.Allow, d.Permits = false, nil
			}
			d.Forbids = append(d.Forbids, string(e.PolicyID))
		}
	}
	// Cedar walks a map: sort for stable audit records and tests.
	// (A forbid that errors is not also a reason, so no duplicates.)
	slices.Sort(d.Permits)
	slices.Sort(d.Forbids)
	slices.Sort(d.Errors)
	return d
}

func reason(d Decision) string {
	switch {
	case d.Allow:
		return "allowed by " + strings.Join(d.Permits, ", ")
	case len(d.Forbids) > 0:
		return "denied by " + strings.Join(d.Forbids, ", ")
	case len(d.Errors) > 0 && strings.HasPrefix(d.Errors[0], "request: "):
		return "denied: " + strings.TrimPrefix(d.Errors[0], "request: ")
	default:
		return "denied: no policy permits it (default deny)"
	}
}

// env is a request in Cedar's terms.
type env struct {
	req      cedar.Request
	entities cedar.EntityMap
}

// env checks req and builds the Cedar request and entities: a request
// error is "request: ..." and denies.
func (s *Set) env(req Request) (env, error) {
	if s == nil || s.ps == nil {
		return env{}, errors.New("request: no policy set loaded")
	}
	if err := checkRequest(req); err != nil {
		return env{}, fmt.Errorf("request: %w", err)
	}
	p := req.Principal
	puid := types.NewEntityUID(principalType, types.String(p.ID))
	ents := cedar.EntityMap{
		puid: {
			UID: puid,
			Attributes: types.NewRecord(types.RecordMap{
				"role":       types.String(p.Role),
				"department": types.String(p.Department),
				"clearance":  types.Long(p.Clearance),
				"groups":     stringSet(p.Groups),
			}),
		},
	}
	ruid := vaultUID
	if r := req.Resource; r.Dataset != "" {
		ruid = types.NewEntityUID(datasetType, types.String(r.Dataset))
		tags := types.RecordMap{}
		for k, v := range r.Tags {
			tags[types.String(k)] = types.String(v)
		}
		ents[ruid] = types.Entity{
			UID: ruid,
			Attributes: types.NewRecord(types.RecordMap{
				"name":           types.String(r.Dataset),
				"version":        types.Long(r.Version),
				"owner":          types.NewEntityUID(principalType, types.String(r.Owner)),
				"department":     types.String(r.Department),
				"classification": types.String(r.Classification),
				"clearance":      types.Long(max(r.Clearance, DefaultClearance(r.Classification))),
				"piiTypes":       stringSet(r.PIITypes),
				"allowedGroups":  stringSet(r.AllowedGroups),
				"status":         types.String(statusOf(r.Status)),
			}),
			Tags: types.NewRecord(tags),
		}
	} else {
		ents[ruid] = types.Entity{UID: ruid}
	}
	t := req.Time
	if t.IsZero() {
		t = time.Now()
	}
	ctx := types.NewRecord(types.RecordMap{
		"purpose": types.String(req.Purpose),
		"time":    types.NewDatetime(t),
		"hour":    types.Long(t.Hour()),
		"weekday": types.String(t.Weekday().String()[:3]),
		"auth":    types.String(req.Auth),
	})
	return env{
		req: cedar.Request{
			Principal: puid,
			Action:    types.NewEntityUID(actionType, types.String(req.Action)),
			Resource:  ruid,
			Context:   ctx,
		},
		entities: ents,
	}, nil
}

func checkRequest(req Request) error {
	r := req.Resource
	switch {
	case req.Principal.ID == "":
		return errors.New("the principal has no id")
	case !slices.Contains(Actions, req.Action):
		return fmt.Errorf("unknown action %q (want one of %s)", req.Action, strings.Join(Actions, ", "))
	case r.Dataset == "" && req.Action != Admin:
		return fmt.Errorf("action %s needs a dataset", req.Action)
	case r.Dataset != "" && !knownLevel(r.Classification):
		return fmt.Errorf("dataset %q has classification %q, not one of public, internal, confidential, restricted",
			r.Dataset, r.Classification)
	case len(req.Principal.Groups) > maxListLen || len(r.PIITypes) > maxListLen ||
		len(r.AllowedGroups) > maxListLen || len(r.Tags) > maxListLen:
		return fmt.Errorf("more than %d groups, PII types or tags", maxListLen)
	}
	return nil
}

func knownLevel(level string) bool {
	_, ok := levelClearance[level]
	return ok
}

func stringSet(ss []string) types.Set {
	vs := make([]types.Value, len(ss))
	for i, s := range ss {
		vs[i] = types.String(s)
	}
	return types.NewSet(vs...)
}

// statusOf is a version's quality status for the policies: "ok" unless it
// is "quarantined".
func statusOf(s string) string {
	if s == "" {
		return "ok"
	}
	return s
}
