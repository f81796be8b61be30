package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"

	"github.com/hashicorp/vault/api"
	"gocloud.dev/gcerrors"
	"gocloud.dev/secrets"

	"github.com/coffer-vault/coffer/internal/kms"
)

// ErrProvider is matched (errors.Is) by the errors of an external KMS that
// could not be reached or refused a call for a reason other than the
// ciphertext: no credentials, permission denied, a disabled or scheduled
// key, a quota, a timeout, an outage. It is not kms.ErrUnwrap: nothing
// says the wrapped key is wrong, and retrying may succeed.
var ErrProvider = errors.New("kms: external KMS call failed")

// backend is the uncached keyring: every Wrap and Unwrap is one call to
// the external KMS.
type backend struct {
	url    *kmsURL
	name   string
	keeper *secrets.Keeper
	audit  []byte
}

var _ kms.Keyring = (*backend)(nil)

// Format prints the key id and the redacted URL, never the audit key.
func (b backend) Format(f fmt.State, verb rune) { io.WriteString(f, b.keyID()+" in "+b.url.redacted) }

func (b *backend) keyID() string { return kms.KeyID(b.name, keyVersion) }

func (b *backend) Wrap(ctx context.Context, dek *kms.DEK, aad []byte) ([]byte, string, error) {
	return b.WrapWith(ctx, b.name, dek, aad)
}

// WrapWith wraps under the keyring's one KEK, which answers to its name
// and to kms.DefaultKEK.
func (b *backend) WrapWith(ctx context.Context, kek string, dek *kms.DEK, aad []byte) ([]byte, string, error) {
	if err := ctx.Err(); err != nil {
		return nil, "", fmt.Errorf("kms: wrap: %w", err)
	}
	if kek != b.name && kek != kms.DefaultKEK {
		return nil, "", fmt.Errorf("kms: wrap: %w: %q (this keyring's one KEK is %q, in %s)", kms.ErrNotFound, kek, b.name, b.url.redacted)
	}
	if dek == nil || len(dek.Bytes()) != keySize {
		return nil, "", fmt.Errorf("kms: wrap: a data key must be %d bytes", keySize)
	}
	w, err := b.wrap(ctx, labelDEK, dek.Bytes(), aad)
	if err != nil {
		return nil, "", err
	}
	return w, b.keyID(), nil
}

func (b *backend) wrap(ctx context.Context, label string, key, aad []byte) ([]byte, error) {
	hdr := envelopeHeader(b.name)
	inner := sealInner(label, hdr, aad, key)
	defer clear(inner)
	ct, err := call(func() ([]byte, error) { return b.keeper.Encrypt(ctx, inner) })
	if err != nil {
		return nil, b.providerErr(ctx, "wrap", "encrypt", err)
	}
	if len(ct) == 0 || len(ct) > maxCiphertext {
		return nil, fmt.Errorf("%w: %s: encrypt returned %d bytes, want 1 to %d", ErrProvider, b.url.redacted, len(ct), maxCiphertext)
	}
	return marshalEnvelope(b.name, ct), nil
}

// Unwrap recovers a DEK wrapped by Wrap with the same aad. A wrapped key
// that is malformed, names another KEK, or that the KMS or the context
// check rejects fails with kms.ErrUnwrap; a KMS that cannot be reached or
// refuses the call fails with ErrProvider.
func (b *backend) Unwrap(ctx context.Context, wrapped, aad []byte) (*kms.DEK, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("kms: unwrap: %w", err)
	}
	key, err := b.unwrap(ctx, labelDEK, wrapped, aad)
	if err != nil {
		return nil, err
	}
	return kms.DEKFromBytes(key), nil
}

func (b *backend) unwrap(ctx context.Context, label string, wrapped, aad []byte) ([]byte, error) {
	e, ok := parseEnvelope(wrapped)
	if !ok {
		return nil, kms.ErrUnwrap
	}
	if e.name != b.name {
		return nil, &unknownKEK{id: kms.KeyID(e.name, keyVersion)}
	}
	inner, err := call(func() ([]byte, error) { return b.keeper.Decrypt(ctx, e.ciphertext) })
	defer clear(inner)
	if err != nil {
		if rejected(ctx, b.url.scheme, err) {
			return nil, kms.ErrUnwrap
		}
		return nil, b.providerErr(ctx, "unwrap", "decrypt", err)
	}
	key, ok := openInner(label, e.header, aad, inner)
	if !ok {
		return nil, kms.ErrUnwrap
	}
	return key, nil
}

// AuditKey returns a copy of the audit chain's HMAC key, unwrapped at Open.
func (b *backend) AuditKey(ctx context.Context) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("kms: audit key: %w", err)
	}
	return append([]byte(nil), b.audit...), nil
}

var errDriverPanic = errors.New("the KMS driver failed")

// call runs a driver call, turning a panic into an error: a driver that
// trusts a malformed server reply (hashivault type-asserts the response)
// must not take the process down. The panic's value is not shown: it may
// hold what the driver was handling.
func call[T any](f func() (T, error)) (out T, err error) {
	defer func() {
		if r := recover(); r != nil {
			var zero T
			out, err = zero, fmt.Errorf("%w (%T)", errDriverPanic, r)
		}
	}()
	return f()
}

// rejected reports whether a failed decrypt means the KMS rejected the
// ciphertext (tampered, or made by another key): kms.ErrUnwrap. That needs
// evidence: the driver's code InvalidArgument or NotFound (AWS KMS
// InvalidCiphertextException, Cloud KMS and Key Vault's 400 and 404),
// Vault's 400, or any failure of base64key, which only fails on a bad
// ciphertext. Everything else (a context that ended, a network error,
// throttling, an outage, a refusal, a code the driver does not map) is
// the provider's failure.
func rejected(ctx context.Context, scheme string, err error) bool {
	if ctx.Err() != nil || errors.Is(err, errDriverPanic) {
		return false
	}
	var ne net.Error
	if errors.As(err, &ne) {
		return false
	}
	var ve *api.ResponseError // hashivault reports every failure as Unknown
	if errors.As(err, &ve) {
		return ve.StatusCode == 400
	}
	switch gcerrors.Code(err) {
	case gcerrors.InvalidArgument, gcerrors.NotFound:
		return true
	}
	return scheme == "base64key"
}

// providerErr reports a failed KMS call in words that never hold the URL's
// secrets; a context that ended is wrapped so callers can see it.
func (b *backend) providerErr(ctx context.Context, op, call string, err error) error {
	if cerr := ctx.Err(); cerr != nil {
		return fmt.Errorf("kms: %s: %s: %w", op, b.url.redacted, cerr)
	}
	return fmt.Errorf("%w: %s: %s failed (%s): %s", ErrProvider, b.url.redacted, call, gcerrors.Code(err), b.url.scrub(err.Error()))
}

// unknownKEK names a KEK that this keyring does not hold: the key was
// wrapped by another keyring (a local one, or another KMS).
type unknownKEK struct{ id string }

func (e *unknownKEK) Error() string {
	return fmt.Sprintf("kms: data key cannot be unwrapped: KEK %s is not in this keyring", e.id)
}

func (e *unknownKEK) Is(target error) bool { return target == kms.ErrUnwrap }
