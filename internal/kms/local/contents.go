package local

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// contents is what the sealed envelope holds, encoded as JSON. Later work
// (rotation, disabling, scheduled deletion) adds versions and states here;
// unknown fields are refused, so an older coffer never half-reads a newer
// keyring.
type contents struct {
	KEKs     []kekDoc `json:"keks"`
	AuditKey []byte   `json:"audit_key"`
}

type kekDoc struct {
	Name     string       `json:"name"`
	Primary  uint32       `json:"primary"`
	Versions []versionDoc `json:"versions"`
}

type versionDoc struct {
	Version  uint32    `json:"version"`
	State    string    `json:"state"`
	Created  time.Time `json:"created"`
	Material []byte    `json:"material"`
}

const (
	defaultKEK   = "default"
	stateEnabled = "enabled"
	maxKEKs      = 256
	maxVersions  = 4096
	maxNameLen   = 64
)

// newContents returns the contents of a new keyring: the "default" KEK at
// version 1 and an audit key, all fresh random keys.
func newContents(now time.Time) *contents {
	return &contents{
		KEKs: []kekDoc{{
			Name:    defaultKEK,
			Primary: 1,
			Versions: []versionDoc{{
				Version: 1, State: stateEnabled, Created: now.UTC().Truncate(time.Second), Material: randomKey(),
			}},
		}},
		AuditKey: randomKey(),
	}
}

func randomKey() []byte {
	b := make([]byte, keySize)
	rand.Read(b) // never fails (crypto/rand)
	return b
}

func (c *contents) encode() ([]byte, error) { return json.Marshal(c) }

// decodeContents parses and checks contents. Errors never quote the input,
// which holds key material.
func decodeContents(b []byte) (*contents, error) {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var c contents
	if err := dec.Decode(&c); err != nil {
		return nil, jsonError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errors.New("malformed contents: data after the document")
	}
	if err := c.check(); err != nil {
		c.zero()
		return nil, fmt.Errorf("malformed contents: %v", err)
	}
	return &c, nil
}

// jsonError keeps what helps diagnose a bad document (field names, offsets)
// and drops what could echo its bytes.
func jsonError(err error) error {
	var syn *json.SyntaxError
	if errors.As(err, &syn) {
		return fmt.Errorf("malformed contents: JSON syntax error at offset %d", syn.Offset)
	}
	var typ *json.UnmarshalTypeError
	if errors.As(err, &typ) {
		return fmt.Errorf("malformed contents: field %q has the wrong type", typ.Field)
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return errors.New("malformed contents: truncated")
	}
	return fmt.Errorf("malformed contents: %v", err)
}

func (c *contents) check() error {
	if len(c.AuditKey) != keySize {
		return fmt.Errorf("audit key is %d bytes, want %d", len(c.AuditKey), keySize)
	}
	if len(c.KEKs) == 0 || len(c.KEKs) > maxKEKs {
		return fmt.Errorf("%d KEKs, want 1 to %d", len(c.KEKs), maxKEKs)
	}
	names := map[string]bool{}
	for i := range c.KEKs {
		k := &c.KEKs[i]
		if err := k.check(); err != nil {
			return err
		}
		if names[k.Name] {
			return fmt.Errorf("KEK %q appears twice", k.Name)
		}
		names[k.Name] = true
	}
	if !names[defaultKEK] {
		return fmt.Errorf("no KEK named %q", defaultKEK)
	}
	return nil
}

func (k *kekDoc) check() error {
	if !validName(k.Name) {
		return fmt.Errorf("KEK name %q is not 1 to %d of [a-z0-9-]", k.Name, maxNameLen)
	}
	if len(k.Versions) == 0 || len(k.Versions) > maxVersions {
		return fmt.Errorf("KEK %q has %d versions, want 1 to %d", k.Name, len(k.Versions), maxVersions)
	}
	seen := map[uint32]bool{}
	for _, v := range k.Versions {
		switch {
		case v.Version == 0:
			return fmt.Errorf("KEK %q has version 0", k.Name)
		case seen[v.Version]:
			return fmt.Errorf("KEK %s@%d appears twice", k.Name, v.Version)
		case v.State != stateEnabled:
			return fmt.Errorf("KEK %s@%d has unknown state %q", k.Name, v.Version, v.State)
		case len(v.Material) != keySize:
			return fmt.Errorf("KEK %s@%d is %d bytes, want %d", k.Name, v.Version, len(v.Material), keySize)
		case v.Created.IsZero():
			return fmt.Errorf("KEK %s@%d has no creation time", k.Name, v.Version)
		}
		seen[v.Version] = true
	}
	if !seen[k.Primary] {
		return fmt.Errorf("KEK %q has primary version %d, which it does not hold", k.Name, k.Primary)
	}
	return nil
}

// validName reports whether s can name a KEK: it is written into every
// wrapped key with a one-byte length.
func validName(s string) bool {
	if len(s) == 0 || len(s) > maxNameLen {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// zero overwrites the key material held by c.
func (c *contents) zero() {
	for _, k := range c.KEKs {
		for _, v := range k.Versions {
			clear(v.Material)
		}
	}
	clear(c.AuditKey)
}
