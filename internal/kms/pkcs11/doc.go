// Package pkcs11 holds an AES-256 key inside a PKCS#11 token (an HSM, or
// SoftHSM2 in tests) and encrypts and decrypts small secrets with it, in
// the token, with AES-256-GCM (CKM_AES_GCM). The local keyring uses it as
// a root of trust: the random key that seals the keyring file is stored
// only encrypted by the token key (docs/keyring.md).
//
//	s, err := pkcs11.Open(pkcs11.Config{Module: "/usr/lib/softhsm/libsofthsm2.so", Token: "coffer", PIN: pin})
//	defer s.Close()
//	key, created, err := s.EnsureKey("coffer-root")
//	iv, ct, err := s.Seal(key, secret, aad)
//	secret, err := s.Open(key, iv, ct, aad)
//
// It needs cgo (github.com/miekg/pkcs11 loads the module with dlopen); a
// build without cgo has the same API, and Open then says so.
//
// # Security
//
// GenerateKey makes the key on the token (CKA_TOKEN), sensitive
// (CKA_SENSITIVE), never extractable (CKA_EXTRACTABLE false), usable only
// to encrypt and decrypt, and not modifiable: its value never leaves the
// token, in clear or wrapped. FindKey and EnsureKey refuse a key under the
// label that is extractable or not sensitive, so a key planted or made by
// hand with weaker attributes is not used. GCM authenticates the
// ciphertext and the caller's aad, and every IV is 96 random bits from
// crypto/rand (the token key seals few secrets: one per keyring re-seal).
//
// Anyone who holds the PIN and can reach the token can decrypt with the
// key; the PIN is a Go string and is not zeroed. Secrets decrypted by the
// token pass through C memory that github.com/miekg/pkcs11 frees without
// zeroing. Decryption failures are reported in one message, without the
// token's return code, so they are no oracle.
package pkcs11
