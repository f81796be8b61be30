package catalog

import (
	"context"
	"fmt"
	"time"

	"github.com/coffer-vault/coffer/internal/audit"
)

// APIKey is the record of an API key. The secret itself is never stored in
// clear: Hash verifies a presented secret (bearer use), SealedSecret is the
// secret encrypted under a key derived from the vault's keyring, which S3
// Signature Version 4 needs to recompute a signature (docs/decisions).
type APIKey struct {
	ID           string    // public key id; also the S3 access key id
	Principal    string    // the principal the key authenticates
	Purposes     []string  // purposes the key may declare; none: no reads
	Salt         []byte    // per-key random salt of Hash
	Hash         []byte    // HMAC-SHA256 keyed by the vault over salt and secret
	SealedSecret []byte    // the secret, AES-GCM sealed by the vault, bound to ID
	Description  string    // free text shown in listings
	Created      time.Time // UTC
	Expires      time.Time // zero: never
	Revoked      time.Time // zero: not revoked
}

// APIKeys stores API keys. Every change appends its audit record in the
// same transaction.
type APIKeys interface {
	// CreateAPIKey inserts k and appends rec. A duplicate id is an error.
	CreateAPIKey(ctx context.Context, k *APIKey, rec *audit.Record) error
	// APIKey returns the key with id, or ErrNotFound.
	APIKey(ctx context.Context, id string) (APIKey, error)
	// APIKeys lists the keys of principal (all keys if principal is ""),
	// by id.
	APIKeys(ctx context.Context, principal string) ([]APIKey, error)
	// RevokeAPIKey marks key id revoked at rec.Time and appends rec; a key
	// already revoked keeps its first revocation time.
	RevokeAPIKey(ctx context.Context, id string, rec *audit.Record) error
}

// APIKeyNotFound returns the error for a key id that does not exist.
func APIKeyNotFound(id string) error { return &notFound{fmt.Sprintf("API key %q", id)} }

// APIKeyColumns lists the api_keys columns in the order of APIKeyArgs.
const APIKeyColumns = `id, principal, purposes, salt, hash, sealed_secret, description, created_at, expires_at, revoked_at`

// APIKeyArgs returns k's column values for an insert.
func APIKeyArgs(k *APIKey) []any {
	return []any{k.ID, k.Principal, joinPurposes(k.Purposes), k.Salt, k.Hash, k.SealedSecret, k.Description,
		k.Created.UnixNano(), unixNano(k.Expires), unixNano(k.Revoked)}
}

// ScanAPIKey reads one row of APIKeyColumns.
func ScanAPIKey(scan func(dest ...any) error) (APIKey, error) {
	var (
		k                         APIKey
		purposes                  string
		created, expires, revoked int64
	)
	if err := scan(&k.ID, &k.Principal, &purposes, &k.Salt, &k.Hash, &k.SealedSecret, &k.Description, &created, &expires, &revoked); err != nil {
		return k, err
	}
	k.Purposes = splitPurposes(purposes)
	k.Created, k.Expires, k.Revoked = fromNano(created), fromNano(expires), fromNano(revoked)
	return k, nil
}

func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromNano(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// Purposes are stored as one comma-separated column: purpose names are
// identifiers (checked by the caller) and never contain a comma.
func joinPurposes(ps []string) string {
	s := ""
	for i, p := range ps {
		if i > 0 {
			s += ","
		}
		s += p
	}
	return s
}

func splitPurposes(s string) []string {
	if s == "" {
		return nil
	}
	var ps []string
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == ',' {
			ps = append(ps, s[start:i])
			start = i + 1
		}
	}
	return ps
}
