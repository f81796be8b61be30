package local

import (
	"bytes"
	"testing"
)

// rootParamSeeds are real parameters of both parsed kinds, and cuts of them.
func rootParamSeeds() [][]byte {
	pass := passphraseParams{Argon2Params: DefaultArgon2, salt: bytes.Repeat([]byte{0x5a}, saltSize)}.marshal()
	tok := pkcs11Params{token: "coffer-test", key: DefaultPKCS11Key,
		iv: bytes.Repeat([]byte{1}, pkcs11IVSize), sealed: bytes.Repeat([]byte{2}, pkcs11Ciphered)}.marshal()
	return [][]byte{pass, pass[:11], tok, tok[:len(tok)-1], {}, {1}}
}

// FuzzRootParams checks both root-parameter parsers: they never panic,
// accept only what they can marshal back byte for byte, and accept only
// values within bounds (so Open never runs Argon2 at a cost it refuses to
// seal with).
func FuzzRootParams(f *testing.F) {
	seeds := rootParamSeeds()
	if len(seeds) == 0 {
		f.Fatal("no seeds")
	}
	for _, s := range seeds {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if p, err := parsePassphraseParams(b); err == nil {
			if !bytes.Equal(p.marshal(), b) {
				t.Fatalf("passphrase parameters do not round-trip: %x", b)
			}
			if p.check() != nil || len(p.salt) < saltSize || len(p.salt) > maxSaltSize {
				t.Fatalf("accepted out-of-bounds passphrase parameters %+v", p.Argon2Params)
			}
		} else if err != ErrSealed {
			t.Fatalf("parsePassphraseParams error %v, want ErrSealed", err)
		}
		if p, err := parsePKCS11Params(b); err == nil {
			if !bytes.Equal(p.marshal(), b) {
				t.Fatalf("PKCS#11 parameters do not round-trip: %x", b)
			}
			if p.token == "" || len(p.token) > maxTokenLabel || p.key == "" || len(p.iv) != pkcs11IVSize || len(p.sealed) != pkcs11Ciphered {
				t.Fatalf("accepted malformed PKCS#11 parameters %x", b)
			}
		} else if err != ErrSealed {
			t.Fatalf("parsePKCS11Params error %v, want ErrSealed", err)
		}
	})
}

func TestRootParamsRefuse(t *testing.T) {
	good := rootParamSeeds()[0]
	mod := func(f func(b []byte) []byte) []byte { return f(bytes.Clone(good)) }
	for name, b := range map[string][]byte{
		"alg 2":      mod(func(b []byte) []byte { b[0] = 2; return b }),
		"time 0":     mod(func(b []byte) []byte { b[1], b[2], b[3], b[4] = 0, 0, 0, 0; return b }),
		"time 17":    mod(func(b []byte) []byte { b[4] = 17; return b }),
		"memory 2G":  mod(func(b []byte) []byte { b[6] = 0x20; return b }),
		"memory 4M":  mod(func(b []byte) []byte { b[5], b[6], b[7], b[8] = 0, 0, 0x10, 0; return b }),
		"threads 0":  mod(func(b []byte) []byte { b[9] = 0; return b }),
		"salt short": mod(func(b []byte) []byte { b[10] = 8; return b[:19] }),
		"salt len":   mod(func(b []byte) []byte { b[10]++; return b }),
		"trailing":   append(bytes.Clone(good), 0),
	} {
		if _, err := parsePassphraseParams(b); err != ErrSealed {
			t.Errorf("parsePassphraseParams(%s) = %v, want ErrSealed", name, err)
		}
	}
	if _, err := parsePassphraseParams(good); err != nil {
		t.Fatalf("parsePassphraseParams(good) = %v", err)
	}
}
