package classify

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"io"
	"path"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/pii"
)

// The classification levels, least sensitive first.
const (
	Public       = "public"
	Internal     = "internal"
	Confidential = "confidential"
	Restricted   = "restricted"
)

// Levels lists the levels, least sensitive first.
var Levels = []string{Public, Internal, Confidential, Restricted}

// Rank returns the position of level in Levels, or -1.
func Rank(level string) int { return slices.Index(Levels, level) }

// DefaultRules is the rules file that "coffer init" writes; Parse
// accepts it. docs/classification.md explains it.
//
//go:embed default.yaml
var DefaultRules []byte

// Rules is a parsed, valid rules file.
type Rules struct {
	Version int     `yaml:"version"`
	Default string  `yaml:"default"`
	Levels  []Level `yaml:"levels"`
	Rules   []Rule  `yaml:"rules,omitempty"`
}

// Level names a level and the controls it adds to those of the levels
// below it.
type Level struct {
	Name     string   `yaml:"name"`
	Controls []string `yaml:"controls,omitempty,flow"`
}

// Rule raises a dataset to Level when any of its conditions holds.
type Rule struct {
	ID          string `yaml:"id"`
	Level       string `yaml:"level"`
	Description string `yaml:"description,omitempty"`
	// Types are pii types; a column holding one of them, with at least
	// MinShare of its non-empty values and MinConfidence, fires the rule.
	Types         []string `yaml:"types,omitempty,flow"`
	MinShare      float64  `yaml:"min_share,omitempty"`
	MinConfidence float64  `yaml:"min_confidence,omitempty"`
	// Labels fire the rule when the dataset carries one of them.
	Labels []string `yaml:"labels,omitempty,flow"`
	// ColumnNames are case-insensitive globs (path.Match syntax) on
	// column names, for fields no recognizer finds ("diagnosis").
	ColumnNames []string `yaml:"column_names,omitempty,flow"`
}

// maxRulesSize bounds the rules file read before parsing.
const maxRulesSize = 1 << 20

// Parse reads a rules file. It rejects unknown fields, unknown levels and
// types, duplicate rule ids, thresholds outside [0, 1], bad globs and
// anything but exactly one YAML document.
func Parse(b []byte) (*Rules, error) {
	if len(b) > maxRulesSize {
		return nil, fault.E(fault.Invalid, "classify: rules file is %d bytes, more than %d", len(b), maxRulesSize)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var r Rules
	if err := dec.Decode(&r); err != nil {
		return nil, fault.Wrap(fault.Invalid, err, "classify: rules file")
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return nil, fault.E(fault.Invalid, "classify: rules file holds more than one YAML document")
	}
	r.normalize()
	if err := r.validate(); err != nil {
		return nil, err
	}
	return &r, nil
}

// normalize makes empty lists nil, so that a file and its Marshal parse
// to equal Rules.
func (r *Rules) normalize() {
	nilIfEmpty := func(s []string) []string {
		if len(s) == 0 {
			return nil
		}
		return s
	}
	if len(r.Rules) == 0 {
		r.Rules = nil
	}
	for i := range r.Levels {
		r.Levels[i].Controls = nilIfEmpty(r.Levels[i].Controls)
	}
	for i := range r.Rules {
		rule := &r.Rules[i]
		rule.Types, rule.Labels, rule.ColumnNames = nilIfEmpty(rule.Types), nilIfEmpty(rule.Labels), nilIfEmpty(rule.ColumnNames)
	}
}

// Marshal writes r as YAML that Parse reads back to an equal Rules.
func (r *Rules) Marshal() ([]byte, error) { return yaml.Marshal(r) }

func invalid(format string, args ...any) error {
	return fault.E(fault.Invalid, "classify: "+format, args...).
		WithHint("see docs/classification.md for the rules file format")
}

func (r *Rules) validate() error {
	if r.Version != 1 {
		return invalid("rules version %d is not supported (want 1)", r.Version)
	}
	if Rank(r.Default) < 0 {
		return invalid("default level %q is unknown", r.Default)
	}
	if len(r.Levels) != len(Levels) {
		return invalid("levels must list %s, in that order", strings.Join(Levels, ", "))
	}
	for i, l := range r.Levels {
		if l.Name != Levels[i] {
			return invalid("level %d is %q, want %q (levels are %s, in that order)", i+1, l.Name, Levels[i], strings.Join(Levels, ", "))
		}
		for _, c := range l.Controls {
			if strings.TrimSpace(c) == "" {
				return invalid("level %q has an empty control", l.Name)
			}
		}
	}
	ids := map[string]bool{}
	for i, rule := range r.Rules {
		if err := rule.validate(); err != nil {
			return fault.Wrap(fault.Invalid, err, "classify: rule %d", i+1)
		}
		if ids[rule.ID] {
			return invalid("rule id %q appears twice", rule.ID)
		}
		ids[rule.ID] = true
	}
	return nil
}

func (r *Rule) validate() error {
	if !validID(r.ID) {
		return fmt.Errorf("id %q: use 1-64 lower-case letters, digits and '-'", r.ID)
	}
	if Rank(r.Level) < 0 {
		return fmt.Errorf("%s: level %q is unknown", r.ID, r.Level)
	}
	if len(r.Types)+len(r.Labels)+len(r.ColumnNames) == 0 {
		return fmt.Errorf("%s: no types, labels or column_names: the rule could never fire", r.ID)
	}
	known := pii.Types()
	for _, t := range r.Types {
		if !slices.Contains(known, t) {
			return fmt.Errorf("%s: type %q is unknown (known: %s)", r.ID, t, strings.Join(known, ", "))
		}
	}
	if !(r.MinShare >= 0 && r.MinShare <= 1) || !(r.MinConfidence >= 0 && r.MinConfidence <= 1) {
		return fmt.Errorf("%s: min_share and min_confidence must be between 0 and 1", r.ID)
	}
	for _, l := range r.Labels {
		if l == "" || l != strings.ToLower(strings.TrimSpace(l)) {
			return fmt.Errorf("%s: label %q: use lower case without surrounding spaces", r.ID, l)
		}
	}
	for _, g := range r.ColumnNames {
		if _, err := path.Match(strings.ToLower(g), ""); err != nil || g == "" {
			return fmt.Errorf("%s: column name pattern %q is not a valid glob", r.ID, g)
		}
	}
	return nil
}

func validID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z') && !(c >= '0' && c <= '9') && c != '-' {
			return false
		}
	}
	return true
}
