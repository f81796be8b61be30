package quality

// Profile is what a put learns about a tabular version in the pass that
// stores it. It is stored with the version as JSON.
type Profile struct {
	Rows int64 `json:"rows"`
	// DuplicateRows counts rows equal, cell for cell, to an earlier row.
	DuplicateRows int64    `json:"duplicate_rows"`
	Columns       []Column `json:"columns"`
	// OmittedColumns counts columns past Options.MaxColumns: counted in
	// Rows and duplicates, not profiled.
	OmittedColumns int `json:"omitted_columns,omitempty"`
	// Rules are the value-level counts the dataset's checks asked for
	// (values in a set, pattern matches, outliers).
	Rules []RuleCount `json:"rules,omitempty"`
}

// Column is the profile of one column.
type Column struct {
	Name string `json:"name"`
	// Type is the inferred type: the most common type of the non-null
	// values (int and float together make float): int, float, bool, date,
	// timestamp, string, json, or "empty" when every value is missing.
	Type string `json:"type"`
	// Types counts the non-null values of each type.
	Types map[string]int64 `json:"types,omitempty"`
	// Values counts non-null values; Missing the nulls and empty strings.
	Values       int64   `json:"values"`
	Missing      int64   `json:"missing"`
	Completeness float64 `json:"completeness"` // Values / rows
	// Distinct is the HyperLogLog estimate of distinct non-null values
	// (relative standard error 1.63 %); Uniqueness is Distinct / Values.
	Distinct   int64   `json:"distinct"`
	Uniqueness float64 `json:"uniqueness"`
	// Conformance is the share of non-null values that are of Type (an
	// int conforms to float).
	Conformance float64 `json:"conformance"`
	// Numeric statistics over the int and float values (exact, but
	// integers beyond 2^53 lose precision), with KLL quantiles.
	Numeric *Numeric `json:"numeric,omitempty"`
	// MinTime and MaxTime span the date and timestamp values (RFC 3339).
	MinTime string `json:"min_time,omitempty"`
	MaxTime string `json:"max_time,omitempty"`
	// MinLength and MaxLength of the values' text, in bytes.
	MinLength int `json:"min_length"`
	MaxLength int `json:"max_length"`
	// Top holds the most common values of a column with at most TopCap
	// distinct values, most common first (at most TopShown).
	Top []ValueCount `json:"top,omitempty"`
	// Redacted: the PII scan found personal data in this column, so the
	// profile keeps no values from it (no Top, Numeric, MinTime, MaxTime).
	Redacted bool `json:"redacted,omitempty"`
}

// Numeric holds the statistics of a column's numeric values.
type Numeric struct {
	Count  int64   `json:"count"`
	Min    float64 `json:"min"`
	Max    float64 `json:"max"`
	Mean   float64 `json:"mean"`
	StdDev float64 `json:"stddev"` // population standard deviation
	// Overflow: the values are so large (near the float64 limit) that
	// their mean or standard deviation cannot be computed; both are then
	// 0 and checks on them fail.
	Overflow  bool       `json:"overflow,omitempty"`
	Quantiles []Quantile `json:"quantiles"`
}

// Quantile is the estimated value at rank Q (normalized rank error about
// KLLRankError).
type Quantile struct {
	Q     float64 `json:"q"`
	Value float64 `json:"value"`
}

// ValueCount is a value and how often it occurs.
type ValueCount struct {
	Value string `json:"value"`
	Count int64  `json:"count"`
}

// RuleCount is the outcome of one value-level rule.
type RuleCount struct {
	ID      string `json:"id"` // the check's id
	Column  string `json:"column"`
	Checked int64  `json:"checked"` // non-null values looked at
	// Matched counts values in the set or matching the pattern, or the
	// outliers.
	Matched int64 `json:"matched"`
	// Estimated: outlier counts from the quantile sketch once it has
	// compacted (error about KLLRankError times Checked).
	Estimated bool `json:"estimated,omitempty"`
}

// Quantile ranks a profile reports.
var QuantileRanks = []float64{0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99}

// Column returns the column named name, or nil.
func (p *Profile) Column(name string) *Column {
	for i := range p.Columns {
		if p.Columns[i].Name == name {
			return &p.Columns[i]
		}
	}
	return nil
}

// Rule returns the count of rule id, or nil.
func (p *Profile) Rule(id string) *RuleCount {
	for i := range p.Rules {
		if p.Rules[i].ID == id {
			return &p.Rules[i]
		}
	}
	return nil
}

// Redact removes every value-derived field of the named columns: they
// hold personal data, and the profile is stored in the catalog in clear.
func (p *Profile) Redact(columns map[string]bool) {
	for i := range p.Columns {
		c := &p.Columns[i]
		if columns[c.Name] {
			c.Top, c.Numeric, c.MinTime, c.MaxTime, c.Redacted = nil, nil, "", "", true
		}
	}
}
