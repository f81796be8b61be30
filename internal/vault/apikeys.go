package vault

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"errors"
	"regexp"
	"strings"
	"time"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/fault"
)

// API keys: a public id (also the S3 access key id) and a secret shown once.
// The catalog keeps HMAC-SHA256(hashKey, salt || secret) to verify a bearer
// secret, and the secret sealed by AES-256-GCM under sealKey, bound to the
// key's id and principal, because S3 SigV4 must recompute signatures with
// it (docs/decisions/0003-s3-secrets-sealed.md). Both keys are derived by
// HKDF-SHA256 from the keyring's audit key, so they never leave the keyring's
// protection and a copy of the catalog alone reveals no secret.

const (
	apiKeyIDLen     = 20 // "CK" + 18 base32 characters, like an AWS access key id
	apiKeySecretLen = 40 // 25 random bytes in base32
	apiKeyHashInfo  = "coffer api-key hash v1"
	apiKeySealInfo  = "coffer api-key seal v1"
)

// ErrAPIKey is the one error every failed API key check wraps, whatever
// the reason (unknown id, wrong secret, revoked, expired): no oracle.
var ErrAPIKey = errors.New("vault: API key not valid")

var (
	b32       = base32.StdEncoding.WithPadding(base32.NoPadding)
	purposeRE = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,63}$`)
	keyIDRE   = regexp.MustCompile(`^CK[A-Z2-7]{18}$`)
	idRE      = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$`)
)

// CheckPurpose validates a purpose name.
func CheckPurpose(p string) error {
	if !purposeRE.MatchString(p) {
		return fault.E(fault.Invalid, "purpose %q is invalid", p).WithHint("use lower-case letters, digits, '_' and '-' (e.g. training)")
	}
	return nil
}

// APIKeyOptions describe a new API key.
type APIKeyOptions struct {
	Purposes    []string      // purposes the key may declare (at least one for reads)
	TTL         time.Duration // 0: never expires
	Description string
}

// CreateAPIKey makes a new API key for principal and returns its record and
// the secret, which is shown to the caller once and never again.
func (v *Vault) CreateAPIKey(ctx context.Context, principal string, o APIKeyOptions) (catalog.APIKey, string, error) {
	if !idRE.MatchString(principal) {
		return catalog.APIKey{}, "", fault.E(fault.Invalid, "principal id %q is invalid", principal).
			WithHint("use letters, digits, '.', '_', '@', '-'")
	}
	for _, p := range o.Purposes {
		if err := CheckPurpose(p); err != nil {
			return catalog.APIKey{}, "", err
		}
	}
	if o.TTL < 0 {
		return catalog.APIKey{}, "", fault.E(fault.Invalid, "expiry %s is in the past", o.TTL).WithHint("give a positive duration, e.g. 720h")
	}
	if err := v.authorizeAdmin(ctx); err != nil {
		return catalog.APIKey{}, "", err
	}
	// A key for a principal the catalog does not know, or disabled, would
	// authenticate someone no policy can decide for.
	p, err := v.cat.Principal(ctx, principal)
	if errors.Is(err, catalog.ErrNotFound) {
		return catalog.APIKey{}, "", fault.E(fault.NotFound, "principal %q does not exist", principal).
			WithHint("add it first: coffer principal add %s --role ROLE ...", principal)
	}
	if err != nil {
		return catalog.APIKey{}, "", fault.Wrap(fault.Other, err, "cannot read the catalog")
	}
	if !p.Disabled.IsZero() {
		return catalog.APIKey{}, "", fault.E(fault.Denied, "principal %q was disabled on %s by %s: it gets no new keys", p.ID,
			p.Disabled.Format("2006-01-02 15:04:05Z"), p.DisabledBy)
	}
	hk, sk, err := v.apiKeyKeys(ctx)
	if err != nil {
		return catalog.APIKey{}, "", err
	}
	secret := randB32(25)
	k := catalog.APIKey{ID: "CK" + randB32(12)[:18], Principal: principal, Purposes: o.Purposes,
		Salt: randBytes(16), Description: o.Description, Created: v.now().UTC()}
	if o.TTL > 0 {
		k.Expires = k.Created.Add(o.TTL)
	}
	k.Hash = apiKeyHash(hk, k.Salt, secret)
	if k.SealedSecret, err = sealSecret(sk, &k, secret); err != nil {
		return catalog.APIKey{}, "", fault.Wrap(fault.Other, err, "cannot seal the API key")
	}
	rec := &audit.Record{Action: "apikey.create", Decision: "ok", Detail: map[string]string{
		"key": k.ID, "principal": principal, "purposes": strings.Join(o.Purposes, ","), "expires": fmtTime(k.Expires)}}
	v.stamp(rec)
	if err := v.cat.CreateAPIKey(ctx, &k, rec); err != nil {
		return catalog.APIKey{}, "", fault.Wrap(fault.Other, err, "cannot store the API key")
	}
	return k, secret, nil
}

// APIKeys lists the API keys of principal ("" for all), without secrets.
func (v *Vault) APIKeys(ctx context.Context, principal string) ([]catalog.APIKey, error) {
	ks, err := v.cat.APIKeys(ctx, principal)
	if err != nil {
		return nil, fault.Wrap(fault.Other, err, "cannot read the catalog")
	}
	return ks, nil
}

