package policy

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	cedar "github.com/cedar-policy/cedar-go"
	"github.com/cedar-policy/cedar-go/types"
	xast "github.com/cedar-policy/cedar-go/x/exp/ast"

	"github.com/coffer-vault/coffer/internal/fault"
)

// Bounds on what Load and Parse accept.
const (
	maxFileSize = 1 << 20 // one policy file
	maxFiles    = 1000
	maxErrors   = 5 // problems named in one error
)

const fixHint = "fix the policy and run: coffer policy validate"

func load(dir string) (*Set, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fault.Wrap(fault.Other, err, "policy: reading %s", dir).
			WithHint("run coffer init, or check --home")
	}
	files := map[string][]byte{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".cedar") {
			continue
		}
		if !e.Type().IsRegular() { // a symlink to a file counts; a directory does not
			info, err := os.Stat(filepath.Join(dir, e.Name()))
			if err != nil || !info.Mode().IsRegular() {
				continue
			}
		}
		if len(files) == maxFiles {
			return nil, fault.E(fault.Invalid, "policy: more than %d policy files in %s", maxFiles, dir)
		}
		b, err := readBounded(filepath.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		files[e.Name()] = b
	}
	if len(files) == 0 {
		return nil, fault.E(fault.Invalid, "policy: no *.cedar files in %s", dir).
			WithHint("run coffer init to write the starter policies, or add your own")
	}
	s, err := parse(files)
	if err != nil {
		return nil, err
	}
	return s, nil
}

func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fault.Wrap(fault.Other, err, "policy: reading %s", path)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxFileSize+1))
	if err != nil {
		return nil, fault.Wrap(fault.Other, err, "policy: reading %s", path)
	}
	if len(b) > maxFileSize {
		return nil, fault.E(fault.Invalid, "policy: %s is larger than %d bytes", path, maxFileSize).
			WithHint("split it into several .cedar files")
	}
	return b, nil
}

