// Package config reads and writes a vault's configuration file (coffer.yaml)
// and resolves the backend URLs it names. Backends are chosen here, by URL
// scheme, and nowhere else.
//
// # Security
//
// The configuration names where things are, never secrets: a PostgreSQL URL
// should take its password from the environment (PGPASSWORD) or a .pgpass
// file, and config refuses a URL that carries one.
package config

import (
	"bytes"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"
)

// FileName is the configuration file inside a vault's home.
const FileName = "coffer.yaml"

// Config is a vault's configuration.
type Config struct {
	Catalog   string `yaml:"catalog"`    // sqlite:PATH or postgres://...
	Blobs     string `yaml:"blobs"`      // file:PATH
	Keyring   string `yaml:"keyring"`    // local:DIR (root.key and keyring inside)
	ChunkSize int    `yaml:"chunk_size"` // bytes per sealed chunk
	Root      Root   `yaml:"root"`       // what seals the local keyring
}

// Root says what seals the local keyring: a root key file (the default), a
// passphrase (Argon2id; from COFFER_PASSPHRASE or a prompt) or an AES key
// inside a PKCS#11 token (PIN from COFFER_PKCS11_PIN or a prompt).
type Root struct {
	Kind   string `yaml:"kind"`             // file, passphrase or pkcs11
	Module string `yaml:"module,omitempty"` // pkcs11: the token's PKCS#11 library
	Token  string `yaml:"token,omitempty"`  // pkcs11: token label
	Key    string `yaml:"key,omitempty"`    // pkcs11: key label (default coffer-root)
}

// Check reports the first invalid root setting.
func (r Root) Check() error {
	switch r.Kind {
	case "file", "passphrase":
		if r.Module != "" || r.Token != "" || r.Key != "" {
			return fmt.Errorf("root: module, token and key apply to kind pkcs11 only")
		}
	case "pkcs11":
		if r.Module == "" || r.Token == "" {
			return fmt.Errorf("root: kind pkcs11 needs module (the PKCS#11 library) and token (its label)")
		}
	default:
		return fmt.Errorf("root: kind %q is unknown (want file, passphrase or pkcs11)", r.Kind)
	}
	return nil
}

// Default is the embedded-default configuration: everything inside home.
func Default() Config {
	return Config{
		Catalog:   "sqlite:catalog.db",
		Blobs:     "file:blobs",
		Keyring:   "local:keys",
		ChunkSize: 64 << 10,
		Root:      Root{Kind: "file"},
	}
}

const header = `# coffer vault configuration (see docs/configuration.md).
# Relative paths are relative to this directory.
#
# catalog:    sqlite:PATH (embedded default) or postgres://USER@HOST:PORT/DB
#             (password from PGPASSWORD or ~/.pgpass, never in this file)
# blobs:      file:DIR (ciphertext only)
# keyring:    local:DIR (root.key and keyring; keep root.key apart from backups),
#             or kms:URL for an external KMS (awskms://, gcpkms://, azurekeyvault://,
#             hashivault://), or kms:env to read the URL from COFFER_KMS_URL
# chunk_size: plaintext bytes per sealed chunk, 1 KiB to 16 MiB
# root:       what seals the keyring: kind file (keyring/root.key), passphrase
#             (COFFER_PASSPHRASE or a prompt) or pkcs11 (module, token, key;
#             PIN from COFFER_PKCS11_PIN or a prompt); change it with
#             coffer key migrate-root
`

// Write writes c to home/coffer.yaml with mode 0600; it fails if the file exists.
func Write(home string, c Config) error { return write(home, c, false) }

// Replace atomically replaces home/coffer.yaml with c.
func Replace(home string, c Config) error { return write(home, c, true) }

func write(home string, c Config, replace bool) error {
	if err := c.Check(); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	var buf bytes.Buffer
	buf.WriteString(header)
	if err := yaml.NewEncoder(&buf).Encode(c); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	p := filepath.Join(home, FileName)
	if _, err := os.Stat(p); err == nil && !replace {
		return fmt.Errorf("config: %s exists", p)
	}
	f, err := os.CreateTemp(home, ".coffer.yaml-*")
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	defer os.Remove(f.Name()) // a no-op after the rename
	_, err = f.Write(buf.Bytes())
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), p)
	}
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return nil
}

// Read reads home/coffer.yaml and checks it.
func Read(home string) (Config, error) {
	p := filepath.Join(home, FileName)
	b, err := os.ReadFile(p)
	if err != nil {
		return Config{}, err
	}
	c, err := Parse(b)
	if err != nil {
		return Config{}, fmt.Errorf("config: %s: %v", p, err)
	}
	return c, nil
}

// Parse decodes and checks a configuration file's contents. Unknown keys
// are errors, so that a misspelt setting never silently falls back.
func Parse(b []byte) (Config, error) {
	var c Config
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(&c); err != nil {
		return Config{}, err
	}
	if c.Root.Kind == "" {
		c.Root.Kind = "file" // files written before roots were configurable
	}
	return c, c.Check()
}

// Check reports the first invalid setting.
func (c Config) Check() error {
	if c.ChunkSize < 1<<10 || c.ChunkSize > 16<<20 {
		return fmt.Errorf("chunk_size %d is outside 1024..16777216", c.ChunkSize)
	}
	if err := c.Root.Check(); err != nil {
		return err
	}
	for _, s := range []struct{ key, val string }{{"catalog", c.Catalog}, {"blobs", c.Blobs}, {"keyring", c.Keyring}} {
		if _, _, err := Backend(s.val); err != nil {
			return fmt.Errorf("%s: %v", s.key, err)
		}
	}
	return nil
}

// Backend splits a backend URL into its scheme and location: the path for
// sqlite:, file: and local:, the whole URL for postgres://.
func Backend(raw string) (scheme, location string, err error) {
	scheme, rest, ok := strings.Cut(raw, ":")
	if !ok || rest == "" {
		return "", "", fmt.Errorf("%q is not a backend URL (want scheme:location)", raw)
	}
	switch scheme {
	case "sqlite", "file", "local":
		return scheme, strings.TrimPrefix(rest, "//"), nil
	case "kms":
		// kms:env reads the KMS URL from COFFER_KMS_URL; kms:URL names it.
		if rest != "env" && strings.HasPrefix(rest, "base64key:") {
			return "", "", fmt.Errorf("a base64key:// URL holds the key itself; put it in COFFER_KMS_URL and write keyring: kms:env")
		}
		return "kms", rest, nil
	case "postgres", "postgresql":
		u, err := url.Parse(raw)
		if err != nil {
			return "", "", fmt.Errorf("%q is not a valid PostgreSQL URL", redact(raw))
		}
		if _, has := u.User.Password(); has {
			return "", "", fmt.Errorf("the PostgreSQL URL carries a password; put it in PGPASSWORD or ~/.pgpass instead")
		}
		return "postgres", raw, nil
	}
	return "", "", fmt.Errorf("unknown backend scheme %q (want sqlite:, postgres://, file:, local: or kms:)", scheme)
}

// Resolve makes a backend path absolute relative to home.
func Resolve(home, location string) string {
	if filepath.IsAbs(location) {
		return location
	}
	return filepath.Join(home, location)
}

func redact(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	return "(unparsable URL)"
}