// RevokeAPIKey revokes key id for good.
func (v *Vault) RevokeAPIKey(ctx context.Context, id string) error {
	if err := v.authorizeAdmin(ctx); err != nil {
		return err
	}
	rec := &audit.Record{Action: "apikey.revoke", Decision: "ok", Detail: map[string]string{"key": id}}
	v.stamp(rec)
	err := v.cat.RevokeAPIKey(ctx, id, rec)
	if errors.Is(err, catalog.ErrNotFound) {
		return fault.E(fault.NotFound, "API key %q does not exist", id).WithHint("run: coffer principal key ls")
	}
	if err != nil {
		return fault.Wrap(fault.Other, err, "cannot revoke API key %q", id)
	}
	return nil
}

// VerifyAPIKey checks a bearer secret and returns the key's record. Any
// failure is a fault.Denied wrapping ErrAPIKey with the same message.
func (v *Vault) VerifyAPIKey(ctx context.Context, id, secret string) (catalog.APIKey, error) {
	k, err := v.liveAPIKey(ctx, id)
	if err != nil {
		return catalog.APIKey{}, err
	}
	hk, _, err := v.apiKeyKeys(ctx)
	if err != nil {
		return catalog.APIKey{}, err
	}
	if !hmac.Equal(apiKeyHash(hk, k.Salt, secret), k.Hash) {
		return catalog.APIKey{}, deniedKey()
	}
	return k, nil
}

// APIKeySecret returns a live key's record and its secret, for protocols
// that prove possession of the secret without sending it (S3 SigV4). The
// caller must not log, store or return the secret.
func (v *Vault) APIKeySecret(ctx context.Context, id string) (catalog.APIKey, []byte, error) {
	k, err := v.liveAPIKey(ctx, id)
	if err != nil {
		return catalog.APIKey{}, nil, err
	}
	_, sk, err := v.apiKeyKeys(ctx)
	if err != nil {
		return catalog.APIKey{}, nil, err
	}
	secret, err := openSecret(sk, &k)
	if err != nil {
		return catalog.APIKey{}, nil, fault.Wrap(fault.Integrity, err, "API key %q does not open: its record was changed", id)
	}
	return k, secret, nil
}

func (v *Vault) liveAPIKey(ctx context.Context, id string) (catalog.APIKey, error) {
	if !keyIDRE.MatchString(id) {
		return catalog.APIKey{}, deniedKey()
	}
	k, err := v.cat.APIKey(ctx, id)
	if errors.Is(err, catalog.ErrNotFound) {
		return k, deniedKey()
	}
	if err != nil {
		return k, fault.Wrap(fault.Other, err, "cannot read the catalog")
	}
	now := v.now()
	if !k.Revoked.IsZero() || (!k.Expires.IsZero() && !now.Before(k.Expires)) {
		return catalog.APIKey{}, deniedKey()
	}
	return k, nil
}

func deniedKey() error {
	return fault.Wrap(fault.Denied, ErrAPIKey, "API key not valid (unknown, wrong secret, revoked or expired)")
}

// apiKeyKeys derives the hash and seal keys from the keyring's audit key.
func (v *Vault) apiKeyKeys(ctx context.Context) (hashKey, sealKey []byte, err error) {
	ak, err := v.keys.AuditKey(ctx)
	if err != nil {
		return nil, nil, fault.Wrap(fault.Other, err, "cannot read the vault's key")
	}
	defer clear(ak)
	if hashKey, err = hkdf.Key(sha256.New, ak, nil, apiKeyHashInfo, 32); err != nil {
		return nil, nil, err
	}
	if sealKey, err = hkdf.Key(sha256.New, ak, nil, apiKeySealInfo, 32); err != nil {
		return nil, nil, err
	}
	return hashKey, sealKey, nil
}

func apiKeyHash(key, salt []byte, secret string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(salt)
	m.Write([]byte(secret))
	return m.Sum(nil)
}

func secretAAD(k *catalog.APIKey) []byte {
	return []byte("coffer api-key v1\x00" + k.ID + "\x00" + k.Principal)
}

func sealSecret(key []byte, k *catalog.APIKey, secret string) ([]byte, error) {
	aead, err := gcm(key)
	if err != nil {
		return nil, err
	}
	nonce := randBytes(aead.NonceSize())
	return aead.Seal(nonce, nonce, []byte(secret), secretAAD(k)), nil
}

func openSecret(key []byte, k *catalog.APIKey) ([]byte, error) {
	aead, err := gcm(key)
	if err != nil {
		return nil, err
	}
	if len(k.SealedSecret) < aead.NonceSize()+aead.Overhead() {
		return nil, errors.New("sealed secret too short")
	}
	ns := aead.NonceSize()
	return aead.Open(nil, k.SealedSecret[:ns], k.SealedSecret[ns:], secretAAD(k))
}

func gcm(key []byte) (cipher.AEAD, error) {
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func randB32(n int) string { return b32.EncodeToString(randBytes(n)) }

func fmtTime(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}
