package view

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"

	"github.com/coffer-vault/coffer/internal/tabular"
)

// Subject is the reader a plan is made for: the attributes of the
// authenticated principal, as CEL sees them in principal.id,
// principal.role, principal.department, principal.clearance and
// principal.groups.
type Subject struct {
	ID         string
	Role       string
	Department string
	Clearance  int
	Groups     []string
}

// Column is what the vault knows about a column before reading it: its
// name, the PII types the version's scan found in it ("EMAIL",
// "PERSON": package pii's names) and the tags its owner gave it. Column
// rules match on these.
type Column struct {
	Name     string
	PIITypes []string
	Tags     []string
}

// Dataset is the dataset version being read, as CEL sees it in
// dataset.name, dataset.classification and dataset.tags. Columns should
// list every column of the version: a column the reader finds that is
// not in it (a JSON Lines key the scan did not report) is matched by
// name rules only.
type Dataset struct {
	Name           string
	Classification string
	Tags           map[string]string
	Columns        []Column
}

// Options are what the vault gives a plan besides the request.
type Options struct {
	// HashKey is the 32-byte vault key for the hash action
	// (HMAC-SHA256). Plan fails when a hash applies and the key is
	// missing. The key is never logged or put in an error.
	HashKey []byte
}

// Set is a parsed, validated view file: every CEL expression in it is
// compiled. A Set is immutable and safe for concurrent use; the zero
// (empty) Set applies no view.
type Set struct {
	file  string
	views []*view
}

// IDs returns the ids of the views in the file, in file order.
func (s *Set) IDs() []string {
	ids := make([]string, len(s.views))
	for i, v := range s.views {
		ids[i] = v.id
	}
	return ids
}

// Plan is what one reader sees of one dataset version: the views whose
// condition holds, their row filters (all must pass) and, per column, the
// combination of their column actions. A Plan is made per request and
// does not change: Apply may run on several streams, concurrently.
type Plan struct {
	views   []string
	notes   []string
	filters []*filter
	rules   []boundRule // the rules of the views that apply, in order
	known   map[string]Column
	ds      Dataset
	key     *secretKey // behind a pointer: fmt prints a nested pointer as an address
	act     activation
}

// secretKey holds the hash key. It prints as REDACTED, and a Plan holds
// it through a pointer, so that a Plan given to fmt or a logger by
// mistake does not leak it.
type secretKey struct{ b []byte }

func (*secretKey) Format(f fmt.State, _ rune) { fmt.Fprint(f, "REDACTED") }
func (*secretKey) LogValue() slog.Value       { return slog.StringValue("REDACTED") }

// bytes returns the key, or nil.
func (k *secretKey) bytes() []byte {
	if k == nil {
		return nil
	}
	return k.b
}

// Views returns the ids of the views that apply, in file order.
func (p *Plan) Views() []string { return slices.Clone(p.views) }

// Notes returns remarks for explain, such as a view applied because its
// condition could not be evaluated (fail closed). They name views and
// fields, never values.
func (p *Plan) Notes() []string { return slices.Clone(p.notes) }

// Identity reports whether the plan filters no rows and masks no column:
// no view applies, or those that apply have neither a row filter nor a
// column rule. The caller may then stream the stored bytes unchanged.
// A view whose rules match none of Dataset.Columns still makes Identity
// false: the columns are only known for sure when the data is read, and
// a column the catalog missed must not escape a name rule.
func (p *Plan) Identity() bool { return len(p.filters) == 0 && len(p.rules) == 0 }

// ColumnAction says what a plan does to one column, for explain.
type ColumnAction struct {
	Column string   `json:"column"`
	Action string   `json:"action"` // "drop", "redact", "partial(4)", "round(1000)", "bin(0, 18, 65)", ...
	Views  []string `json:"views"`  // ids of the views whose rules decided it
}

// Describe returns the action on each column of the Dataset that the
// plan changes, in column order, after one entry with Column "" and
// Action "filter" per view that filters rows.
func (p *Plan) Describe() []ColumnAction {
	var out []ColumnAction
	for _, f := range p.filters {
		out = append(out, ColumnAction{Action: "filter", Views: []string{f.view}})
	}
	for _, c := range p.ds.Columns {
		if a, views := p.decide(c); a.Kind != 0 {
			out = append(out, ColumnAction{Column: c.Name, Action: a.String(), Views: views})
		}
	}
	return out
}

// Stats count what Apply withheld and changed. They name columns and
// actions, never values, and are safe to audit.
type Stats struct {
	RowsRead     int64 `json:"rows_read"`
	RowsWritten  int64 `json:"rows_written"`
	RowsWithheld int64 `json:"rows_withheld"` // by the row filters, RowsFailed included
	// RowsFailed counts rows withheld because a filter could not be
	// evaluated on them (a type error, a missing key, not a bool): the
	// filter fails closed.
	RowsFailed int64 `json:"rows_failed"`
	// CellsNulled counts cells an action could not transform (round or
	// bin of text that is not a number), written as null instead.
	CellsNulled int64             `json:"cells_nulled"`
	Dropped     []string          `json:"dropped,omitempty"` // columns not written
	Masked      map[string]string `json:"masked,omitempty"`  // column -> action
}

// Apply streams the rows of r to dst in r's format and dialect: it
// withholds the rows a filter rejects, masks and drops columns, and
// writes the rest. Memory is bounded by one row (plus the format's
// writer buffers: a Parquet row group). It stops when ctx is done. On an
// error dst may hold a partial result: the caller must discard it.
func (p *Plan) Apply(ctx context.Context, r tabular.Reader, dst io.Writer) (Stats, error) {
	return p.apply(ctx, r, dst)
}
