package policy

import (
	"fmt"
	"regexp"
	"strings"

	cedar "github.com/cedar-policy/cedar-go"
	pubast "github.com/cedar-policy/cedar-go/ast"
	"github.com/cedar-policy/cedar-go/types"
	xast "github.com/cedar-policy/cedar-go/x/exp/ast"
	xeval "github.com/cedar-policy/cedar-go/x/exp/eval"
)

// compiled is one policy of a Set with what Explain evaluates piece by
// piece: the three parts of its scope and each condition.
type compiled struct {
	info   Info
	policy *cedar.Policy
	ast    *xast.Policy
	scope  [3]scopePart // principal, action, resource
	conds  []condition
}

type scopePart struct {
	name string
	all  bool
	node xast.IsNode
}

type condition struct {
	kind   string // when, unless
	source string
	body   xast.IsNode
	inputs []input
}

// input is a request attribute a condition reads: "principal.clearance".
type input struct {
	name string
	node xast.IsNode
}

func (c *compiled) prepare() {
	a := c.ast
	parts := []struct {
		name string
		p    *xast.Policy
	}{
		{"principal", &xast.Policy{Principal: a.Principal, Action: xast.ScopeTypeAll{}, Resource: xast.ScopeTypeAll{}}},
		{"action", &xast.Policy{Principal: xast.ScopeTypeAll{}, Action: a.Action, Resource: xast.ScopeTypeAll{}}},
		{"resource", &xast.Policy{Principal: xast.ScopeTypeAll{}, Action: xast.ScopeTypeAll{}, Resource: a.Resource}},
	}
	for i, p := range parts {
		_, all := p.p.Principal.(xast.ScopeTypeAll)
		_, allA := p.p.Action.(xast.ScopeTypeAll)
		_, allR := p.p.Resource.(xast.ScopeTypeAll)
		c.scope[i] = scopePart{name: p.name, all: all && allA && allR, node: xeval.PolicyToNode(p.p).AsIsNode()}
	}
	for _, cond := range a.Conditions {
		k := "when"
		if cond.Condition == xast.ConditionUnless {
			k = "unless"
		}
		c.conds = append(c.conds, condition{
			kind:   k,
			source: conditionSource(cond),
			body:   cond.Body,
			inputs: inputsOf(cond.Body),
		})
	}
}

// conditionSource prints one clause in Cedar, by printing a policy that
// has only that clause and cutting off its head.
func conditionSource(cond xast.ConditionType) string {
	text := marshalOne(cond)
	head := strings.TrimSuffix(marshalOne(), ";")
	text = strings.TrimPrefix(text, head)
	return strings.TrimSuffix(strings.TrimSpace(text), ";")
}

var newlineIndent = regexp.MustCompile(`\n\s*`)

// marshalOne prints a permit with an empty scope and the given clauses,
// on one line.
func marshalOne(conds ...xast.ConditionType) string {
	p := &xast.Policy{Effect: xast.EffectPermit, Principal: xast.ScopeTypeAll{},
		Action: xast.ScopeTypeAll{}, Resource: xast.ScopeTypeAll{}, Conditions: conds}
	text := string(cedar.NewPolicyFromAST((*astPolicy)(p)).MarshalCedar())
	return newlineIndent.ReplaceAllString(strings.TrimSpace(text), " ")
}

// inputsOf lists the attribute paths (principal.x, resource.x.y,
// context.x, resource.getTag("k")) and bare variables a clause reads.
func inputsOf(body xast.IsNode) []input {
	var out []input
	seen := map[string]bool{}
	add := func(name string, n xast.IsNode) {
		if !seen[name] {
			seen[name] = true
			out = append(out, input{name, n})
		}
	}
	xast.Inspect(xast.NewNode(body), func(n xast.IsNode) bool {
		if name, ok := pathOf(n); ok {
			add(name, n)
			return false
		}
		if t, ok := n.(xast.NodeTypeGetTag); ok {
			base, ok1 := pathOf(t.Left)
			key, ok2 := t.Right.(xast.NodeValue)
			if ok1 && ok2 {
				add(fmt.Sprintf("%s.getTag(%s)", base, key.Value.MarshalCedar()), n)
				return false
			}
		}
		return true
	})
	return out
}

// pathOf names a chain of attribute accesses that starts at a variable.
func pathOf(n xast.IsNode) (string, bool) {
	switch t := n.(type) {
	case xast.NodeTypeVariable:
		if t.Name == "action" {
			return "", false // the action is in the request line already
		}
		return string(t.Name), true
	case xast.NodeTypeAccess:
		base, ok := pathOf(t.Arg)
		if !ok {
			return "", false
		}
		return base + "." + string(t.Value), true
	}
	return "", false
}

func (s *Set) explain(req Request) Explanation {
	ex := Explanation{Request: req, Decision: s.decide(req)}
	e, err := s.env(req)
	if err != nil {
		return ex
	}
	ev := xeval.Env{
		Entities:  e.entities,
		Principal: e.req.Principal,
		Action:    e.req.Action,
		Resource:  e.req.Resource,
		Context:   e.req.Context,
	}
	for i := range s.policies {
		ex.Rules = append(ex.Rules, s.policies[i].explain(ev))
	}
	return ex
}

