//go:build cgo

package pkcs11

import (
	"crypto/rand"
	"fmt"

	p11 "github.com/miekg/pkcs11"
)

// Attrs reads the protection attributes of k.
func (s *Session) Attrs(k Key) (KeyAttrs, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx, err := s.ctx()
	if err != nil {
		return KeyAttrs{}, err
	}
	return s.attrs(ctx, k)
}

func (s *Session) attrs(ctx *p11.Ctx, k Key) (KeyAttrs, error) {
	types := []uint{p11.CKA_TOKEN, p11.CKA_PRIVATE, p11.CKA_SENSITIVE, p11.CKA_EXTRACTABLE,
		p11.CKA_ALWAYS_SENSITIVE, p11.CKA_NEVER_EXTRACTABLE}
	tmpl := make([]*p11.Attribute, len(types))
	for i, t := range types {
		tmpl[i] = p11.NewAttribute(t, nil)
	}
	got, err := ctx.GetAttributeValue(s.sh, p11.ObjectHandle(k.handle), tmpl)
	if err != nil {
		return KeyAttrs{}, fmt.Errorf("pkcs11: attributes of key %q: %v", k.label, err)
	}
	val := map[uint]bool{}
	for _, a := range got {
		val[a.Type] = len(a.Value) == 1 && a.Value[0] != 0
	}
	return KeyAttrs{
		Token: val[p11.CKA_TOKEN], Private: val[p11.CKA_PRIVATE], Sensitive: val[p11.CKA_SENSITIVE],
		Extractable: val[p11.CKA_EXTRACTABLE], AlwaysSensitive: val[p11.CKA_ALWAYS_SENSITIVE],
		NeverExtractable: val[p11.CKA_NEVER_EXTRACTABLE],
	}, nil
}

// CheckKey verifies that k is a token object that is sensitive and not
// extractable, and that the token refuses to read its value.
func (s *Session) CheckKey(k Key) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx, err := s.ctx()
	if err != nil {
		return err
	}
	return s.checkKey(ctx, k)
}

func (s *Session) checkKey(ctx *p11.Ctx, k Key) error {
	a, err := s.attrs(ctx, k)
	if err != nil {
		return err
	}
	if !a.Token || !a.Sensitive || a.Extractable {
		return fmt.Errorf("pkcs11: key %q on token %q is not protected (token %v, sensitive %v, extractable %v); "+
			"use a key that is sensitive and not extractable", k.label, s.token, a.Token, a.Sensitive, a.Extractable)
	}
	v, err := ctx.GetAttributeValue(s.sh, p11.ObjectHandle(k.handle), []*p11.Attribute{p11.NewAttribute(p11.CKA_VALUE, nil)})
	if err == nil {
		for _, x := range v {
			clear(x.Value)
		}
		return fmt.Errorf("pkcs11: the token reveals the value of key %q; refusing to use it", k.label)
	}
	return nil
}

// Encrypt encrypts plaintext with k in the token (AES-256-GCM, a random
// 96-bit IV, a 128-bit tag, aad authenticated) and returns the IV the
// token used and the ciphertext with its tag.
func (s *Session) Encrypt(k Key, plaintext, aad []byte) (iv, ciphertext []byte, err error) {
	iv = make([]byte, ivSize)
	rand.Read(iv) // never fails (crypto/rand)
	params := p11.NewGCMParams(iv, aad, tagBits)
	defer params.Free()
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx, err := s.ctx()
	if err != nil {
		return nil, nil, err
	}
	mech := []*p11.Mechanism{p11.NewMechanism(p11.CKM_AES_GCM, params)}
	if err := ctx.EncryptInit(s.sh, mech, p11.ObjectHandle(k.handle)); err != nil {
		return nil, nil, fmt.Errorf("pkcs11: encrypt with key %q: %v", k.label, err)
	}
	ct, err := ctx.Encrypt(s.sh, plaintext)
	if err != nil {
		return nil, nil, fmt.Errorf("pkcs11: encrypt with key %q: %v", k.label, err)
	}
	if used := params.IV(); len(used) == ivSize {
		iv = used // some tokens choose the IV themselves
	}
	return iv, ct, nil
}

// Decrypt reverses Encrypt. Every failure of the decryption itself is
// ErrDecrypt.
func (s *Session) Decrypt(k Key, iv, ciphertext, aad []byte) ([]byte, error) {
	if len(iv) != ivSize || len(ciphertext) < tagBits/8 {
		return nil, ErrDecrypt
	}
	params := p11.NewGCMParams(iv, aad, tagBits)
	defer params.Free()
	s.mu.Lock()
	defer s.mu.Unlock()
	ctx, err := s.ctx()
	if err != nil {
		return nil, err
	}
	mech := []*p11.Mechanism{p11.NewMechanism(p11.CKM_AES_GCM, params)}
	if err := ctx.DecryptInit(s.sh, mech, p11.ObjectHandle(k.handle)); err != nil {
		return nil, fmt.Errorf("pkcs11: decrypt with key %q: %v", k.label, err)
	}
	pt, err := ctx.Decrypt(s.sh, ciphertext)
	if err != nil {
		return nil, ErrDecrypt
	}
	return pt, nil
}
