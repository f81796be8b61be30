package remote

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
	"net"
	"sync/atomic"
	"testing"

	"github.com/hashicorp/vault/api"
	"gocloud.dev/gcerrors"
	"gocloud.dev/secrets"

	"github.com/coffer-vault/coffer/internal/kms"
	"github.com/coffer-vault/coffer/internal/kms/kmstest"
)

// fakeDriver is a gocloud secrets driver over AES-GCM that can be told to
// fail (with an error and the code its driver would report), to panic, or
// to cancel the caller's context, and counts its calls.
type fakeDriver struct {
	aead     cipher.AEAD
	fail     error
	code     gcerrors.ErrorCode
	panics   bool
	cancel   context.CancelFunc
	decrypts atomic.Int64
}

func newFakeDriver(t testing.TB) *fakeDriver {
	key := make([]byte, 32)
	rand.Read(key)
	block, _ := aes.NewCipher(key)
	aead, err := cipher.NewGCM(block)
	if err != nil {
		t.Fatal(err)
	}
	return &fakeDriver{aead: aead}
}

func (d *fakeDriver) Encrypt(_ context.Context, p []byte) ([]byte, error) {
	if d.fail != nil {
		return nil, d.fail
	}
	nonce := make([]byte, 12)
	rand.Read(nonce)
	return d.aead.Seal(nonce, nonce, p, nil), nil
}

func (d *fakeDriver) Decrypt(_ context.Context, c []byte) ([]byte, error) {
	d.decrypts.Add(1)
	if d.panics {
		var m map[string]any
		return []byte(m["plaintext"].(string)), nil // what hashivault does with an empty reply
	}
	if d.cancel != nil {
		d.cancel()
		return nil, errors.New("request canceled")
	}
	if d.fail != nil {
		return nil, d.fail
	}
	if len(c) < 12 {
		return nil, errors.New("short")
	}
	return d.aead.Open(nil, c[:12], c[12:], nil)
}

func (d *fakeDriver) Close() error                       { return nil }
func (d *fakeDriver) ErrorAs(error, any) bool            { return false }
func (d *fakeDriver) ErrorCode(error) gcerrors.ErrorCode { return d.code }

func fakeKeyring(t testing.TB, d *fakeDriver, o ...Option) *Keyring {
	return fakeKeyringAt(t, testURL, d, o...)
}

// fakeKeyringAt is a keyring whose KMS is d, as if opened with rawURL.
func fakeKeyringAt(t testing.TB, rawURL string, d *fakeDriver, o ...Option) *Keyring {
	t.Helper()
	u, err := parseURL(rawURL)
	if err != nil {
		t.Fatal(err)
	}
	opts := &options{name: "fake", ttl: DefaultCacheTTL, maxUses: DefaultCacheMaxUses, maxEntries: DefaultCacheMaxEntries}
	for _, f := range o {
		f(opts)
	}
	b := &backend{url: u, name: opts.name, keeper: secrets.NewKeeper(d), audit: make([]byte, 32)}
	k := newKeyring(b, opts)
	t.Cleanup(func() { k.Close() })
	return k
}

// testURL's key and query values are what no error may show.
const (
	testKey    = "smGbjm71Nxd1Ig5FS0wj9SlbzAIrnolCz9bQQ6uAhl4="
	testSecret = "hunter2-hunter2"
	testURL    = "base64key://" + testKey + "?token=" + testSecret
	testAWSURL = "awskms:///alias/coffer?region=eu-west-1&context_token=" + testSecret
)

