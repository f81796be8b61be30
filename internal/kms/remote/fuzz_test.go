package remote

import (
	"bytes"
	"context"
	"errors"
	"testing"

	"github.com/coffer-vault/coffer/internal/kms"
)

// FuzzEnvelope checks the wrapped-key parser and Unwrap on the golden
// keyring: parseEnvelope round-trips what it accepts and keeps every
// length in bounds; Unwrap never panics, fails only with kms.ErrUnwrap,
// and succeeds only for a golden wrap with its own aad (the fuzzer cannot
// forge the KMS's authenticated encryption). It is seeded from the vectors
// and fails without them.
func FuzzEnvelope(f *testing.F) {
	k, vf := goldenKeyring(f)
	var good []vector
	for _, v := range vf.Vectors {
		f.Add(unhex(f, v.Wrapped), unhex(f, v.AAD))
		if v.Expect == "success" {
			good = append(good, v)
		}
	}
	if len(good) == 0 {
		f.Fatal("no successful vectors to seed from")
	}
	f.Add([]byte{}, []byte{})
	f.Add([]byte{wrapFormat, 1, 'a', 0xff, 0xff}, []byte{})
	f.Fuzz(func(t *testing.T, w, aad []byte) {
		e, ok := parseEnvelope(w)
		if ok {
			if !bytes.Equal(marshalEnvelope(e.name, e.ciphertext), w) {
				t.Fatalf("parseEnvelope does not round-trip %x", w)
			}
			if !validName(e.name) || len(e.ciphertext) == 0 || len(e.ciphertext) > maxCiphertext {
				t.Fatalf("parseEnvelope accepted out-of-bounds %x", w)
			}
		}
		dek, err := k.Unwrap(context.Background(), w, aad)
		if err != nil {
			if !errors.Is(err, kms.ErrUnwrap) || dek != nil {
				t.Fatalf("Unwrap = %v, %v; want nil, kms.ErrUnwrap", dek, err)
			}
			return
		}
		for _, v := range good {
			if bytes.Equal(w, unhex(t, v.Wrapped)) && bytes.Equal(aad, unhex(t, v.AAD)) {
				return
			}
		}
		t.Fatalf("Unwrap accepted %x with aad %x, which is no golden wrap", w, aad)
	})
}
