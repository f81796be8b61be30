// Package remote is a kms.Keyring whose key-encryption key lives in an
// external KMS, named by a URL and reached through gocloud.dev/secrets:
// HashiCorp Vault's transit engine (hashivault://), AWS KMS (awskms://),
// Google Cloud KMS (gcpkms://), Azure Key Vault (azurekeyvault://), or a
// key held in the URL itself (base64key://, for tests and demos).
//
//	k, err := remote.Create(ctx, dir, "awskms:///alias/coffer?region=eu-west-1") // dir/audit.key
//	k, err := remote.Open(ctx, dir, "awskms:///alias/coffer?region=eu-west-1")
//	wrapped, keyID, err := k.Wrap(ctx, dek, aad) // keyID "remote-awskms@1"
//	dek, err := k.Unwrap(ctx, wrapped, aad)      // cached for 5 minutes
//	defer k.Close()
//
// Every Wrap is one Encrypt call to the KMS and every Unwrap that misses
// the cache one Decrypt call. What the KMS encrypts is a 65-byte envelope,
// a version byte, SHA-256 of the encryption context (aad) and the KEK
// named, and the DEK; the wrapped key is a format byte (0x21), the KEK's
// name and the KMS's ciphertext, so that it says which keyring made it.
// docs/kms-remote.md specifies the bytes, the URL forms, the credentials
// each KMS takes and what coffer leaves to the KMS.
//
// The keyring holds one KEK, answering to its name and to kms.DefaultKEK,
// always at version 1: the KMS versions its key inside its ciphertext, and
// rotating, disabling and deleting the key are done in the KMS, so this
// keyring is not a kms.Manager. The audit chain's HMAC key is made at
// Create, wrapped by the KMS into keysDir/audit.key, and unwrapped at Open.
//
// # Security
//
// remote promises that a DEK unwraps only through the KMS key that wrapped
// it (as far as the KMS tells keys apart: see docs/kms-remote.md for AWS
// KMS), with the same aad and KEK name; a changed, truncated or extended
// wrapped key, another aad or another key fails with kms.ErrUnwrap, in the
// same words. The aad is bound although the KMS API takes none: its digest
// is inside the plaintext the KMS encrypts, and Unwrap compares it in
// constant time. This rests on the KMS's encryption being authenticated
// (AES-GCM in AWS KMS, Cloud KMS and Vault transit, XSalsa20-Poly1305 for
// base64key): without the KMS key no one can change a ciphertext or make
// one whose plaintext holds another digest. With an RSA key in Azure Key
// Vault, anyone holding the public key can make a valid wrapped key for a
// DEK of their own: existing wraps still cannot be moved to another
// context (RSA-OAEP is non-malleable), but a wrapped key no longer proves
// that coffer made it.
//
// A KMS that cannot be reached or refuses a call (credentials, permission,
// a disabled key, throttling, a timeout) fails with ErrProvider, not
// kms.ErrUnwrap: only a rejection of the ciphertext itself is ErrUnwrap.
// Errors, String and KMS show a URL's scheme and host only: base64key's
// key, query values and the URL as a driver quotes it are scrubbed from
// every message that reaches the caller. Open fails closed, matching
// ErrSealed, when audit.key was wrapped by another key or was changed. A
// driver that panics on a malformed server reply fails the call instead
// of the process.
//
// The DEK cache keeps unwrapped DEKs in process memory for at most its ttl
// and use count (5 minutes and 10,000 uses by default); a key disabled in
// the KMS keeps serving cached DEKs until they expire, since the KMS
// cannot be asked cheaply. The inner envelope and what the KMS returns are
// zeroed after use; copies inside the drivers, their HTTP and gRPC
// buffers, and the base64key key held by its driver are not. Whoever may
// call Decrypt on the KMS key holds every DEK it wrapped: guard that
// permission, not audit.key.
package remote
