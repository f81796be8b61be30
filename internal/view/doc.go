// Package view decides what a permitted reader sees of a dataset and
// streams exactly that: row filters in CEL (github.com/google/cel-go,
// compiled once per file, evaluated per row) and column actions from
// package mask, chosen by column name, PII type or tag, from a validated
// YAML view file (docs/views.md).
//
//	set, err := view.Load(filepath.Join(vaultDir, "views.yaml"))
//	plan, err := set.Plan(subject, purpose, dataset, view.Options{HashKey: k})
//	plan.Views(), plan.Describe()                    // for explain and audit
//	if plan.Identity() { /* stream the stored bytes */ }
//	stats, err := plan.Apply(ctx, reader, w)         // same format out
//
// # Composition
//
// Every view whose when condition holds applies. Their row filters are
// ANDed; per column, their actions combine with mask.Combine into one
// that reveals no more than each (drop > null > redact > hash >
// partial/round/bin; see package mask). So adding a view can only hide
// more, never less.
//
// # Security
//
// view fails closed. A row filter that cannot be evaluated on a row (a
// type error, a value that is not a bool) withholds the row and counts it
// in Stats.RowsFailed. A when condition that cannot be evaluated applies
// its view. A cell that round or bin cannot read is written as null. A
// view file with any error is refused whole: an unknown field, action,
// PII type or principal/dataset field, a bad glob or parameter, CEL that
// does not compile or is not a bool. Errors, notes and Stats name files,
// lines, views, columns and actions, never cell values or the hash key.
//
// It does not promise: that the column list the vault passes in
// Dataset.Columns is complete (a column missing from it is matched by
// name only); bounded CPU per row for an expensive filter an
// administrator wrote (CEL is not Turing complete, but a regular
// expression over a 16 MiB cell is slow); or anonymity (see package
// mask).
package view
