// Package local is the kms.Keyring of the embedded default: key-encryption
// keys (KEKs) and the audit key live in one keyring file, sealed by a root
// key file beside it.
//
//	k, err := local.Create(dir) // dir/root.key and dir/keyring, both 0600
//	k, err := local.Open(dir)
//	wrapped, keyID, err := k.Wrap(ctx, dek, aad) // keyID "default@1"
//	dek, err := k.Unwrap(ctx, wrapped, aad)
//
// docs/keyring.md specifies both formats byte by byte; testdata/v1 holds a
// keyring and wrapped keys that a second implementation can check itself
// against.
//
// The keyring file is a short binary header (magic "coffer-keyring",
// format version, root kind, root parameters, nonce) followed by the
// AES-256-GCM encryption, under a key derived from the root key by
// HKDF-SHA256, of a JSON document: the KEKs, each with named versions,
// states and a primary version, and the audit key. The header is the
// additional data. The root kind and its parameters leave room for roots
// other than a key file (a passphrase, a PKCS#11 key); the per-version
// state leaves room for rotation, disabling and scheduled deletion.
//
// A wrapped DEK is self-describing: a format byte, the KEK name and
// version, a random nonce and the AES-256-GCM ciphertext of the DEK, with
// the header and the caller's aad (the encryption context) as additional
// data.
//
// # Security
//
// local promises that a DEK unwraps only under the KEK version that wrapped
// it and with the same aad; any other KEK, aad, or a changed, truncated or
// extended wrapped key fails with kms.ErrUnwrap, all in the same words
// (only a KEK version the keyring does not hold is named). Open refuses a
// root key file that group or others may access, and fails closed, with one
// message for a wrong root key and for a keyring changed in any byte, so
// the error is no oracle. Every length read from a file or a wrapped key is
// checked against a fixed bound before it is used. Errors never hold key
// bytes. The root key, the decrypted keyring and the decoded key material
// are zeroed after Open; copies that encoding/json makes while decoding are
// not.
//
// local does not protect keys from the machine it runs on: anyone who can
// read root.key and the keyring (the same user, root, a backup holding
// both) holds every key, and the KEKs stay in process memory as AES key
// schedules that Go cannot zero. Keep root.key out of the backups of the
// keyring and the blobs. Nonces are random (96 bits), so one KEK version
// should wrap well under 2^32 DEKs; rotation (a later change) bounds that.
package local
