package classify

import (
	"path"
	"slices"
	"strings"
	"sync"

	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/pii"
)

// Input is what a classification looks at.
type Input struct {
	// Declared is the level the owner declared, or "" for none (the
	// rules' default applies).
	Declared string
	// Labels are tags the owner declared ("health", "financial").
	Labels []string
	// Columns are the scan results of the dataset.
	Columns []pii.ColumnResult
}

// Decision is a classification and why: the level, whether the scan
// raised it above what was declared, every rule that fired (with the
// column and type or label that fired it, never a value), and the
// controls the level requires.
type Decision struct {
	Level    string   `json:"level"`
	Declared string   `json:"declared,omitempty"`
	Raised   bool     `json:"raised"`
	Rules    []string `json:"rules"` // ids of the fired rules at Level: what set it
	Reasons  []Reason `json:"reasons,omitempty"`
	Controls []string `json:"controls"`
}

// Reason is one thing that fired a rule.
type Reason struct {
	Rule   string `json:"rule"`
	Level  string `json:"level"`
	Column string `json:"column,omitempty"`
	Type   string `json:"type,omitempty"`
	Label  string `json:"label,omitempty"`
}

var defaults = sync.OnceValues(func() (*Rules, error) { return Parse(DefaultRules) })

// Default returns DefaultRules, parsed.
func Default() *Rules {
	r, err := defaults()
	if err != nil {
		panic("classify: DefaultRules do not parse: " + err.Error())
	}
	return r
}

// Classify classifies scan results under the default rules.
func Classify(declared string, results []pii.ColumnResult) (Decision, error) {
	return Default().Classify(declared, results)
}

// Classify classifies scan results with a declared level ("" for none).
func (r *Rules) Classify(declared string, results []pii.ColumnResult) (Decision, error) {
	return r.Decide(Input{Declared: declared, Columns: results})
}

// Decide classifies in: the highest of the declared level (or the
// default) and the levels of every rule that fires. It fails only for a
// declared level that is not one of Levels.
func (r *Rules) Decide(in Input) (Decision, error) {
	base := in.Declared
	if base == "" {
		base = r.Default
	} else if Rank(base) < 0 {
		return Decision{}, fault.E(fault.Invalid, "classify: declared level %q is unknown", base).
			WithHint("use one of %s", strings.Join(Levels, ", "))
	}
	d := Decision{Level: base, Declared: in.Declared}
	for _, rule := range r.Rules {
		d.Reasons = append(d.Reasons, rule.fire(in)...)
	}
	for _, why := range d.Reasons {
		if Rank(why.Level) > Rank(d.Level) {
			d.Level = why.Level
		}
	}
	for _, why := range d.Reasons {
		if why.Level == d.Level && !slices.Contains(d.Rules, why.Rule) {
			d.Rules = append(d.Rules, why.Rule)
		}
	}
	d.Raised = in.Declared != "" && Rank(d.Level) > Rank(in.Declared)
	for _, l := range r.Levels[:Rank(d.Level)+1] {
		d.Controls = append(d.Controls, l.Controls...)
	}
	return d, nil
}

// fire returns the reasons rule fires on in, none if it does not.
func (rule *Rule) fire(in Input) []Reason {
	var out []Reason
	for _, l := range in.Labels {
		if slices.Contains(rule.Labels, strings.ToLower(strings.TrimSpace(l))) {
			out = append(out, Reason{Rule: rule.ID, Level: rule.Level, Label: l})
		}
	}
	for _, c := range in.Columns {
		if rule.nameMatches(c.Name) {
			out = append(out, Reason{Rule: rule.ID, Level: rule.Level, Column: c.Name})
		}
		for _, t := range c.Types {
			if slices.Contains(rule.Types, t.Type) && t.Share >= rule.MinShare && t.Confidence >= rule.MinConfidence {
				out = append(out, Reason{Rule: rule.ID, Level: rule.Level, Column: c.Name, Type: t.Type})
			}
		}
	}
	return out
}

func (rule *Rule) nameMatches(name string) bool {
	n := strings.ToLower(name)
	for _, g := range rule.ColumnNames {
		if ok, _ := path.Match(strings.ToLower(g), n); ok {
			return true
		}
	}
	return false
}
