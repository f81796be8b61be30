// Package local is the kms.Manager of the embedded default: key-encryption
// keys (KEKs), with versions and states, and the audit key live in one
// keyring file, sealed by a root of trust: a root key file beside it (the
// default), a passphrase (Argon2id), or an AES-256 key that never leaves a
// PKCS#11 token.
//
//	k, err := local.Create(dir) // dir/root.key and dir/keyring, both 0600
//	k, err := local.Open(dir)
//	k, err := local.OpenRoot(ctx, dir, local.RootSpec{Kind: local.RootPassphrase})
//	wrapped, keyID, err := k.Wrap(ctx, dek, aad)                   // "default@1"
//	wrapped, keyID, err = k.WrapWith(ctx, "restricted", dek, aad)  // "restricted@1"
//	dek, err := k.Unwrap(ctx, wrapped, aad)
//	v, err := k.Rotate(ctx, "default")                              // default@2, primary
//	err = local.MigrateRoot(ctx, dir, local.FileRoot(), local.RootSpec{Kind: local.RootPKCS11, ...})
//
// docs/keyring.md specifies the files byte by byte; testdata/v1 holds a
// keyring and wrapped keys that a second implementation can check itself
// against.
//
// The keyring file is a short binary header (magic "coffer-keyring",
// format version, root kind, root parameters, nonce) followed by the
// AES-256-GCM encryption, under a key derived by HKDF-SHA256 from the
// root's secret, of a JSON document: the KEKs, each with versions, states
// and a primary version, and the audit key. The header is the additional
// data. Every change (a new KEK, a rotation, a state change, a
// destruction) is made under flock(2) on dir/keyring.lock, on the file as
// it is then, and replaces the file atomically; every operation first
// checks with one stat whether another process replaced the file, and
// reloads it if so.
//
// A wrapped DEK is self-describing: a format byte, the KEK name and
// version, a random nonce and the AES-256-GCM ciphertext of the DEK, with
// the header and the caller's aad (the encryption context) as additional
// data.
//
// # Security
//
// local promises that a DEK unwraps only under the KEK version that wrapped
// it, while that version is enabled, and with the same aad; any other KEK,
// aad, or a changed, truncated or extended wrapped key fails with
// kms.ErrUnwrap, all in the same words (only a KEK version the keyring
// does not hold is named). A disabled, pending or destroyed version is
// refused from its state alone, before any decryption, so that refusal
// says nothing about the wrapped key. Only enabled versions are expanded
// in memory; a destroyed version's material is zeroed and removed from the
// file, its record kept.
//
// Open fails closed, with one message (ErrSealed) for a wrong root key,
// passphrase or token key and for a keyring changed in any authenticated
// byte, so the error is no oracle; it refuses a keyring sealed by another
// kind of root than the caller expects, and a root key file that group or
// others may access. Every length read from a file, root parameters or a
// wrapped key is checked against a fixed bound before it is used, Argon2id
// costs included. Errors never hold key bytes, passphrases or PINs. The
// root key, the root secret, the decrypted keyring and the decoded key
// material are zeroed after use; copies that encoding/json makes while
// decoding, Go strings (a passphrase or PIN from the environment) and the
// C memory of the PKCS#11 library are not.
//
// local does not protect keys from the machine it runs on: anyone who can
// read the keyring and unlock its root (root.key, the passphrase, the
// token PIN) holds every key, and the KEKs and the keyring's sealing key
// stay in process memory as AES key schedules that Go cannot zero. With a
// file root, keep root.key out of the backups of the keyring and the
// blobs. Destroying a version removes it from the keyring file, not from
// copies of the file made before (backups), which the root still opens:
// crypto-shredding is as complete as the keyring's backups are rotated.
// Nonces are random (96 bits), so one KEK version should wrap well under
// 2^32 DEKs; rotate long before that.
package local
