package quality

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// MaxChecksFile bounds a checks file.
const MaxChecksFile = 1 << 20

// Checks is a parsed checks file: what every new version of a dataset
// must pass (docs/quality.md).
type Checks struct {
	Checks []Check `json:"checks"`
}

// Check is one check. Which fields apply depends on Type.
type Check struct {
	ID     string `json:"id"` // name: from the file, else TYPE#N
	Type   string `json:"check"`
	Column string `json:"column,omitempty"`
	Line   int    `json:"line"`
	// Min and Max bound the checked value (inclusive); nil: unbounded.
	Min *float64 `json:"min,omitempty"`
	Max *float64 `json:"max,omitempty"`
	// Values of values_in; Pattern of pattern; MinShare of both (default 1).
	Values   []string `json:"values,omitempty"`
	Pattern  string   `json:"pattern,omitempty"`
	MinShare float64  `json:"min_share,omitempty"`
	// MaxAge of freshness.
	MaxAge time.Duration `json:"max_age,omitempty"`
	// Method (iqr or zscore) and Factor of outliers.
	Method string  `json:"method,omitempty"`
	Factor float64 `json:"factor,omitempty"`

	re *regexp.Regexp
}

// checkSpec says which keys a check type takes and needs.
type checkSpec struct {
	column  bool     // needs column
	bounded bool     // needs min or max
	keys    []string // other keys allowed
	what    string   // for help
}

var specs = map[string]checkSpec{
	"row_count":         {bounded: true, what: "number of rows"},
	"duplicate_count":   {bounded: true, what: "rows equal to an earlier row"},
	"missing_count":     {column: true, bounded: true, what: "nulls and empty values in column"},
	"completeness":      {column: true, bounded: true, what: "share of non-missing values in column (0..1)"},
	"distinct_count":    {column: true, bounded: true, what: "approximate distinct values in column"},
	"uniqueness":        {column: true, bounded: true, what: "distinct / non-missing values in column (0..1)"},
	"conformance":       {column: true, bounded: true, what: "share of values of the column's inferred type (0..1)"},
	"min":               {column: true, bounded: true, what: "smallest numeric value in column"},
	"max":               {column: true, bounded: true, what: "largest numeric value in column"},
	"avg":               {column: true, bounded: true, what: "mean of the numeric values in column"},
	"stddev":            {column: true, bounded: true, what: "standard deviation of the numeric values in column"},
	"values_in":         {column: true, keys: []string{"values", "min_share"}, what: "share of values in a set"},
	"pattern":           {column: true, keys: []string{"regex", "min_share"}, what: "share of values matching a regular expression"},
	"freshness":         {column: true, keys: []string{"max_age"}, what: "age of the newest date or timestamp in column"},
	"row_count_change":  {keys: []string{"max_percent"}, what: "row count change against the latest accepted version, in %"},
	"completeness_drop": {column: true, keys: []string{"max_drop"}, what: "completeness drop against the latest accepted version (0..1)"},
	"mean_shift":        {column: true, keys: []string{"max_z"}, what: "mean shift against the latest accepted version, in its standard deviations"},
	"outliers":          {column: true, bounded: true, keys: []string{"method", "factor"}, what: "numeric values outside the IQR or z-score fences"},
}

// CheckTypes lists the check types, sorted.
func CheckTypes() []string {
	var ts []string
	for t := range specs {
		ts = append(ts, t)
	}
	slices.Sort(ts)
	return ts
}

// ParseChecks parses a checks file; file names it in errors, which read
// "file:line: what is wrong; what to do".
func ParseChecks(file string, b []byte) (*Checks, error) {
	if len(b) > MaxChecksFile {
		return nil, fmt.Errorf("%s: larger than %d bytes; split the checks or remove some", file, MaxChecksFile)
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(b))
	err := dec.Decode(&doc)
	if errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("%s: empty; start it with version: 1 and a list of checks (docs/quality.md)", file)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: not YAML: %s; fix the syntax (docs/quality.md has examples)", file, strings.TrimPrefix(err.Error(), "yaml: "))
	}
	if len(doc.Content) != 1 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s:%d: want a mapping with version: 1 and checks:; see docs/quality.md", file, doc.Line)
	}
	p := parser{file: file}
	return p.top(doc.Content[0])
}

