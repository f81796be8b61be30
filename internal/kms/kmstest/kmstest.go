package kmstest

import (
	"bytes"
	"context"
	"errors"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/coffer-vault/coffer/internal/kms"
)

// Run runs the conformance suite; newKeyring must return a working keyring
// and arrange its cleanup with t.Cleanup.
func Run(t *testing.T, newKeyring func(t *testing.T) kms.Keyring) {
	tests := []struct {
		name string
		fn   func(*testing.T, kms.Keyring)
	}{
		{"RoundTrip", testRoundTrip},
		{"WrongAAD", testWrongAAD},
		{"FlippedBytes", testFlippedBytes},
		{"Truncated", testTruncated},
		{"Extended", testExtended},
		{"Garbage", testGarbage},
		{"DistinctWraps", testDistinctWraps},
		{"BadDEK", testBadDEK},
		{"Canceled", testCanceled},
		{"AuditKey", testAuditKey},
		{"Concurrent", testConcurrent},
		{"Redacted", func(t *testing.T, _ kms.Keyring) { testRedacted(t) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newKeyring(t)) })
	}
}

var keyIDPattern = regexp.MustCompile(`^[a-z0-9-]+@[1-9][0-9]*$`)

// Wrap wraps dek under aad and fails the test on error.
func Wrap(t testing.TB, k kms.Keyring, dek *kms.DEK, aad []byte) []byte {
	t.Helper()
	w, id, err := k.Wrap(context.Background(), dek, aad)
	if err != nil {
		t.Fatalf("Wrap = %v", err)
	}
	if !keyIDPattern.MatchString(id) {
		t.Fatalf("Wrap keyID = %q, want name@version", id)
	}
	return w
}

// MustFail checks that unwrapping w under aad fails with kms.ErrUnwrap and
// that the error does not hold the DEK.
func MustFail(t testing.TB, k kms.Keyring, w, aad []byte, dek []byte, what string) {
	t.Helper()
	got, err := k.Unwrap(context.Background(), w, aad)
	if err == nil {
		got.Zero()
		t.Fatalf("Unwrap(%s) succeeded, want kms.ErrUnwrap", what)
	}
	if !errors.Is(err, kms.ErrUnwrap) {
		t.Fatalf("Unwrap(%s) err = %v, want kms.ErrUnwrap", what, err)
	}
	if got != nil {
		t.Fatalf("Unwrap(%s) returned a DEK with its error", what)
	}
	CheckNoSecret(t, err.Error(), dek)
}

func testRoundTrip(t *testing.T, k kms.Keyring) {
	for _, aad := range [][]byte{nil, []byte("dataset=x;version=3"), bytes.Repeat([]byte{0xa5}, 4096)} {
		dek := kms.NewDEK()
		want := bytes.Clone(dek.Bytes())
		w := Wrap(t, k, dek, aad)
		dek.Zero() // the keyring must not have kept a reference to it
		got, err := k.Unwrap(context.Background(), w, aad)
		if err != nil {
			t.Fatalf("Unwrap(Wrap(dek, %d-byte aad)) = %v", len(aad), err)
		}
		if !bytes.Equal(got.Bytes(), want) {
			t.Fatalf("Unwrap(Wrap(dek)) returned another key")
		}
		if bytes.Contains(w, want) {
			t.Fatal("the wrapped key holds the DEK in clear")
		}
	}
}

func testWrongAAD(t *testing.T, k kms.Keyring) {
	dek := kms.NewDEK()
	aad := []byte("dataset=x;version=3")
	w := Wrap(t, k, dek, aad)
	for _, other := range []string{"", "dataset=x;version=4", "dataset=x;version=3 ", "dataset=x;version="} {
		MustFail(t, k, w, []byte(other), dek.Bytes(), "aad "+other)
	}
}

func testFlippedBytes(t *testing.T, k kms.Keyring) {
	dek := kms.NewDEK()
	aad := []byte("ctx")
	w := Wrap(t, k, dek, aad)
	for i := range w {
		for _, mask := range []byte{0x01, 0x80} {
			bad := bytes.Clone(w)
			bad[i] ^= mask
			MustFail(t, k, bad, aad, dek.Bytes(), "byte flipped")
		}
	}
}

