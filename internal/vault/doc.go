// Package vault is coffer's service: Put, Get, List, Versions, Verify and
// the audit log, on top of a catalog.Store, a blob.Store and a kms.Keyring.
// It is the only package that wires the others together; the CLI and the
// servers call it and nothing below it.
//
// # Security
//
// Put seals every version under a fresh data key (DEK) whose wrapped form,
// bound to the encryption context {dataset, version id, classification},
// lives only in the catalog; the blob store sees ciphertext only. The blob is
// written atomically before the catalog transaction that makes the version
// visible, and that transaction also appends the audit record, so a crash
// leaves at most an orphaned blob that Verify reports and GC removes.
//
// Get authenticates every chunk and finally the plaintext SHA-256 and size
// against the catalog; on failure it returns a fault.Integrity error that
// names the dataset and version. A Get to an io.Writer may have written the
// plaintext of chunks that authenticated before a later one failed; GetFile
// writes through a temporary file and renames it only after success.
//
// Every operation that touches data or keys is decided first by the
// vault's Cedar policies (package policy) for the principal the Vault acts
// as (As; the local operator by default) and the declared purpose: put is
// write, Get read, GetFile export, Shred delete, key, principal, policy,
// view, audit and GC operations admin. A denial returns a fault.Denied
// error before anything is opened, so no byte reaches the writer or the
// file system, and is audited at once; an unknown principal is
// fault.NotFound, a disabled one fault.Denied. A permitted read passes
// through the views that apply (package view); when they change nothing
// the stored bytes are streamed unchanged. The audit record of a read is
// written when its stream ends, with the deciding policies and the rows
// and columns withheld. The key of the views' hash action is derived from
// the audit key (HKDF, own label) and never leaves the process.
//
// Errors and audit records name datasets, versions, digests and sizes,
// never data values or key material.
package vault
