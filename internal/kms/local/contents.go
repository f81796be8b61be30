package local

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/coffer-vault/coffer/internal/kms"
)

// contents is what the sealed envelope holds, encoded as JSON. Unknown
// fields are refused, so an older coffer never half-reads a newer keyring.
type contents struct {
	KEKs     []kekDoc `json:"keks"`
	AuditKey []byte   `json:"audit_key"`
}

type kekDoc struct {
	Name     string       `json:"name"`
	Primary  uint32       `json:"primary"`
	Versions []versionDoc `json:"versions"`
}

// versionDoc is one KEK version. A destroyed version keeps its record
// (number, dates) and loses its material.
type versionDoc struct {
	Version      uint32    `json:"version"`
	State        string    `json:"state"`
	Created      time.Time `json:"created"`
	DeletionDate time.Time `json:"deletion_date,omitzero"`
	Destroyed    time.Time `json:"destroyed,omitzero"`
	Material     []byte    `json:"material,omitempty"`
}

const (
	defaultKEK   = kms.DefaultKEK
	stateEnabled = string(kms.StateEnabled)
	maxKEKs      = 256
	maxVersions  = 4096
	maxNameLen   = 64
)

// newContents returns the contents of a new keyring: the "default" KEK at
// version 1 and an audit key, all fresh random keys.
func newContents(now time.Time) *contents {
	return &contents{KEKs: []kekDoc{newKEKDoc(defaultKEK, now)}, AuditKey: randomKey()}
}

// newKEKDoc returns a new KEK at version 1, a fresh random key.
func newKEKDoc(name string, now time.Time) kekDoc {
	return kekDoc{Name: name, Primary: 1, Versions: []versionDoc{newVersionDoc(1, now)}}
}

func newVersionDoc(version uint32, now time.Time) versionDoc {
	return versionDoc{Version: version, State: stateEnabled, Created: stamp(now), Material: randomKey()}
}

// stamp is how times are kept in the keyring: UTC, whole seconds.
func stamp(t time.Time) time.Time { return t.UTC().Truncate(time.Second) }

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
	seen := map[uint32]string{}
	for _, v := range k.Versions {
		if v.Version == 0 {
			return fmt.Errorf("KEK %q has version 0", k.Name)
		}
		if _, dup := seen[v.Version]; dup {
			return fmt.Errorf("KEK %s@%d appears twice", k.Name, v.Version)
		}
		if err := v.check(k.Name); err != nil {
			return err
		}
		seen[v.Version] = v.State
	}
	switch state, ok := seen[k.Primary]; {
	case !ok:
		return fmt.Errorf("KEK %q has primary version %d, which it does not hold", k.Name, k.Primary)
	case state != stateEnabled:
		return fmt.Errorf("KEK %s@%d is primary but %s", k.Name, k.Primary, state)
	}
	return nil
}

// check checks that the fields a version holds suit its state: material
// unless destroyed, a deletion date exactly when pending deletion, a
// destruction time exactly when destroyed.
func (v *versionDoc) check(name string) error {
	id := keyID(name, v.Version)
	state := kms.KeyState(v.State)
	switch state {
	case kms.StateEnabled, kms.StateDisabled, kms.StatePendingDeletion, kms.StateDestroyed:
	default:
		return fmt.Errorf("KEK %s has unknown state %q", id, v.State)
	}
	destroyed, pending := state == kms.StateDestroyed, state == kms.StatePendingDeletion
	switch {
	case destroyed && len(v.Material) != 0:
		return fmt.Errorf("KEK %s is destroyed but holds material", id)
	case !destroyed && len(v.Material) != keySize:
		return fmt.Errorf("KEK %s is %d bytes, want %d", id, len(v.Material), keySize)
	case v.Created.IsZero():
		return fmt.Errorf("KEK %s has no creation time", id)
	case pending && v.DeletionDate.IsZero():
		return fmt.Errorf("KEK %s is pending deletion without a deletion date", id)
	case !pending && !destroyed && !v.DeletionDate.IsZero():
		return fmt.Errorf("KEK %s has a deletion date but is %s", id, state)
	case destroyed && v.Destroyed.IsZero():
		return fmt.Errorf("KEK %s is destroyed without a destruction time", id)
	case !destroyed && !v.Destroyed.IsZero():
		return fmt.Errorf("KEK %s has a destruction time but is %s", id, state)
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
