package policy

import (
	"time"

	cedar "github.com/cedar-policy/cedar-go"
)

// The actions coffer checks. Every command that touches data or keys
// asks for exactly one of them.
const (
	Read   = "read"   // get through views (filtered, masked)
	Write  = "write"  // put a new version
	Delete = "delete" // shred or erase
	Export = "export" // get to a file (-f) or a raw, unmasked copy
	Admin  = "admin"  // keys, principals, policies, audit
)

// Actions lists the actions in the order the docs give them.
var Actions = []string{Read, Write, Delete, Export, Admin}

// OperatorRole is the role of the local operator: the CLI run without
// --as acts as Principal{ID: "os:<user>", Role: OperatorRole}. The starter
// policies permit it every action without a purpose; its actions are
// audited by the caller.
const OperatorRole = "operator"

// Principal is who asks: a person or service with attributes from the
// catalog (or the local operator).
type Principal struct {
	ID         string   `json:"id"`
	Role       string   `json:"role"`
	Department string   `json:"department,omitempty"`
	Clearance  int      `json:"clearance"`
	Groups     []string `json:"groups,omitempty"`
}

// Resource is what is asked for: one version of a dataset, or the vault
// itself when Dataset is "" (admin actions on keys, principals, policies
// and the audit log).
type Resource struct {
	Dataset        string            `json:"dataset,omitempty"`
	Version        int64             `json:"version,omitempty"`
	Owner          string            `json:"owner,omitempty"` // principal id
	Department     string            `json:"department,omitempty"`
	Classification string            `json:"classification,omitempty"` // public, internal, confidential, restricted
	Clearance      int               `json:"clearance"`                // required; never below DefaultClearance(Classification)
	Tags           map[string]string `json:"tags,omitempty"`
	PIITypes       []string          `json:"pii_types,omitempty"`
	AllowedGroups  []string          `json:"allowed_groups,omitempty"`
	Status         string            `json:"status,omitempty"` // ok or quarantined (failed its quality checks); "" is ok
}

// Request is one authorization question.
type Request struct {
	Principal Principal `json:"principal"`
	Action    string    `json:"action"`
	Resource  Resource  `json:"resource"`
	Purpose   string    `json:"purpose,omitempty"`
	Time      time.Time `json:"time"`           // zero: now; hour and weekday are taken in Time's location
	Auth      string    `json:"auth,omitempty"` // local, mtls, apikey, sigv4
}

// Decision is the answer, as data: the audit record and "policy explain"
// use this same value.
type Decision struct {
	Allow bool `json:"allow"`
	// Permits are the ids of the permit policies that matched; they decide
	// an Allow. Forbids are the ids of the forbid policies that matched or
	// failed to evaluate (fail closed); any one decides a Deny. A Deny with
	// neither is the default deny: no policy permitted the request.
	Permits []string `json:"permits,omitempty"`
	Forbids []string `json:"forbids,omitempty"`
	// Errors are policies that failed to evaluate ("id: message") and
	// request errors ("request: unknown action ..."). A permit that errors
	// is skipped, as Cedar does; a forbid that errors denies (unlike
	// Cedar, which would skip it); a request error denies.
	Errors []string `json:"errors,omitempty"`
}

// Deciding returns the ids of the policies that decided d: the forbids of
// a Deny, the permits of an Allow, nil for the default deny.
func (d Decision) Deciding() []string {
	if d.Allow {
		return d.Permits
	}
	return d.Forbids
}

// Reason is d in one line, for error messages and logs:
// "allowed by clearance-read", "denied by purpose-allowed",
// "denied: no policy permits it (default deny)".
func (d Decision) Reason() string { return reason(d) }

// Set is a parsed, schema-validated policy set. It is safe for concurrent
// use; build one with Load, Parse or Starter+Parse.
type Set struct {
	ps       *cedar.PolicySet
	policies []compiled // in file, then position order
	files    map[string][]byte
}

// Info describes one policy of a Set.
type Info struct {
	ID          string `json:"id"`
	Effect      string `json:"effect"` // permit or forbid
	File        string `json:"file"`
	Line        int    `json:"line"`
	Description string `json:"description,omitempty"` // @description, else the comment above the policy
}

