// Package mask is the column actions a view applies to the cells of a
// column: drop, null, redact, hash, partial, round and bin, how two of
// them combine into one that reveals no more than either, and the Masker
// that applies one to a stream of cells.
//
//	a, err := mask.Parse("round(1000)")          // the text of a view file
//	c := mask.Combine(a, b)                       // at least as restrictive as each
//	m, err := c.Masker(key)                       // key: only for hash
//	out, ok := m.Apply(cell)                      // ok false: written as null
//
// # Composition
//
// Combine(a, b) returns an action whose output is a function of a's
// output and a function of b's output: whatever a reader could learn
// from the combined cell it could learn from either action alone. The
// actions are ordered drop > null > redact > hash > {partial, round,
// bin}. A constant (drop, null, redact) beats everything below it. Two
// hashes are one hash. Hash and a generalization reveal different things
// (equality of the whole value versus a coarse part of it), so together
// they become redact. Among generalizations: two partials keep the fewer
// characters, two rounds round to the least common multiple of their
// steps, two bins keep the edges they share, round and bin keep the bin
// edges that are multiples of the step, and partial (text) with round or
// bin (numbers) becomes redact. A generalization left with no edges is
// redact. docs/views.md has examples.
//
// # Security
//
// hash is HMAC-SHA256 under the vault's 32-byte key, domain-separated,
// in hex: stable across datasets so that joins still work, not
// invertible by a reader without the key (unlike a plain SHA-256 of a
// phone number or a name). A Masker never logs or returns the key or a
// cell in an error. A cell that round or bin cannot read as a number is
// written as null, never passed through. partial shows at most half of
// a value's characters, so a short value is not shown whole.
//
// mask does not promise anonymity: hash is pseudonymization, and rare
// generalized values can still single a person out (k-anonymity is
// package privacy's job).
package mask
