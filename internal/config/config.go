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
}

// Default is the embedded-default configuration: everything inside home.
func Default() Config {
	return Config{
		Catalog:   "sqlite:catalog.db",
		Blobs:     "file:blobs",
		Keyring:   "local:keys",
		ChunkSize: 64 << 10,
	}
}

const header = `# coffer vault configuration (see docs/configuration.md).
# Relative paths are relative to this directory.
#
# catalog:    sqlite:PATH (embedded default) or postgres://USER@HOST:PORT/DB
#             (password from PGPASSWORD or ~/.pgpass, never in this file)
# blobs:      file:DIR (ciphertext only)
# keyring:    local:DIR (root.key and keyring; keep root.key apart from backups)
# chunk_size: plaintext bytes per sealed chunk, 1 KiB to 16 MiB
`

// Write writes c to home/coffer.yaml with mode 0600; it fails if the file exists.
func Write(home string, c Config) error {
	var buf bytes.Buffer
	buf.WriteString(header)
	enc := yaml.NewEncoder(&buf)
	if err := enc.Encode(c); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	p := filepath.Join(home, FileName)
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		return fmt.Errorf("config: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("config: %w", err)
	}
	return f.Close()
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
	return c, c.Check()
}

// Check reports the first invalid setting.
func (c Config) Check() error {
	if c.ChunkSize < 1<<10 || c.ChunkSize > 16<<20 {
		return fmt.Errorf("chunk_size %d is outside 1024..16777216", c.ChunkSize)
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
	return "", "", fmt.Errorf("unknown backend scheme %q (want sqlite:, postgres://, file: or local:)", scheme)
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