// explain evaluates the policy the way Cedar does (scope, then each
// clause in order, stopping at the first that fails or errors), keeping
// every intermediate result.
func (c *compiled) explain(ev xeval.Env) RuleResult {
	r := RuleResult{Info: c.info, ScopeMatched: true}
	for _, sp := range c.scope {
		if sp.all {
			continue
		}
		ok, err := evalBool(sp.node, ev)
		if err != nil {
			r.ScopeMatched, r.Error = false, fmt.Sprintf("%s scope: %v", sp.name, err)
			return r
		}
		if !ok {
			r.ScopeMatched = false
			r.ScopeMismatch = append(r.ScopeMismatch, sp.name)
		}
	}
	if !r.ScopeMatched {
		return r
	}
	for _, cond := range c.conds {
		cr := ConditionResult{Kind: cond.kind, Source: cond.source}
		for _, in := range cond.inputs {
			cr.Inputs = append(cr.Inputs, in.name+" = "+valueText(in.node, ev))
		}
		v, err := evalBool(cond.body, ev)
		switch {
		case err != nil:
			cr.Value, cr.Error = "error", err.Error()
			r.Error = err.Error()
		default:
			cr.Value = fmt.Sprint(v)
			cr.Held = v == (cond.kind == "when")
		}
		r.Conditions = append(r.Conditions, cr)
		if !cr.Held {
			return r
		}
	}
	r.Applied = true
	return r
}

func evalBool(n xast.IsNode, ev xeval.Env) (bool, error) {
	v, err := xeval.Eval(n, ev)
	if err != nil {
		return false, err
	}
	b, ok := v.(types.Boolean)
	if !ok {
		return false, fmt.Errorf("type error: expected bool, got %s", xeval.TypeName(v))
	}
	return bool(b), nil
}

func valueText(n xast.IsNode, ev xeval.Env) string {
	v, err := xeval.Eval(n, ev)
	if err != nil {
		return "(error: " + err.Error() + ")"
	}
	return string(v.MarshalCedar())
}

// Lines renders ex for people: the decision, the request, then each
// policy with its scope, clauses, the values they read and the outcome.
func (ex Explanation) Lines() []string {
	d := ex.Decision
	verdict := "DENY"
	if d.Allow {
		verdict = "ALLOW"
	}
	out := []string{verdict + ": " + d.Reason(), "request: " + requestText(ex.Request)}
	for _, e := range d.Errors {
		out = append(out, "error: "+e)
	}
	for _, r := range ex.Rules {
		out = append(out, r.lines()...)
	}
	if !d.Allow && len(d.Forbids) == 0 && len(ex.Rules) > 0 {
		out = append(out, "no permit policy applied, so Cedar's default deny decided")
	}
	return out
}

// String is Lines joined by newlines.
func (ex Explanation) String() string { return strings.Join(ex.Lines(), "\n") }

func (r RuleResult) lines() []string {
	outcome := "does not apply"
	switch {
	case r.Error != "" && r.Effect == "forbid":
		outcome = "evaluation error: forbids (fail closed)"
	case r.Error != "":
		outcome = "evaluation error: skipped"
	case r.Applied && r.Effect == "permit":
		outcome = "APPLIES: permits"
	case r.Applied:
		outcome = "APPLIES: forbids"
	}
	out := []string{fmt.Sprintf("%s %s (%s:%d): %s", r.Effect, r.ID, r.File, r.Line, outcome)}
	if r.Description != "" {
		out = append(out, "    "+r.Description)
	}
	switch {
	case !r.ScopeMatched && r.Error != "":
		out = append(out, "    scope: "+r.Error)
	case !r.ScopeMatched:
		out = append(out, "    scope: the request's "+strings.Join(r.ScopeMismatch, " and ")+" is not in the policy's scope")
	default:
		out = append(out, "    scope: matches")
	}
	for _, c := range r.Conditions {
		out = append(out, "    "+c.Source+": "+c.verdict())
		if len(c.Inputs) > 0 {
			out = append(out, "        with "+strings.Join(c.Inputs, ", "))
		}
	}
	return out
}

func (c ConditionResult) verdict() string {
	switch {
	case c.Error != "":
		return "error: " + c.Error
	case c.Held:
		return c.Value + ", so it holds"
	default:
		return c.Value + ", so it does not hold"
	}
}

func requestText(req Request) string {
	p, r := req.Principal, req.Resource
	who := fmt.Sprintf("principal %q (role %q, department %q, clearance %d", p.ID, p.Role, p.Department, p.Clearance)
	if len(p.Groups) > 0 {
		who += ", groups " + strings.Join(p.Groups, ",")
	}
	who += ")"
	what := "the vault"
	if r.Dataset != "" {
		what = fmt.Sprintf("dataset %q", r.Dataset)
		if r.Version > 0 {
			what = fmt.Sprintf("dataset %q@%d", r.Dataset, r.Version)
		}
		what += fmt.Sprintf(" (%s, clearance %d, department %q, owner %q)", r.Classification,
			max(r.Clearance, DefaultClearance(r.Classification)), r.Department, r.Owner)
	}
	purpose := "no purpose"
	if req.Purpose != "" {
		purpose = fmt.Sprintf("purpose %q", req.Purpose)
	}
	return fmt.Sprintf("%s asks to %s %s, %s", who, req.Action, what, purpose)
}

// astPolicy is the public AST type cedar.NewPolicyFromAST takes; it has
// the same layout as x/exp/ast.Policy (cedar-go converts between them).
type astPolicy = pubast.Policy
