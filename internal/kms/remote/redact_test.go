package remote

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coffer-vault/coffer/internal/kms"
	"github.com/coffer-vault/coffer/internal/kms/kmstest"
)

// checkRedacted fails if s shows testURL's key or secret query value.
func checkRedacted(t testing.TB, s string) {
	t.Helper()
	for _, secret := range []string{testKey, strings.TrimRight(testKey, "="), url.QueryEscape(testKey), testSecret} {
		if strings.Contains(s, secret) {
			t.Fatalf("%q shows a secret of the URL", s)
		}
	}
	key, _ := base64.URLEncoding.DecodeString(testKey)
	kmstest.CheckNoSecret(t, s, key)
}

func TestRedactedURLs(t *testing.T) {
	tests := []struct{ url, want string }{
		{"base64key://" + testKey, "base64key://REDACTED"},
		{testURL, "base64key://REDACTED/..."},
		{"awskms:///arn:aws:kms:eu-west-1:111122223333:key/k?region=eu-west-1", "awskms:///..."},
		{"hashivault://coffer?engine=transit", "hashivault://coffer/..."},
		{"azurekeyvault://v.vault.azure.net/keys/k/1", "azurekeyvault://v.vault.azure.net/..."},
		{"gcpkms://projects/p/locations/l/keyRings/r/cryptoKeys/k", "gcpkms://projects/..."},
	}
	for _, tt := range tests {
		u, err := parseURL(tt.url)
		if err != nil {
			t.Fatalf("parseURL(%s) = %v", tt.want, err)
		}
		if got := fmt.Sprintf("%v %+v %#v %s", u, *u, u, u.redacted); got != strings.Repeat(tt.want+" ", 3)+tt.want {
			t.Errorf("printed URL = %q, want %q", got, tt.want)
		}
	}
}

// TestURLNeverInErrors opens keyrings with bad and good URLs holding
// testKey and testSecret; no error and no printed keyring may show them.
func TestURLNeverInErrors(t *testing.T) {
	ctx := context.Background()
	short := base64.URLEncoding.EncodeToString(bytes.Repeat([]byte{7}, 31))
	bad := []string{
		testURL,                                 // the driver refuses the query parameter
		"base64key://" + testKey + "/%zz",       // not a URL
		"base64key:" + testKey,                  // opaque
		"base64key://user:" + testKey + "@host", // user information
		"vault://" + testKey,                    // no such scheme
		"base64key://",                          // no key: would be random
		"base64key://" + testKey + "#" + testSecret,
		"hashivault://coffer?engine=" + testSecret, // no Vault address: the driver quotes the URL
	}
	t.Setenv("VAULT_ADDR", "")
	t.Setenv("VAULT_SERVER_URL", "")
	for i, u := range bad {
		_, err := Create(ctx, t.TempDir(), u)
		if err == nil {
			t.Fatalf("Create accepted bad URL %d", i)
		}
		checkRedacted(t, err.Error())
	}
	if _, err := Create(ctx, t.TempDir(), "base64key://"+short); err == nil || strings.Contains(err.Error(), short) {
		t.Fatalf("Create with a 31-byte key err = %v", err)
	}

	good := "base64key://" + testKey
	k, dir := create(t, good)
	var errs []error
	_, _, err := k.WrapWith(ctx, "restricted", kms.NewDEK(), nil)
	errs = append(errs, err)
	_, err = Open(ctx, dir, "base64key://"+base64.URLEncoding.EncodeToString(bytes.Repeat([]byte{1}, 32)))
	errs = append(errs, err)
	_, err = Open(ctx, filepath.Join(dir, "missing"), good)
	errs = append(errs, err)
	_, err = Create(ctx, dir, good)
	errs = append(errs, err)
	for _, err := range errs {
		if err == nil {
			t.Fatal("a failing call succeeded")
		}
		checkRedacted(t, err.Error())
	}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("keyring", "k", k, "b", k.b)
	printed := fmt.Sprintf("%v %+v %#v %s %v %+v %+v", k, k, k, k, *k, k.b, *k.b) + buf.String() + k.KMS()
	checkRedacted(t, printed)
	if !strings.Contains(printed, "remote-base64key@1 in base64key://REDACTED") {
		t.Fatalf("printed keyring %q does not name its key and KMS", printed)
	}
}

func TestRandomKeyURLsAccepted(t *testing.T) {
	for range 20 { // URL-safe base64 of random keys: '-', '_' and '=' in the host
		key := make([]byte, 32)
		rand.Read(key)
		if _, err := parseURL("base64key://" + base64.URLEncoding.EncodeToString(key)); err != nil {
			t.Fatalf("parseURL(random key) = %v", err)
		}
	}
}

func TestSchemeNotQuoted(t *testing.T) {
	_, err := parseURL("hunter2secret:" + testKey)
	if err == nil || strings.Contains(err.Error(), "hunter2secret") || !strings.Contains(err.Error(), "awskms://") {
		t.Fatalf("parseURL(unknown scheme) err = %v", err)
	}
}
