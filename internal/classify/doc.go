// Package classify maps what a scan found, and what an owner declared, to
// one of four sensitivity levels (public, internal, confidential,
// restricted) and the controls that level requires, by a rules file:
// DefaultRules is the one "coffer init" writes, Parse reads any, and
// docs/classification.md explains the format.
//
//	Parse(b) -> *Rules               (strict: unknown fields, levels, types fail)
//	(*Rules).Decide(Input)           -> Decision{Level, Rules, Reasons, Controls}
//	(*Rules).Classify(declared, res) -> the same, without labels
//	Classify(declared, res)          -> under DefaultRules
//
// A decision is data: the level, the ids of the rules that set it, every
// reason (rule, column, type or label) and the controls, for the catalog,
// the audit log and "explain" to use as they are.
//
// # Security
//
// A scan may raise a declared level, never lower it: Decide returns the
// highest of the declared level and every fired rule's level. Reasons
// name rules, columns, types and labels, never values, so a Decision is
// safe to log and audit. A rule's thresholds apply to what pii reports,
// so a type pii does not report (below its confidence threshold) fires no
// rule; data pii cannot recognize needs a label or a column-name rule.
// Parse bounds its input (1 MiB) and accepts exactly one YAML document.
package classify
