// Package policy decides who may do what with which dataset, for which
// purpose, with Cedar (github.com/cedar-policy/cedar-go), and explains
// each decision rule by rule.
//
//	Starter()           -> the files "coffer init" writes to policies/
//	Load(dir), Parse(m) -> *Set (parsed, each policy validated against Schema())
//	(*Set).Decide(req)  -> Decision{Allow, Permits, Forbids, Errors}
//	(*Set).Explain(req) -> Explanation: every policy, its scope, each clause,
//	                       the values it read, and the decision
//
// A Request is a Principal (id, role, department, clearance, groups), an
// action (read, write, delete, export, admin), a Resource (a dataset
// version with owner, department, classification, required clearance,
// tags, PII types and allowed groups, or the vault itself) and a context
// (purpose, time, authentication). Decide maps it onto coffer's Cedar
// schema (coffer.cedarschema) and asks Cedar. docs/policy.md describes the
// schema, the starter rules and how to change them.
//
// # Security
//
// Default deny: a request is allowed only when a permit policy applies and
// no forbid policy does. A permit that fails to evaluate is skipped (as
// Cedar does); a forbid that fails to evaluate denies, where Cedar would
// skip it, so a broken forbid fails closed. A malformed request
// (unknown action, missing principal id, unknown classification, a
// dataset action on the vault) is denied without evaluating any policy.
// The required clearance Decide uses is never below the default of the
// dataset's classification (DefaultClearance), so a missing clearance in
// the catalog cannot lower it.
//
// Load and Parse refuse the whole set when any file fails: a syntax error,
// a policy without a unique @id, or anything the schema does not know
// (entity type, action, attribute, context field, type mismatch), each
// named by file:line. Files are bounded (1 MiB each, 1000 files).
//
// The starter set trusts Principal.Role: role "operator" is permitted
// everything, so callers must give that role only to the local operator
// (the CLI without --as) and refuse it for principals in the catalog.
// Decisions and explanations carry ids, roles, departments, purposes,
// groups, tags and PII type names, never data values, so they are safe to
// audit and log.
package policy