func parse(files map[string][]byte) (*Set, error) {
	v, err := validator()
	if err != nil {
		return nil, fmt.Errorf("policy: coffer's built-in schema is broken: %w", err)
	}
	names := make([]string, 0, len(files))
	for name := range files {
		if strings.HasSuffix(name, ".cedar") {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	if len(names) == 0 {
		return nil, fault.E(fault.Invalid, "policy: no *.cedar files").
			WithHint("a policy file's name ends in .cedar")
	}
	s := &Set{ps: cedar.NewPolicySet(), files: map[string][]byte{}}
	var problems []string
	seen := map[string]string{} // id -> file:line
	for _, name := range names {
		src := files[name]
		s.files[name] = append([]byte(nil), src...)
		if len(src) > maxFileSize {
			problems = append(problems, fmt.Sprintf("%s: larger than %d bytes; split it", name, maxFileSize))
			continue
		}
		list, err := cedar.NewPolicyListFromBytes(name, src)
		if err != nil {
			problems = append(problems, parseProblem(name, err))
			continue
		}
		if len(list) == 0 {
			problems = append(problems, fmt.Sprintf("%s: no policy in the file; remove it or add one", name))
		}
		for _, p := range list {
			c, msgs := compile(name, src, p, v)
			if prev, dup := seen[c.info.ID]; dup && c.info.ID != "" {
				msgs = append(msgs, fmt.Sprintf("%s:%d: @id(%q) is used twice (also %s); give each policy its own id",
					name, c.info.Line, c.info.ID, prev))
			}
			if len(msgs) > 0 {
				problems = append(problems, msgs...)
				continue
			}
			seen[c.info.ID] = fmt.Sprintf("%s:%d", name, c.info.Line)
			s.ps.Add(cedar.PolicyID(c.info.ID), p)
			s.policies = append(s.policies, c)
		}
	}
	if len(problems) > 0 {
		return nil, problemsError(problems)
	}
	return s, nil
}

// parseProblem makes a Cedar syntax error one line that starts with
// file:line (the parser's messages carry "file:line:col: ...").
func parseProblem(name string, err error) string {
	msg := strings.Join(strings.Fields(err.Error()), " ")
	msg = strings.TrimPrefix(msg, "parser error: ")
	msg = strings.TrimPrefix(msg, "parse error at ")
	msg = strings.ReplaceAll(msg, "<input>:", name+":")
	if !strings.HasPrefix(msg, name+":") {
		msg = name + ": " + msg
	}
	return "syntax error: " + msg
}

func problemsError(problems []string) error {
	more := ""
	if len(problems) > maxErrors {
		more = fmt.Sprintf(" (and %d more)", len(problems)-maxErrors)
		problems = problems[:maxErrors]
	}
	return fault.E(fault.Invalid, "policy: %s%s", strings.Join(problems, "; "), more).WithHint(fixHint)
}

// compile checks one parsed policy (id, schema) and prepares what Explain
// needs. It returns the problems found, each starting with file:line.
func compile(name string, src []byte, p *cedar.Policy, v validator_) (compiled, []string) {
	a := (*xast.Policy)(p.AST())
	c := compiled{policy: p, ast: a}
	c.info = Info{File: name, Line: a.Position.Line, Effect: effectName(a.Effect)}
	ann := p.Annotations()
	c.info.ID = string(ann["id"])
	c.info.Description = string(ann["description"])
	if c.info.Description == "" {
		c.info.Description = commentAbove(src, c.info.Line)
	}
	where := fmt.Sprintf("%s:%d", name, c.info.Line)
	var msgs []string
	switch {
	case c.info.ID == "":
		msgs = append(msgs, where+`: policy has no @id("..."); add one, e.g. @id("my-rule")`)
	case !validID(c.info.ID):
		msgs = append(msgs, fmt.Sprintf("%s: @id(%q) must be 1-100 letters, digits, '-', '_' or '.'", where, c.info.ID))
	}
	for _, et := range unknownIsTypes(a) {
		msgs = append(msgs, fmt.Sprintf("%s: policy %q: unrecognized entity type `%s` (not in coffer's schema: see coffer.cedarschema)", where, c.info.ID, et))
	}
	if err := v.Policy(c.info.ID, a); err != nil {
		for _, e := range flatten(err) {
			msgs = append(msgs, fmt.Sprintf("%s: policy %q: %s", where, c.info.ID, schemaMessage(c.info.ID, e)))
		}
	}
	c.prepare()
	return c, msgs
}

// unknownIsTypes returns the entity types that `is` tests in the
// policy's conditions name but coffer's schema lacks (the validator
// checks entity literals and the scope, not these).
func unknownIsTypes(a *xast.Policy) []types.EntityType {
	known := knownEntityTypes()
	var out []types.EntityType
	for _, cond := range a.Conditions {
		xast.Inspect(xast.NewNode(cond.Body), func(n xast.IsNode) bool {
			var et types.EntityType
			switch t := n.(type) {
			case xast.NodeTypeIs:
				et = t.EntityType
			case xast.NodeTypeIsIn:
				et = t.EntityType
			default:
				return true
			}
			if !known[et] && !slices.Contains(out, et) {
				out = append(out, et)
			}
			return true
		})
	}
	return out
}

// knownEntityTypes are the entity types of the schema (resolved without
// error before any policy is compiled) and its action type.
func knownEntityTypes() map[types.EntityType]bool {
	known := map[types.EntityType]bool{actionType: true}
	if r, err := resolvedSchema(); err == nil {
		for et := range r.Entities {
			known[et] = true
		}
		for et := range r.Enums {
			known[et] = true
		}
	}
	return known
}

// validator_ is the part of validate.Validator compile uses.
type validator_ interface {
	Policy(policyID string, policy *xast.Policy) error
}

func flatten(err error) []error {
	if u, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range u.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}

// schemaMessage drops the validator's "for policy `id`, " prefix (the
// caller names the policy) and adds what to check.
func schemaMessage(id string, err error) string {
	msg := strings.Join(strings.Fields(err.Error()), " ")
	msg = strings.TrimPrefix(msg, "for policy `"+id+"`, ")
	return msg + " (not in coffer's schema: see coffer.cedarschema)"
}

func validID(id string) bool {
	if len(id) == 0 || len(id) > 100 {
		return false
	}
	for _, r := range id {
		ok := r == '-' || r == '_' || r == '.' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9')
		if !ok {
			return false
		}
	}
	return true
}

func effectName(e xast.Effect) string {
	if e == xast.EffectPermit {
		return "permit"
	}
	return "forbid"
}

// commentAbove returns the // comment lines right above line (1-based),
// skipping annotation lines, joined into one sentence.
func commentAbove(src []byte, line int) string {
	lines := bytes.Split(src, []byte("\n"))
	if line < 1 || line > len(lines) {
		return ""
	}
	var out []string
	for i := line - 2; i >= 0; i-- {
		l := strings.TrimSpace(string(lines[i]))
		if strings.HasPrefix(l, "@") {
			continue
		}
		text, ok := strings.CutPrefix(l, "//")
		if !ok {
			break
		}
		out = append(out, strings.TrimSpace(text))
	}
	slices.Reverse(out)
	return strings.TrimSpace(strings.Join(out, " "))
}
