package local

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coffer-vault/coffer/internal/kms"
)

var update = flag.Bool("update", false, "write new testdata/v1 (a new keyring; never needed unless the format changes)")

const goldenDir = "testdata/v1"

// vectorFile is testdata/v1/vectors.json: wrapped keys made by the keyring
// in testdata/v1, each with what unwrapping it must give.
type vectorFile struct {
	Comment  string   `json:"comment"`
	Contents string   `json:"keyring_contents"` // the keyring file's plaintext
	AuditKey string   `json:"audit_key"`
	Vectors  []vector `json:"vectors"`
}

type vector struct {
	Name    string `json:"name"`
	Wrapped string `json:"wrapped"` // hex
	AAD     string `json:"aad"`     // hex
	Expect  string `json:"expect"`  // success | unwrap failure | unknown kek
	DEK     string `json:"dek,omitempty"`
}

// goldenKeyring copies testdata/v1 into a fresh directory (git does not
// keep mode 0600) and opens it.
func goldenKeyring(t testing.TB) (*Keyring, vectorFile) {
	t.Helper()
	dir := t.TempDir()
	for _, name := range []string{RootKeyFile, KeyringFile} {
		b, err := os.ReadFile(filepath.Join(goldenDir, name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	k, err := Open(dir)
	if err != nil {
		t.Fatalf("Open(testdata/v1) = %v", err)
	}
	var vf vectorFile
	b, err := os.ReadFile(filepath.Join(goldenDir, "vectors.json"))
	if err == nil {
		err = json.Unmarshal(b, &vf)
	}
	if err != nil || len(vf.Vectors) == 0 {
		t.Fatalf("testdata/v1/vectors.json: %v, %d vectors", err, len(vf.Vectors))
	}
	return k, vf
}

func TestGolden(t *testing.T) {
	if *update {
		writeGolden(t)
	}
	k, vf := goldenKeyring(t)
	b, _ := os.ReadFile(filepath.Join(goldenDir, KeyringFile))
	if want := magic + "\x01\x01\x00\x00"; !strings.HasPrefix(string(b), want) {
		t.Fatalf("testdata/v1/keyring starts %q, want %q", b[:len(want)], want)
	}
	root, _ := os.ReadFile(filepath.Join(goldenDir, RootKeyFile))
	if plain, err := openFile(root, b); err != nil || string(plain) != vf.Contents {
		t.Fatalf("testdata/v1/keyring decrypts to %q, %v; want vectors.json keyring_contents", plain, err)
	}
	if a, _ := k.AuditKey(context.Background()); hex.EncodeToString(a) != vf.AuditKey {
		t.Fatal("the golden keyring's audit key is not the one in vectors.json")
	}
	for _, v := range vf.Vectors {
		w, _ := hex.DecodeString(v.Wrapped)
		aad, _ := hex.DecodeString(v.AAD)
		dek, err := k.Unwrap(context.Background(), w, aad)
		var unknown *unknownKEK
		switch {
		case v.Expect == "success" && (err != nil || hex.EncodeToString(dek.Bytes()) != v.DEK):
			t.Errorf("%s: Unwrap = %v, want the vector's DEK", v.Name, err)
		case v.Expect == "unwrap failure" && (!errors.Is(err, kms.ErrUnwrap) || errors.As(err, &unknown)):
			t.Errorf("%s: Unwrap err = %v, want kms.ErrUnwrap", v.Name, err)
		case v.Expect == "unknown kek" && !errors.As(err, &unknown):
			t.Errorf("%s: Unwrap err = %v, want an unknown KEK", v.Name, err)
		case v.Expect != "success" && v.Expect != "unwrap failure" && v.Expect != "unknown kek":
			t.Errorf("%s: unknown expect %q", v.Name, v.Expect)
		}
	}
}

func writeGolden(t *testing.T) {
	if err := os.RemoveAll(goldenDir); err != nil {
		t.Fatal(err)
	}
	k, err := Create(goldenDir)
	if err != nil {
		t.Fatal(err)
	}
	audit, _ := k.AuditKey(context.Background())
	root, _ := os.ReadFile(filepath.Join(goldenDir, RootKeyFile))
	sealed, _ := os.ReadFile(filepath.Join(goldenDir, KeyringFile))
	plain, err := openFile(root, sealed)
	if err != nil {
		t.Fatal(err)
	}
	dek := kms.DEKFromBytes(bytes.Repeat([]byte{0x42}, dekSize))
	aad := []byte(`{"dataset":"census","version":3}`)
	w, _, err := k.Wrap(context.Background(), dek, aad)
	if err != nil {
		t.Fatal(err)
	}
	mod := func(f func([]byte) []byte) string { return hex.EncodeToString(f(bytes.Clone(w))) }
	h := hex.EncodeToString
	vf := vectorFile{
		Comment:  "Wrapped DEKs under testdata/v1/keyring (root key testdata/v1/root.key); see docs/keyring.md.",
		Contents: string(plain),
		AuditKey: h(audit),
		Vectors: []vector{
			{Name: "default@1 with context", Wrapped: h(w), AAD: h(aad), Expect: "success", DEK: h(dek.Bytes())},
			{Name: "other context", Wrapped: h(w), AAD: h([]byte(`{"dataset":"census","version":4}`)), Expect: "unwrap failure"},
			{Name: "no context", Wrapped: h(w), Expect: "unwrap failure"},
			{Name: "tag changed", Wrapped: mod(func(b []byte) []byte { b[len(b)-1] ^= 1; return b }), AAD: h(aad), Expect: "unwrap failure"},
			{Name: "nonce changed", Wrapped: mod(func(b []byte) []byte { b[2+len(defaultKEK)+4] ^= 1; return b }), AAD: h(aad), Expect: "unwrap failure"},
			{Name: "truncated", Wrapped: mod(func(b []byte) []byte { return b[:len(b)-1] }), AAD: h(aad), Expect: "unwrap failure"},
			{Name: "trailing byte", Wrapped: mod(func(b []byte) []byte { return append(b, 0) }), AAD: h(aad), Expect: "unwrap failure"},
			{Name: "format 2", Wrapped: mod(func(b []byte) []byte { b[0] = 2; return b }), AAD: h(aad), Expect: "unwrap failure"},
			{Name: "version 2", Wrapped: mod(func(b []byte) []byte { b[2+len(defaultKEK)+3] = 2; return b }), AAD: h(aad), Expect: "unknown kek"},
		},
	}
	b, err := json.MarshalIndent(vf, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(goldenDir, "vectors.json"), append(b, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}