type parser struct{ file string }

func (p *parser) errf(n *yaml.Node, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", p.file, n.Line, fmt.Sprintf(format, args...))
}

func (p *parser) top(m *yaml.Node) (*Checks, error) {
	var version, list *yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		k, v := m.Content[i], m.Content[i+1]
		switch k.Value {
		case "version":
			version = v
		case "checks":
			list = v
		default:
			return nil, p.errf(k, "unknown key %q; a checks file has version: and checks:", k.Value)
		}
	}
	if version == nil || version.Value != "1" || version.Kind != yaml.ScalarNode {
		return nil, p.errf(m, "version: 1 is missing or not 1; start the file with version: 1")
	}
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil, p.errf(m, "checks: must be a list; e.g. checks: [{check: row_count, min: 1}]")
	}
	cs := &Checks{}
	ids := map[string]int{}
	for i, n := range list.Content {
		c, err := p.check(n, i+1)
		if err != nil {
			return nil, err
		}
		if line, dup := ids[c.ID]; dup {
			return nil, p.errf(n, "check name %q is used on line %d too; give each check its own name", c.ID, line)
		}
		ids[c.ID] = c.Line
		cs.Checks = append(cs.Checks, c)
	}
	return cs, nil
}

func (p *parser) check(n *yaml.Node, idx int) (Check, error) {
	c := Check{Line: n.Line, MinShare: 1}
	if n.Kind != yaml.MappingNode {
		return c, p.errf(n, "each check is a mapping with check: TYPE; e.g. - check: row_count")
	}
	vals := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if _, dup := vals[k.Value]; dup {
			return c, p.errf(k, "key %q given twice; keep one", k.Value)
		}
		vals[k.Value] = n.Content[i+1]
	}
	tn, ok := vals["check"]
	if !ok {
		return c, p.errf(n, "check: TYPE is missing; one of %s", strings.Join(CheckTypes(), ", "))
	}
	spec, ok := specs[tn.Value]
	if !ok || tn.Kind != yaml.ScalarNode {
		return c, p.errf(tn, "unknown check %q; use one of %s", tn.Value, strings.Join(CheckTypes(), ", "))
	}
	c.Type = tn.Value
	allowed := map[string]bool{"check": true, "name": true}
	if spec.column {
		allowed["column"] = true
	}
	if spec.bounded {
		allowed["min"], allowed["max"] = true, true
	}
	for _, k := range spec.keys {
		allowed[k] = true
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		if !allowed[k.Value] {
			return c, p.errf(k, "%s takes no key %q; it takes %s", c.Type, k.Value, keyList(allowed))
		}
	}
	var err error
	if c.ID, err = p.str(vals["name"], ""); err != nil {
		return c, err
	}
	if c.Column, err = p.str(vals["column"], ""); err != nil {
		return c, err
	}
	if spec.column && c.Column == "" {
		return c, p.errf(n, "%s needs column: NAME", c.Type)
	}
	if c.ID == "" {
		c.ID = fmt.Sprintf("%s#%d", c.Type, idx)
	}
	if c.Min, err = p.num(vals["min"]); err != nil {
		return c, err
	}
	if c.Max, err = p.num(vals["max"]); err != nil {
		return c, err
	}
	if spec.bounded && c.Min == nil && c.Max == nil {
		return c, p.errf(n, "%s needs min:, max: or both (the bounds of the %s)", c.Type, spec.what)
	}
	if c.Min != nil && c.Max != nil && *c.Min > *c.Max {
		return c, p.errf(n, "min %v is above max %v; swap them", *c.Min, *c.Max)
	}
	return c, p.extra(&c, vals, n)
}

