package remote

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"

	"gocloud.dev/secrets/localsecrets"

	"github.com/coffer-vault/coffer/internal/kms"
)

var update = flag.Bool("update", false, "write new testdata/v1/vectors.json (never needed unless the format changes)")

const goldenFile = "testdata/v1/vectors.json"

// vectorFile is testdata/v1/vectors.json: a base64key:// URL (a test key,
// public), an audit.key made with it, and wrapped keys, each with what
// unwrapping it must give. A second implementation decrypts a ciphertext
// with NaCl secretbox (24-byte nonce first) under the URL's key.
type vectorFile struct {
	Comment      string   `json:"comment"`
	URL          string   `json:"url"`
	KEK          string   `json:"kek"`
	AuditKeyFile string   `json:"audit_key_file"` // hex
	AuditKey     string   `json:"audit_key"`      // hex
	Vectors      []vector `json:"vectors"`
}

type vector struct {
	Name    string `json:"name"`
	Wrapped string `json:"wrapped"` // hex
	AAD     string `json:"aad"`     // hex
	Expect  string `json:"expect"`  // success | unwrap failure | unknown kek
	DEK     string `json:"dek,omitempty"`
}

func unhex(t testing.TB, s string) []byte {
	t.Helper()
	b, err := hex.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// goldenKeyring opens, uncached, a keyring on a copy of the vectors'
// audit.key.
func goldenKeyring(t testing.TB) (*Keyring, vectorFile) {
	t.Helper()
	var vf vectorFile
	b, err := os.ReadFile(goldenFile)
	if err == nil {
		err = json.Unmarshal(b, &vf)
	}
	if err != nil || len(vf.Vectors) == 0 {
		t.Fatalf("%s: %v, %d vectors", goldenFile, err, len(vf.Vectors))
	}
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, AuditKeyFile), unhex(t, vf.AuditKeyFile), 0o600); err != nil {
		t.Fatal(err)
	}
	k, err := Open(context.Background(), dir, vf.URL, WithCache(0, 0, 0))
	if err != nil {
		t.Fatalf("Open(%s) = %v", goldenFile, err)
	}
	t.Cleanup(func() { k.Close() })
	return k, vf
}

func TestGolden(t *testing.T) {
	if *update {
		writeGolden(t)
	}
	k, vf := goldenKeyring(t)
	ctx := context.Background()
	if a, _ := k.AuditKey(ctx); !bytes.Equal(a, unhex(t, vf.AuditKey)) {
		t.Fatal("the golden audit.key unwraps to another audit key")
	}
	for _, v := range vf.Vectors {
		dek, err := k.Unwrap(ctx, unhex(t, v.Wrapped), unhex(t, v.AAD))
		switch v.Expect {
		case "success":
			if err != nil || hex.EncodeToString(dek.Bytes()) != v.DEK {
				t.Errorf("%s: Unwrap = %v, want DEK %s", v.Name, err, v.DEK)
			}
			checkInner(t, vf, v)
		case "unwrap failure", "unknown kek":
			var other *unknownKEK
			if !errors.Is(err, kms.ErrUnwrap) || errors.As(err, &other) != (v.Expect == "unknown kek") {
				t.Errorf("%s: Unwrap err = %v, want %s", v.Name, err, v.Expect)
			}
		default:
			t.Fatalf("%s: unknown expect %q", v.Name, v.Expect)
		}
	}
}

// checkInner decrypts a vector as a second implementation would and checks
// the inner envelope against docs/kms-remote.md.
func checkInner(t *testing.T, vf vectorFile, v vector) {
	key, err := base64.URLEncoding.DecodeString(vf.URL[len("base64key://"):])
	if err != nil {
		t.Fatal(err)
	}
	keeper := localsecrets.NewKeeper([32]byte(key))
	defer keeper.Close()
	w := unhex(t, v.Wrapped)
	n := int(w[1])
	header, ct := w[:2+n], w[2+n+2:]
	inner, err := keeper.Decrypt(context.Background(), ct)
	if err != nil {
		t.Fatalf("%s: secretbox open = %v", v.Name, err)
	}
	h := sha256.New()
	h.Write([]byte(labelDEK + "\x00"))
	h.Write(header)
	h.Write(unhex(t, v.AAD))
	want := append(append([]byte{1}, h.Sum(nil)...), unhex(t, v.DEK)...)
	if w[0] != 0x21 || !bytes.Equal(inner, want) {
		t.Fatalf("%s: inner envelope %x, want %x", v.Name, inner, want)
	}
}

func writeGolden(t *testing.T) {
	ctx := context.Background()
	key := sha256.Sum256([]byte("coffer remote keyring test vectors: a public test key"))
	url := "base64key://" + base64.URLEncoding.EncodeToString(key[:])
	dir := t.TempDir()
	k, err := Create(ctx, dir, url, WithCache(0, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	defer k.Close()
	file, _ := os.ReadFile(filepath.Join(dir, AuditKeyFile))
	audit, _ := k.AuditKey(ctx)
	vf := vectorFile{
		Comment:      "coffer remote keyring v1 (docs/kms-remote.md): wrapped keys under the base64key URL, with what unwrapping each must give",
		URL:          url,
		KEK:          k.b.name,
		AuditKeyFile: hex.EncodeToString(file),
		AuditKey:     hex.EncodeToString(audit),
	}
	add := func(name string, w, aad, dek []byte, expect string) {
		v := vector{Name: name, Wrapped: hex.EncodeToString(w), AAD: hex.EncodeToString(aad), Expect: expect}
		if expect == "success" {
			v.DEK = hex.EncodeToString(dek)
		}
		vf.Vectors = append(vf.Vectors, v)
	}
	dek := bytes.Repeat([]byte{0x42}, keySize)
	aad := []byte(`{"classification":"restricted","dataset":"census","version":"3f1c"}`)
	w, _, _ := k.Wrap(ctx, kms.DEKFromBytes(dek), aad)
	w0, _, _ := k.Wrap(ctx, kms.DEKFromBytes(dek), nil)
	add("context", w, aad, dek, "success")
	add("no context", w0, nil, dek, "success")
	add("wrong context", w, []byte(`{"classification":"internal","dataset":"census","version":"3f1c"}`), nil, "unwrap failure")
	add("ciphertext byte flipped", append(bytes.Clone(w[:len(w)-1]), w[len(w)-1]^1), aad, nil, "unwrap failure")
	add("truncated", w[:len(w)-1], aad, nil, "unwrap failure")
	add("extended", append(bytes.Clone(w), 0), aad, nil, "unwrap failure")
	add("local keyring format", append([]byte{1}, w[1:]...), aad, nil, "unwrap failure")
	e, _ := parseEnvelope(w)
	add("other kek", marshalEnvelope("remote-awskms", e.ciphertext), aad, nil, "unknown kek")
	inner := sealInner(labelAudit, e.header, aad, dek)
	ct, _ := k.b.keeper.Encrypt(ctx, inner)
	add("audit key label", marshalEnvelope(k.b.name, ct), aad, nil, "unwrap failure")
	inner[0] = 2
	ct, _ = k.b.keeper.Encrypt(ctx, inner)
	add("inner version 2", marshalEnvelope(k.b.name, ct), aad, nil, "unwrap failure")
	out, err := json.MarshalIndent(vf, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(filepath.Dir(goldenFile), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(goldenFile, append(out, '\n'), 0o644); err != nil {
		t.Fatal(err)
	}
}
