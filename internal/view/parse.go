package view

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/mask"
	"github.com/coffer-vault/coffer/internal/pii"
)

// MaxFileSize bounds a view file.
const MaxFileSize = 1 << 20

// MaxViews bounds the views in one file, and MaxRules the column rules of
// one view.
const (
	MaxViews = 1000
	MaxRules = 1000
)

// view is one compiled view of a file.
type view struct {
	id          string
	description string
	line        int
	when        *program // nil: always
	rows        *program // nil: no row filter
	rules       []rule
}

// rule is one column rule: it matches a column when any selector does.
type rule struct {
	names  []string // lower-case globs (path.Match)
	pii    []string
	tags   []string
	action mask.Action
	line   int
}

func (r *rule) matches(c Column) bool {
	name := globText(c.Name)
	for _, g := range r.names {
		if ok, _ := path.Match(g, name); ok {
			return true
		}
	}
	for _, t := range c.PIITypes {
		if slices.Contains(r.pii, strings.ToUpper(t)) {
			return true
		}
	}
	for _, t := range c.Tags {
		if slices.Contains(r.tags, strings.ToLower(t)) {
			return true
		}
	}
	return false
}

// Load reads and parses the view file at path. A missing file is an
// empty Set: no view applies.
func Load(file string) (*Set, error) {
	f, err := os.Open(file)
	if errors.Is(err, fs.ErrNotExist) {
		return &Set{file: filepath.Base(file)}, nil
	}
	if err != nil {
		return nil, fault.Wrap(fault.Other, err, "view: read the view file")
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fault.Wrap(fault.Other, err, "view: read the view file")
	}
	return Parse(filepath.Base(file), b)
}

// Parse validates a whole view file (name is used in errors) and compiles
// its CEL. It refuses unknown fields, duplicate or missing ids, unknown
// actions and bad parameters, unknown PII types, bad globs, and CEL that
// does not compile, refers to an unknown principal or dataset field or is
// not a bool. Errors are fault.Invalid and read
//
//	view: views.yaml:12: view "marketing": unknown action "mask"; use drop, null, ...
//
// A file that is empty or holds only comments is an empty Set.
func Parse(name string, src []byte) (*Set, error) {
	p := parser{file: name}
	if len(src) > MaxFileSize {
		return nil, p.errf(0, "", "is %d bytes, more than %d", len(src), MaxFileSize)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(src, &doc); err != nil {
		return nil, p.errf(0, "", "not valid YAML: %s", yamlMessage(err)).WithHint("fix the YAML syntax")
	}
	s := &Set{file: name}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return s, nil
	}
	top := doc.Content[0]
	if top.Kind != yaml.MappingNode {
		return nil, p.errf(top.Line, "", "the file must be a mapping with version and views")
	}
	if err := p.noDuplicates(top, ""); err != nil {
		return nil, err
	}
	version, views := false, (*yaml.Node)(nil)
	for k, v := range pairs(top) {
		switch k.Value {
		case "version":
			if v.Value != "1" || v.Tag != "!!int" {
				return nil, p.errf(v.Line, "", "version %q is not supported", v.Value).WithHint("use version: 1")
			}
			version = true
		case "views":
			views = v
		default:
			return nil, p.errf(k.Line, "", "unknown field %q", k.Value).WithHint("the top-level fields are version and views")
		}
	}
	if !version {
		return nil, p.errf(top.Line, "", "missing version").WithHint("begin the file with version: 1")
	}
	if views == nil || views.Tag == "!!null" {
		return s, nil
	}
	if views.Kind != yaml.SequenceNode {
		return nil, p.errf(views.Line, "", "views must be a list")
	}
	if len(views.Content) > MaxViews {
		return nil, p.errf(views.Line, "", "more than %d views", MaxViews)
	}
	seen := map[string]int{}
	for _, n := range views.Content {
		v, err := p.view(n)
		if err != nil {
			return nil, err
		}
		if line, dup := seen[v.id]; dup {
			return nil, p.errf(n.Line, v.id, "duplicate id (first at line %d)", line).WithHint("give every view its own id")
		}
		seen[v.id] = n.Line
		s.views = append(s.views, v)
	}
	return s, nil
}

type parser struct{ file string }

// errf builds an Invalid error that names the file, line and view.
func (p *parser) errf(line int, id, format string, args ...any) *fault.Error {
	where := p.file
	if line > 0 {
		where = fmt.Sprintf("%s:%d", p.file, line)
	}
	if id != "" {
		where += fmt.Sprintf(": view %q", id)
	}
	return fault.E(fault.Invalid, "view: %s: %s", where, fmt.Sprintf(format, args...))
}

// pairs iterates over the keys and values of a mapping node.
func pairs(n *yaml.Node) func(func(k, v *yaml.Node) bool) {
	return func(yield func(k, v *yaml.Node) bool) {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if !yield(n.Content[i], n.Content[i+1]) {
				return
			}
		}
	}
}

// noDuplicates refuses a mapping with a key twice: YAML would keep the
// last, and a second "columns" would silently replace the first.
func (p *parser) noDuplicates(n *yaml.Node, id string) error {
	seen := map[string]bool{}
	for k := range pairs(n) {
		if seen[k.Value] {
			return p.errf(k.Line, id, "field %q given twice", k.Value).WithHint("merge the two into one")
		}
		seen[k.Value] = true
	}
	return nil
}

