// Package quality profiles tabular data as it streams past and checks the
// profile against a dataset's rules: the data-quality half of put.
//
// API:
//
//	NewProfiler(Options)                  -> *Profiler
//	  AddColumn(i, name); Observe(i, value, text); EndRow(); Profile() -> *Profile
//	ParseChecks(file, bytes)              -> *Checks (version: 1 YAML)
//	Evaluate(checks, profile, prev, now)  -> Report{Passed, Results}
//
// A Profiler holds bounded memory whatever the number of rows: per column
// a HyperLogLog sketch (4 KiB, relative standard error 1.63 %), a KLL
// quantile sketch of the numeric values (k = 200, rank error about
// 1.65 %), running shifted sums for the mean and variance, exact minimum and maximum,
// and exact counts of at most TopCap distinct values (dropped past that).
// Exact duplicate rows are counted from 128-bit row hashes held in memory
// up to half of Options.DedupBudget (the sort takes the other half), then
// spilled as sorted runs to unnamed
// temporary files and merged. docs/quality.md states every metric and its
// error bound.
//
// # Security
//
// A Profile is stored in the catalog in clear. It holds values of the data
// (top values, minimum and maximum, quantiles, time spans); Profile.Redact
// removes them from the columns the PII scan flagged, and the vault calls
// it before a profile is stored or shown. Check files are parsed with
// bounded size; their errors name the file and line, never a data value.
// Regular expressions are Go's RE2: linear time on every value.
package quality