func TestProviderErrors(t *testing.T) {
	quoting := func(u string) error { return fmt.Errorf("open keeper %s: token %s refused", u, testSecret) }
	tests := []struct {
		name   string
		url    string
		err    error
		code   gcerrors.ErrorCode
		unwrap bool // want kms.ErrUnwrap, else ErrProvider
	}{
		{"rejected ciphertext", testAWSURL, errors.New("InvalidCiphertextException"), gcerrors.InvalidArgument, true},
		{"key not found", testAWSURL, errors.New("no such key"), gcerrors.NotFound, true},
		{"base64key failure", testURL, quoting(testURL), gcerrors.Unknown, true},
		{"unmapped code", testAWSURL, quoting(testAWSURL), gcerrors.Unknown, false},
		{"permission denied", testAWSURL, quoting(testAWSURL), gcerrors.PermissionDenied, false},
		{"disabled key", testAWSURL, errors.New("KMSInvalidStateException"), gcerrors.FailedPrecondition, false},
		{"throttled", testAWSURL, errors.New("slow down"), gcerrors.ResourceExhausted, false},
		{"outage", testAWSURL, errors.New("internal"), gcerrors.Internal, false},
		{"network", testURL, &net.OpError{Op: "dial", Err: errors.New("connection refused")}, gcerrors.Unknown, false},
		{"vault 400", testAWSURL, &api.ResponseError{StatusCode: 400, Errors: []string{"cipher: message authentication failed"}}, gcerrors.Unknown, true},
		{"vault 403", testAWSURL, &api.ResponseError{StatusCode: 403, Errors: []string{"permission denied"}}, gcerrors.Unknown, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := newFakeDriver(t)
			k := fakeKeyringAt(t, tt.url, d, WithCache(0, 0, 0))
			dek := kms.NewDEK()
			w := kmstest.Wrap(t, k, dek, nil)
			d.fail, d.code = tt.err, tt.code
			_, err := k.Unwrap(context.Background(), w, nil)
			if got := errors.Is(err, kms.ErrUnwrap); got != tt.unwrap || errors.Is(err, ErrProvider) == tt.unwrap {
				t.Fatalf("Unwrap err = %v; want kms.ErrUnwrap %v, ErrProvider %v", err, tt.unwrap, !tt.unwrap)
			}
			checkRedacted(t, err.Error())
			_, _, err = k.Wrap(context.Background(), dek, nil)
			if !errors.Is(err, ErrProvider) || errors.Is(err, kms.ErrUnwrap) {
				t.Fatalf("Wrap err = %v, want ErrProvider", err)
			}
			checkRedacted(t, err.Error())
		})
	}
}

func TestProviderPanicAndCancel(t *testing.T) {
	d := newFakeDriver(t)
	k := fakeKeyring(t, d, WithCache(0, 0, 0))
	w := kmstest.Wrap(t, k, kms.NewDEK(), nil)
	d.panics = true
	if _, err := k.Unwrap(context.Background(), w, nil); !errors.Is(err, ErrProvider) {
		t.Fatalf("Unwrap through a panicking driver err = %v, want ErrProvider", err)
	}
	d.panics = false
	ctx, cancel := context.WithCancel(context.Background())
	d.cancel = cancel
	if _, err := k.Unwrap(ctx, w, nil); !errors.Is(err, context.Canceled) || errors.Is(err, kms.ErrUnwrap) {
		t.Fatalf("Unwrap canceled during the call err = %v, want context.Canceled", err)
	}
}

func TestCacheSavesCalls(t *testing.T) {
	for _, tt := range []struct {
		name  string
		opts  []Option
		calls int64
	}{
		{"default", nil, 1},
		{"off", []Option{WithCache(0, 0, 0)}, 3},
		{"two uses", []Option{WithCache(DefaultCacheTTL, 2, 10)}, 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			d := newFakeDriver(t)
			k := fakeKeyring(t, d, tt.opts...)
			dek := kms.NewDEK()
			w := kmstest.Wrap(t, k, dek, []byte("a"))
			for range 3 {
				got, err := k.Unwrap(context.Background(), w, []byte("a"))
				if err != nil || !bytes.Equal(got.Bytes(), dek.Bytes()) {
					t.Fatalf("Unwrap = %v", err)
				}
				got.Zero()
			}
			if n := d.decrypts.Load(); n != tt.calls {
				t.Fatalf("3 Unwraps made %d KMS calls, want %d", n, tt.calls)
			}
			// The cache is keyed by the aad too: another context calls the KMS.
			kmstest.MustFail(t, k, w, []byte("b"), dek.Bytes(), "another aad with a cached key")
		})
	}
}

func TestSchemesRegistered(t *testing.T) {
	for _, s := range Schemes() {
		if !secrets.DefaultURLMux().ValidKeeperScheme(s) {
			t.Errorf("scheme %s:// has no gocloud driver registered", s)
		}
	}
}