func (p *parser) view(n *yaml.Node) (*view, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.errf(n.Line, "", "a view must be a mapping with id, when, rows and columns")
	}
	v := &view{line: n.Line}
	if err := p.noDuplicates(n, ""); err != nil {
		return nil, err
	}
	for k, val := range pairs(n) {
		if k.Value == "id" {
			if val.Kind != yaml.ScalarNode || !validID(val.Value) {
				return nil, p.errf(val.Line, "", "bad view id").WithHint("use letters, digits, '-', '_' and '.', at most 128")
			}
			v.id = val.Value
		}
	}
	if v.id == "" {
		return nil, p.errf(n.Line, "", "view without an id").WithHint("give every view an id")
	}
	var err error
	for k, val := range pairs(n) {
		switch k.Value {
		case "id":
		case "description":
			if val.Kind != yaml.ScalarNode {
				return nil, p.errf(val.Line, v.id, "description must be text")
			}
			v.description = val.Value
		case "when":
			v.when, err = p.cel(val, v.id, "when", whenEnv)
		case "rows":
			v.rows, err = p.cel(val, v.id, "rows", rowsEnv)
		case "columns":
			v.rules, err = p.rules(val, v.id)
		default:
			return nil, p.errf(k.Line, v.id, "unknown field %q", k.Value).WithHint("a view's fields are id, description, when, rows and columns")
		}
		if err != nil {
			return nil, err
		}
	}
	return v, nil
}

func validID(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

func (p *parser) cel(n *yaml.Node, id, field string, env envKind) (*program, error) {
	if n.Kind != yaml.ScalarNode || n.Tag == "!!null" || strings.TrimSpace(n.Value) == "" {
		return nil, p.errf(n.Line, id, "%s must be a CEL expression", field)
	}
	prg, err := compile(env, n.Value)
	if err != nil {
		return nil, p.errf(n.Line, id, "%s: %v", field, err).WithHint("%s", hintFor(env))
	}
	return prg, nil
}

func hintFor(env envKind) string {
	if env == whenEnv {
		return "a when condition is a bool over principal, purpose and dataset"
	}
	return "a rows filter is a bool over row, principal, purpose and dataset"
}

func (p *parser) rules(n *yaml.Node, id string) ([]rule, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, p.errf(n.Line, id, "columns must be a list of rules")
	}
	if len(n.Content) > MaxRules {
		return nil, p.errf(n.Line, id, "more than %d column rules", MaxRules)
	}
	var out []rule
	for _, rn := range n.Content {
		r, err := p.rule(rn, id)
		if err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, nil
}

const ruleHint = "a column rule has name, pii or tag (one or a list) and an action"

func (p *parser) rule(n *yaml.Node, id string) (rule, error) {
	r := rule{line: n.Line}
	if n.Kind != yaml.MappingNode {
		return r, p.errf(n.Line, id, "a column rule must be a mapping").WithHint(ruleHint)
	}
	if err := p.noDuplicates(n, id); err != nil {
		return r, err
	}
	hasAction := false
	for k, v := range pairs(n) {
		var err error
		switch k.Value {
		case "name":
			r.names, err = p.list(v, id, "name", validGlob)
		case "pii":
			r.pii, err = p.list(v, id, "pii", validPII)
		case "tag":
			r.tags, err = p.list(v, id, "tag", func(s string) (string, string) { return strings.ToLower(s), "" })
		case "action":
			if v.Kind != yaml.ScalarNode {
				return r, p.errf(v.Line, id, "action must be text such as round(1000)")
			}
			a, perr := mask.Parse(v.Value)
			if perr != nil {
				return r, p.errf(v.Line, id, "%v", perr)
			}
			r.action, hasAction = a, true
		default:
			return r, p.errf(k.Line, id, "unknown field %q in a column rule", k.Value).WithHint(ruleHint)
		}
		if err != nil {
			return r, err
		}
	}
	if !hasAction {
		return r, p.errf(n.Line, id, "column rule without an action").WithHint(ruleHint)
	}
	if len(r.names)+len(r.pii)+len(r.tags) == 0 {
		return r, p.errf(n.Line, id, "column rule that matches no column").WithHint(ruleHint)
	}
	return r, nil
}

// list reads a string or a list of strings, each checked (and normalized)
// by check, which returns the problem or "".
func (p *parser) list(n *yaml.Node, id, field string, check func(string) (string, string)) ([]string, error) {
	items := []*yaml.Node{n}
	if n.Kind == yaml.SequenceNode {
		items = n.Content
	}
	var out []string
	for _, it := range items {
		if it.Kind != yaml.ScalarNode || it.Tag == "!!null" || it.Value == "" {
			return nil, p.errf(it.Line, id, "%s must be text or a list of text", field)
		}
		v, problem := check(it.Value)
		if problem != "" {
			return nil, p.errf(it.Line, id, "%s %q: %s", field, it.Value, problem)
		}
		out = append(out, v)
	}
	return out, nil
}

// globText prepares a name or glob for path.Match: case-insensitive, and
// with '/' made an ordinary character, so that "*" matches every name
// (path.Match's "*" stops at '/', and a column named "a/b" must not escape
// a rule meant for all columns).
func globText(s string) string { return strings.ReplaceAll(strings.ToLower(s), "/", "\x00") }

func validGlob(s string) (string, string) {
	g := globText(s)
	if _, err := path.Match(g, ""); err != nil {
		return "", "bad glob; use *, ? and [...] as in path.Match"
	}
	return g, ""
}

func validPII(s string) (string, string) {
	t := strings.ToUpper(s)
	if !slices.Contains(pii.Types(), t) {
		return "", "unknown PII type; use one of " + strings.Join(pii.Types(), ", ")
	}
	return t, ""
}

// yamlMessage keeps the first line of a YAML error, which names the line.
func yamlMessage(err error) string {
	msg, _, _ := strings.Cut(err.Error(), "\n")
	return strings.TrimPrefix(msg, "yaml: ")
}
