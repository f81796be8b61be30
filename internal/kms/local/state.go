package local

import (
	"bytes"
	"cmp"
	"crypto/cipher"
	"fmt"
	"slices"

	"github.com/coffer-vault/coffer/internal/kms"
)

// state is an immutable snapshot of a keyring file's contents, as the
// in-memory keyring uses it: a change builds and installs a new one, so
// readers need no lock beyond taking the pointer. Only enabled versions
// have an AEAD: the material of any other version is not kept in memory.
type state struct {
	keks  map[string]*kekState
	audit []byte
}

type kekState struct {
	name     string
	primary  uint32
	versions map[uint32]*verState
}

type verState struct {
	info kms.VersionInfo
	aead cipher.AEAD // the expanded key lives only in here; nil unless enabled
}

// newState builds a snapshot from checked contents; it copies the audit
// key and expands the keys of enabled versions, keeping no raw material.
func newState(c *contents) (*state, error) {
	s := &state{keks: make(map[string]*kekState, len(c.KEKs)), audit: bytes.Clone(c.AuditKey)}
	for _, d := range c.KEKs {
		e := &kekState{name: d.Name, primary: d.Primary, versions: make(map[uint32]*verState, len(d.Versions))}
		for _, v := range d.Versions {
			vs := &verState{info: v.info(d.Name, d.Primary)}
			if vs.info.State == kms.StateEnabled {
				aead, err := newGCM(v.Material)
				if err != nil {
					return nil, fmt.Errorf("kms: KEK %s: %w", keyID(d.Name, v.Version), err)
				}
				vs.aead = aead
			}
			e.versions[v.Version] = vs
		}
		s.keks[d.Name] = e
	}
	return s, nil
}

func (v *versionDoc) info(kek string, primary uint32) kms.VersionInfo {
	return kms.VersionInfo{
		KEK: kek, Version: v.Version, State: kms.KeyState(v.State), Primary: v.Version == primary,
		Created: v.Created, DeletionDate: v.DeletionDate, Destroyed: v.Destroyed,
	}
}

// kek returns KEK name, or an error matching kms.ErrNotFound.
func (s *state) kek(op, name string) (*kekState, error) {
	if e := s.keks[name]; e != nil {
		return e, nil
	}
	return nil, notFound("kms: %s: no KEK named %q (run: coffer key create %s)", op, name, name)
}

// unwrapKey returns the AEAD of name@version if that version may unwrap.
// It decides from the state alone, before any decryption.
func (s *state) unwrapKey(name string, version uint32) (cipher.AEAD, error) {
	var v *verState
	if e := s.keks[name]; e != nil {
		v = e.versions[version]
	}
	if v == nil {
		return nil, &unknownKEK{id: keyID(name, version)}
	}
	switch v.info.State {
	case kms.StateEnabled:
		return v.aead, nil
	case kms.StateDestroyed:
		return nil, &kms.KeyStateError{KeyID: v.info.KeyID(), State: v.info.State, Date: v.info.Destroyed}
	default:
		return nil, &kms.KeyStateError{KeyID: v.info.KeyID(), State: v.info.State, Date: v.info.DeletionDate}
	}
}

func (e *kekState) info() kms.KEKInfo {
	k := kms.KEKInfo{Name: e.name, Primary: e.primary, Versions: make([]kms.VersionInfo, 0, len(e.versions))}
	for _, v := range e.versions {
		k.Versions = append(k.Versions, v.info)
	}
	slices.SortFunc(k.Versions, func(a, b kms.VersionInfo) int { return cmp.Compare(a.Version, b.Version) })
	return k
}

func (s *state) list() []kms.KEKInfo {
	out := make([]kms.KEKInfo, 0, len(s.keks))
	for _, e := range s.keks {
		out = append(out, e.info())
	}
	slices.SortFunc(out, func(a, b kms.KEKInfo) int { return cmp.Compare(a.Name, b.Name) })
	return out
}

// opError is a lifecycle error that matches one of kms's sentinel errors.
type opError struct {
	kind error
	msg  string
}

func (e *opError) Error() string        { return e.msg }
func (e *opError) Is(target error) bool { return target == e.kind }

func notFound(format string, args ...any) error {
	return &opError{kind: kms.ErrNotFound, msg: fmt.Sprintf(format, args...)}
}

func refused(format string, args ...any) error {
	return &opError{kind: kms.ErrRefused, msg: fmt.Sprintf(format, args...)}
}