// extra reads the keys particular to a check type.
func (p *parser) extra(c *Check, vals map[string]*yaml.Node, n *yaml.Node) error {
	var err error
	if v := vals["min_share"]; v != nil {
		f, err := p.num(v)
		if err != nil {
			return err
		}
		if *f < 0 || *f > 1 {
			return p.errf(v, "min_share must be between 0 and 1")
		}
		c.MinShare = *f
	}
	switch c.Type {
	case "values_in":
		v := vals["values"]
		if v == nil || v.Kind != yaml.SequenceNode || len(v.Content) == 0 {
			return p.errf(n, "values_in needs values: [A, B, ...], a non-empty list")
		}
		for _, x := range v.Content {
			if x.Kind != yaml.ScalarNode {
				return p.errf(x, "values must be plain values, not lists or mappings")
			}
			c.Values = append(c.Values, x.Value)
		}
	case "pattern":
		if c.Pattern, err = p.str(vals["regex"], ""); err != nil {
			return err
		}
		if c.Pattern == "" {
			return p.errf(n, "pattern needs regex: '^...$' (Go RE2 syntax)")
		}
		if c.re, err = regexp.Compile(c.Pattern); err != nil {
			return p.errf(vals["regex"], "regex does not compile: %v; use Go RE2 syntax", err)
		}
	case "freshness":
		v := vals["max_age"]
		s, err := p.str(v, "")
		if err != nil {
			return err
		}
		if c.MaxAge, err = parseAge(s); err != nil {
			return p.errf(n, "freshness needs max_age: like 36h, 7d or 90m")
		}
	case "row_count_change", "completeness_drop", "mean_shift":
		key := map[string]string{"row_count_change": "max_percent", "completeness_drop": "max_drop", "mean_shift": "max_z"}[c.Type]
		f, err := p.num(vals[key])
		if err != nil {
			return err
		}
		if f == nil || *f < 0 {
			return p.errf(n, "%s needs %s: a number >= 0", c.Type, key)
		}
		c.Max = f
	case "outliers":
		if c.Method, err = p.str(vals["method"], "iqr"); err != nil {
			return err
		}
		def := map[string]float64{"iqr": 1.5, "zscore": 3}
		d, ok := def[c.Method]
		if !ok {
			return p.errf(vals["method"], "method must be iqr or zscore")
		}
		f, err := p.num(vals["factor"])
		if err != nil {
			return err
		}
		c.Factor = d
		if f != nil {
			if *f <= 0 {
				return p.errf(vals["factor"], "factor must be above 0")
			}
			c.Factor = *f
		}
	}
	return nil
}

func (p *parser) str(n *yaml.Node, def string) (string, error) {
	if n == nil {
		return def, nil
	}
	if n.Kind != yaml.ScalarNode {
		return "", p.errf(n, "want a plain value here")
	}
	return n.Value, nil
}

func (p *parser) num(n *yaml.Node) (*float64, error) {
	if n == nil {
		return nil, nil
	}
	f, err := strconv.ParseFloat(n.Value, 64)
	if n.Kind != yaml.ScalarNode || err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return nil, p.errf(n, "want a number, got %q", truncate(n.Value, 40))
	}
	return &f, nil
}

// parseAge reads a Go duration or a number of days ("7d").
func parseAge(s string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.ParseFloat(d, 64)
		if err != nil || n <= 0 || n > 1e5 {
			return 0, fmt.Errorf("bad age")
		}
		return time.Duration(n * float64(24*time.Hour)), nil
	}
	dur, err := time.ParseDuration(s)
	if err != nil || dur <= 0 {
		return 0, fmt.Errorf("bad age")
	}
	return dur, nil
}

func keyList(m map[string]bool) string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return strings.Join(ks, ", ")
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// Rules returns the value-level rules the profiler must count for these
// checks.
func (cs *Checks) Rules() []Rule {
	var rs []Rule
	for _, c := range cs.Checks {
		r := Rule{ID: c.ID, Column: c.Column}
		switch c.Type {
		case "values_in":
			r.In = map[string]bool{}
			for _, v := range c.Values {
				r.In[v] = true
			}
		case "pattern":
			r.Regex = c.re
		case "outliers":
			if c.Method == "iqr" {
				r.IQR = c.Factor
			} else {
				r.Z = c.Factor
			}
		default:
			continue
		}
		rs = append(rs, r)
	}
	return rs
}
