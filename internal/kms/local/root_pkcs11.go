package local

import (
	"context"
	"errors"
	"fmt"
	"os"

	"github.com/coffer-vault/coffer/internal/kms/pkcs11"
)

// PKCS11Spec configures a PKCS#11 root: an AES-256 key that never leaves
// the token encrypts (AES-256-GCM, in the token) the random root secret,
// which the header keeps.
type PKCS11Spec struct {
	// Module is the PKCS#11 library; empty reads $COFFER_PKCS11_MODULE.
	Module string
	// Token is the token label. Required to seal; when opening, empty
	// means the label the header records, and a different one is refused.
	Token string
	// Key is the key label; empty means DefaultPKCS11Key when sealing and
	// the label the header records when opening. Sealing generates the
	// key if the token has none under that label.
	Key string
	// PIN returns the user PIN; nil reads $COFFER_PKCS11_PIN.
	PIN func(ctx context.Context) (string, error)
}

// DefaultPKCS11Key is the label of the token key when PKCS11Spec.Key is
// empty.
const DefaultPKCS11Key = "coffer-root"

// pkcs11Params are the root parameters of RootPKCS11:
//
//	format     1 byte   1 = AES-256-GCM in the token, 128-bit tag
//	token len  1 byte   1..32
//	token      n bytes  token label
//	key len    1 byte   1..64
//	key        n bytes  key label
//	iv        12 bytes
//	secret    48 bytes  the 32-byte root secret, encrypted, tag included
//
// The token's GCM authenticates pkcs11AAD followed by every byte before
// the IV, so the labels cannot be changed without failing decryption.
type pkcs11Params struct {
	token, key string
	iv, sealed []byte
}

const (
	pkcs11Format   = 1
	maxTokenLabel  = 32
	pkcs11AAD      = "coffer-keyring/v1 pkcs11 root"
	pkcs11IVSize   = 12
	pkcs11Ciphered = keySize + tagSize
)

func (p pkcs11Params) prefix() []byte {
	b := make([]byte, 0, 3+len(p.token)+len(p.key)+pkcs11IVSize+pkcs11Ciphered)
	b = append(b, pkcs11Format, byte(len(p.token)))
	b = append(b, p.token...)
	b = append(b, byte(len(p.key)))
	return append(b, p.key...)
}

func (p pkcs11Params) marshal() []byte { return append(append(p.prefix(), p.iv...), p.sealed...) }

func (p pkcs11Params) aad() []byte { return append([]byte(pkcs11AAD), p.prefix()...) }

func parsePKCS11Params(b []byte) (pkcs11Params, error) {
	if len(b) < 2 || b[0] != pkcs11Format {
		return pkcs11Params{}, ErrSealed
	}
	nt := int(b[1])
	if nt == 0 || nt > maxTokenLabel || len(b) < 3+nt {
		return pkcs11Params{}, ErrSealed
	}
	nk := int(b[2+nt])
	rest := 3 + nt + nk
	if nk == 0 || nk > pkcs11.MaxLabel || len(b) != rest+pkcs11IVSize+pkcs11Ciphered {
		return pkcs11Params{}, ErrSealed
	}
	return pkcs11Params{
		token: string(b[2 : 2+nt]), key: string(b[3+nt : rest]),
		iv: b[rest : rest+pkcs11IVSize], sealed: b[rest+pkcs11IVSize:],
	}, nil
}

type pkcs11Root struct{ spec PKCS11Spec }

func newPKCS11Root(s PKCS11Spec) root { return pkcs11Root{spec: s} }

func (pkcs11Root) kind() RootKind { return RootPKCS11 }

// session logs in to token; the caller closes it.
func (r pkcs11Root) session(ctx context.Context, token string) (*pkcs11.Session, error) {
	module := r.spec.Module
	if module == "" {
		module = os.Getenv(EnvPKCS11Module)
	}
	if module == "" {
		return nil, errors.New("kms: the keyring root is a PKCS#11 token; set " + EnvPKCS11Module + " to the module path (e.g. /usr/lib/softhsm/libsofthsm2.so)")
	}
	var pin string
	if r.spec.PIN != nil {
		var err error
		if pin, err = r.spec.PIN(ctx); err != nil {
			return nil, err
		}
	} else if pin = os.Getenv(EnvPKCS11PIN); pin == "" {
		return nil, errors.New("kms: the keyring root is a PKCS#11 token; set " + EnvPKCS11PIN + " or enter the PIN when asked")
	}
	s, err := pkcs11.Open(pkcs11.Config{Module: module, Token: token, PIN: pin})
	if err != nil {
		return nil, fmt.Errorf("kms: %w", err)
	}
	return s, nil
}

func (r pkcs11Root) create(ctx context.Context) ([]byte, []byte, func(), error) {
	p := pkcs11Params{token: r.spec.Token, key: r.spec.Key}
	if p.key == "" {
		p.key = DefaultPKCS11Key
	}
	if p.token == "" || len(p.token) > maxTokenLabel || len(p.key) > pkcs11.MaxLabel {
		return nil, nil, nil, fmt.Errorf("kms: a PKCS#11 root needs a token label of 1 to %d bytes and a key label of 1 to %d", maxTokenLabel, pkcs11.MaxLabel)
	}
	s, err := r.session(ctx, p.token)
	if err != nil {
		return nil, nil, nil, err
	}
	defer s.Close()
	k, _, err := s.EnsureKey(p.key)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("kms: %w", err)
	}
	secret := randomKey()
	if p.iv, p.sealed, err = s.Encrypt(k, secret, p.aad()); err != nil {
		clear(secret)
		return nil, nil, nil, fmt.Errorf("kms: %w", err)
	}
	if len(p.iv) != pkcs11IVSize || len(p.sealed) != pkcs11Ciphered {
		clear(secret)
		return nil, nil, nil, fmt.Errorf("kms: token %q returned a %d-byte IV and %d-byte ciphertext, want %d and %d",
			p.token, len(p.iv), len(p.sealed), pkcs11IVSize, pkcs11Ciphered)
	}
	return p.marshal(), secret, func() {}, nil
}

func (r pkcs11Root) open(ctx context.Context, params []byte) ([]byte, error) {
	p, err := parsePKCS11Params(params)
	if err != nil {
		return nil, err
	}
	if (r.spec.Token != "" && r.spec.Token != p.token) || (r.spec.Key != "" && r.spec.Key != p.key) {
		return nil, fmt.Errorf("kms: the keyring is sealed by key %q on token %q, not key %q on token %q",
			p.key, p.token, r.spec.Key, r.spec.Token)
	}
	s, err := r.session(ctx, p.token)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	k, err := s.FindKey(p.key)
	if err != nil {
		return nil, fmt.Errorf("kms: %w", err)
	}
	secret, err := s.Decrypt(k, p.iv, p.sealed, p.aad())
	if errors.Is(err, pkcs11.ErrDecrypt) || err == nil && len(secret) != keySize {
		clear(secret)
		return nil, ErrSealed
	}
	if err != nil {
		return nil, fmt.Errorf("kms: %w", err)
	}
	return secret, nil
}