// Explanation is a decision rule by rule, in words. String and Lines
// render it for the CLI; the JSON tags serve -o json.
type Explanation struct {
	Request  Request      `json:"request"`
	Decision Decision     `json:"decision"`
	Rules    []RuleResult `json:"rules"`
}

// RuleResult is what one policy did with the request.
type RuleResult struct {
	Info
	// ScopeMatched: the principal, action and resource of the request fall
	// in the policy's scope (its head). If false, the conditions were not
	// evaluated and Conditions is empty.
	ScopeMatched bool `json:"scope_matched"`
	// ScopeMismatch names the parts of the scope the request is not in:
	// "principal", "action", "resource".
	ScopeMismatch []string `json:"scope_mismatch,omitempty"`
	// Conditions are the policy's when/unless clauses, in order, each with
	// its outcome; evaluation stops at the first one that decides the
	// policy does not apply, or errors (as Cedar does).
	Conditions []ConditionResult `json:"conditions,omitempty"`
	// Applied: the scope matched and every condition held, so the policy's
	// effect counts toward the decision.
	Applied bool `json:"applied"`
	// Error is the evaluation error: a permit that errors is skipped, a
	// forbid that errors denies (fail closed).
	Error string `json:"error,omitempty"`
}

// ConditionResult is one when/unless clause.
type ConditionResult struct {
	Kind   string `json:"kind"`   // when or unless
	Source string `json:"source"` // the clause, in Cedar
	// Value is the value of the clause's expression: "true", "false" or
	// "error". A when clause holds if true, an unless clause if false.
	Value string `json:"value"`
	Held  bool   `json:"held"`
	// Inputs are the request attributes the clause reads, with the values
	// they had ("principal.clearance = 3"). Purposes and groups are names,
	// not data, so they are safe to show.
	Inputs []string `json:"inputs,omitempty"`
	Error  string   `json:"error,omitempty"`
}

// Levels and the clearance each requires by default.
var levelClearance = map[string]int{"public": 0, "internal": 1, "confidential": 2, "restricted": 3}

// DefaultClearance is the clearance a classification level requires by
// default: public 0, internal 1, confidential 2, restricted 3. An unknown
// level returns 3 (fail closed).
func DefaultClearance(level string) int {
	if c, ok := levelClearance[level]; ok {
		return c
	}
	return 3
}

// Schema returns the Cedar schema coffer ships (coffer.cedarschema). Policies
// are validated against it, and Decide builds entities and context of
// exactly this shape.
func Schema() []byte { return append([]byte(nil), schemaText...) }

// Starter returns the files "coffer init" writes into the vault's
// policies/ directory: the schema (coffer.cedarschema, for reference;
// coffer validates against its built-in copy), one .cedar file per starter
// rule and business-hours.cedar.disabled, which Load ignores until it is
// renamed to business-hours.cedar.
func Starter() map[string][]byte { return starterFiles() }

// Load reads every *.cedar file of dir (not recursively) and returns the
// validated set. Other files are ignored. Errors are fault.Invalid and
// name file:line and what to do.
func Load(dir string) (*Set, error) { return load(dir) }

// Parse is Load over files in memory (name -> content); names not ending
// in .cedar are ignored. Every policy needs a unique @id("...").
func Parse(files map[string][]byte) (*Set, error) { return parse(files) }

// Decide answers req. It never panics and never errors: a malformed
// request is denied with the reason in Errors.
func (s *Set) Decide(req Request) Decision { return s.decide(req) }

// Explain answers req rule by rule. Its Decision equals Decide(req).
func (s *Set) Explain(req Request) Explanation { return s.explain(req) }

// Policies describes the policies of s in file, then line order.
func (s *Set) Policies() []Info {
	out := make([]Info, len(s.policies))
	for i, p := range s.policies {
		out[i] = p.info
	}
	return out
}

// Files returns the policy files s was built from (name -> content), for
// "coffer policy set" to write back and for audit.
func (s *Set) Files() map[string][]byte {
	out := make(map[string][]byte, len(s.files))
	for k, v := range s.files {
		out[k] = append([]byte(nil), v...)
	}
	return out
}
