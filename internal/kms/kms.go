// Package kms defines the Keyring that wraps and unwraps data keys (DEKs)
// under key-encryption keys (KEKs), the Manager that gives KEKs a
// lifecycle (versions, rotation, disabling, scheduled deletion, rewrap),
// and Cache, a bounded in-memory cache of unwrapped DEKs. Implementations:
// local/ (a keyring file sealed by a root: a key file, a passphrase or a
// PKCS#11 token key, see pkcs11/).
//
// # Security
//
// A Keyring never returns KEK material. Wrap binds the encryption context
// (passed as aad) to the wrapped key: unwrapping with any other aad fails.
// DEKs are returned in a *DEK, whose printing paths show REDACTED. A KEK
// version that is disabled, pending deletion or destroyed refuses to unwrap
// with a *KeyStateError decided from its state alone, before any
// decryption, so that error says nothing about the wrapped key; every
// failure of decryption itself reads as ErrUnwrap.
//
// Cache keeps DEKs in clear in process memory, for at most its TTL and use
// count, and zeroes them on eviction; every caller gets its own copy, never
// the cached one. It never writes a DEK anywhere.
package kms

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
)

// ErrUnwrap is returned (wrapped) when a DEK cannot be unwrapped: wrong key,
// wrong context or a tampered wrapped key. The cases read the same on purpose.
var ErrUnwrap = errors.New("kms: data key cannot be unwrapped (wrong key, wrong context or tampered)")

// DEK is a 32-byte data key held in memory.
type DEK struct{ b []byte }

// NewDEK returns a fresh random 32-byte data key.
func NewDEK() *DEK {
	b := make([]byte, 32)
	rand.Read(b) // never fails (crypto/rand)
	return &DEK{b: b}
}

// DEKFromBytes adopts b (32 bytes) as a data key.
func DEKFromBytes(b []byte) *DEK { return &DEK{b: b} }

// Bytes returns the key material; callers must not retain or print it.
func (k *DEK) Bytes() []byte { return k.b }

// Zero overwrites the key material.
func (k *DEK) Zero() {
	if k == nil {
		return
	}
	clear(k.b)
}

// The printing methods have value receivers so that a DEK held by value (a
// struct field, *dek) is covered too, and Format covers every fmt verb:
// String alone is skipped by %d and prints the bytes of a value.
func (DEK) String() string                { return "REDACTED" }
func (DEK) GoString() string              { return "REDACTED" }
func (DEK) Format(f fmt.State, verb rune) { io.WriteString(f, "REDACTED") }
func (DEK) LogValue() slog.Value          { return slog.StringValue("REDACTED") }
func (DEK) MarshalText() ([]byte, error)  { return []byte("REDACTED"), nil }

// DefaultKEK is the KEK that Wrap uses.
const DefaultKEK = "default"

// Keyring wraps and unwraps DEKs.
type Keyring interface {
	// Wrap wraps dek under the primary version of DefaultKEK, bound to
	// aad; keyID names the KEK version that wrapped it ("name@v").
	Wrap(ctx context.Context, dek *DEK, aad []byte) (wrapped []byte, keyID string, err error)
	// WrapWith is Wrap under the primary version of KEK kek; it fails
	// with ErrNotFound if there is no such KEK.
	WrapWith(ctx context.Context, kek string, dek *DEK, aad []byte) (wrapped []byte, keyID string, err error)
	// Unwrap recovers a DEK wrapped by Wrap with the same aad.
	Unwrap(ctx context.Context, wrapped, aad []byte) (*DEK, error)
	// AuditKey returns the HMAC key of the audit chain.
	AuditKey(ctx context.Context) ([]byte, error)
}