func testTruncated(t *testing.T, k kms.Keyring) {
	dek := kms.NewDEK()
	w := Wrap(t, k, dek, nil)
	for n := range len(w) {
		MustFail(t, k, w[:n], nil, dek.Bytes(), "truncated")
	}
}

func testExtended(t *testing.T, k kms.Keyring) {
	dek := kms.NewDEK()
	w := Wrap(t, k, dek, nil)
	MustFail(t, k, append(bytes.Clone(w), 0), nil, dek.Bytes(), "extended")
	MustFail(t, k, append(bytes.Clone(w), w...), nil, dek.Bytes(), "doubled")
}

func testGarbage(t *testing.T, k kms.Keyring) {
	for _, g := range [][]byte{nil, {}, {0}, {1}, bytes.Repeat([]byte{0xff}, 200), make([]byte, 1<<16)} {
		MustFail(t, k, g, nil, nil, "garbage")
	}
}

func testDistinctWraps(t *testing.T, k kms.Keyring) {
	dek := kms.NewDEK()
	w1, w2 := Wrap(t, k, dek, nil), Wrap(t, k, dek, nil)
	if bytes.Equal(w1, w2) {
		t.Fatal("two wraps of one DEK are equal; wrapping must be randomized")
	}
	for _, w := range [][]byte{w1, w2} {
		got, err := k.Unwrap(context.Background(), w, nil)
		if err != nil || !bytes.Equal(got.Bytes(), dek.Bytes()) {
			t.Fatalf("Unwrap of a second wrap = %v", err)
		}
	}
}

func testBadDEK(t *testing.T, k kms.Keyring) {
	ctx := context.Background()
	for _, dek := range []*kms.DEK{nil, kms.DEKFromBytes(nil), kms.DEKFromBytes(make([]byte, 16)), kms.DEKFromBytes(make([]byte, 33))} {
		if _, _, err := k.Wrap(ctx, dek, nil); err == nil {
			t.Errorf("Wrap(%d-byte DEK) succeeded, want an error", len(dek.Bytes()))
		}
	}
}

func testCanceled(t *testing.T, k kms.Keyring) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	dek := kms.NewDEK()
	w := Wrap(t, k, dek, nil)
	if _, _, err := k.Wrap(ctx, dek, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Wrap with a canceled context err = %v, want context.Canceled", err)
	}
	if _, err := k.Unwrap(ctx, w, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("Unwrap with a canceled context err = %v, want context.Canceled", err)
	}
	if _, err := k.AuditKey(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("AuditKey with a canceled context err = %v, want context.Canceled", err)
	}
}

func testAuditKey(t *testing.T, k kms.Keyring) {
	ctx := context.Background()
	a, err := k.AuditKey(ctx)
	if err != nil || len(a) < 32 {
		t.Fatalf("AuditKey = %d bytes, %v; want at least 32", len(a), err)
	}
	want := bytes.Clone(a)
	clear(a) // a caller's copy; the keyring's must not change
	b, err := k.AuditKey(ctx)
	if err != nil || !bytes.Equal(b, want) {
		t.Fatalf("AuditKey after the caller cleared its copy differs (err %v)", err)
	}
}

func testConcurrent(t *testing.T, k kms.Keyring) {
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 50 {
				dek := kms.NewDEK()
				w, _, err := k.Wrap(context.Background(), dek, []byte("c"))
				if err != nil {
					t.Errorf("concurrent Wrap = %v", err)
					return
				}
				got, err := k.Unwrap(context.Background(), w, []byte("c"))
				if err != nil || !bytes.Equal(got.Bytes(), dek.Bytes()) {
					t.Errorf("concurrent Unwrap = %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// CheckNoSecret fails the test if s shows secret in a form a printer might
// use: raw, hex, base64 or Go's byte-slice syntax.
func CheckNoSecret(t testing.TB, s string, secret []byte) {
	t.Helper()
	if len(secret) == 0 {
		return
	}
	for _, form := range secretForms(secret) {
		if strings.Contains(s, form) {
			t.Fatalf("output %q shows the secret", s)
		}
	}
}
