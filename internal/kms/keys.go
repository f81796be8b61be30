package kms

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Errors a caller may inspect with errors.Is. Lifecycle operations wrap
// ErrNotFound (no such KEK or version) and ErrRefused (the operation is not
// allowed in the version's state, or an argument is out of range); Unwrap
// returns a *KeyStateError, which matches ErrDisabled or ErrDestroyed, when
// the KEK version that wrapped a key may not be used.
var (
	ErrDisabled  = errors.New("kms: KEK version is disabled")
	ErrDestroyed = errors.New("kms: KEK version is destroyed")
	ErrNotFound  = errors.New("kms: no such KEK or KEK version")
	ErrRefused   = errors.New("kms: key operation refused")
)

// KeyState is the state of one KEK version.
type KeyState string

// The states of a KEK version. Only an enabled version unwraps; the
// primary version (always enabled) is the one that wraps.
const (
	StateEnabled         KeyState = "enabled"
	StateDisabled        KeyState = "disabled"
	StatePendingDeletion KeyState = "pending_deletion"
	StateDestroyed       KeyState = "destroyed"
)

// Deletion windows, in days, for ScheduleDeletion.
const (
	DefaultDeletionDays = 30
	MinDeletionDays     = 7
	MaxDeletionDays     = 365
)

// VersionInfo describes one KEK version; lifecycle operations return it as
// it is after the operation, which is what an audit record needs.
type VersionInfo struct {
	KEK          string    `json:"kek"`
	Version      uint32    `json:"version"`
	State        KeyState  `json:"state"`
	Primary      bool      `json:"primary"`
	Created      time.Time `json:"created"`
	DeletionDate time.Time `json:"deletion_date,omitzero"` // pending_deletion: destroyable from then on
	Destroyed    time.Time `json:"destroyed,omitzero"`     // destroyed: when
}

// KeyID returns "name@version".
func (v VersionInfo) KeyID() string { return KeyID(v.KEK, v.Version) }

// Status is the state as a person reads it: "primary", "enabled",
// "disabled", "pending deletion on 2026-01-02", "destroyed".
func (v VersionInfo) Status() string {
	switch {
	case v.Primary:
		return "primary"
	case v.State == StatePendingDeletion:
		return "pending deletion on " + v.DeletionDate.UTC().Format(time.DateOnly)
	default:
		return string(v.State)
	}
}

// KEKInfo describes one KEK and its versions, oldest first.
type KEKInfo struct {
	Name     string        `json:"name"`
	Primary  uint32        `json:"primary"`
	Versions []VersionInfo `json:"versions"`
}

// KeyID returns the key id "name@version" that Wrap reports.
func KeyID(name string, version uint32) string {
	return name + "@" + strconv.FormatUint(uint64(version), 10)
}

// ParseKeyID splits "name@version" (as the CLI takes NAME@V).
func ParseKeyID(s string) (name string, version uint32, err error) {
	name, v, ok := strings.Cut(s, "@")
	n, perr := strconv.ParseUint(v, 10, 32)
	if !ok || name == "" || perr != nil || n == 0 || v[0] == '0' || v[0] == '+' {
		return "", 0, fmt.Errorf("kms: %q is not a key id NAME@VERSION (for example default@2)", s)
	}
	return name, uint32(n), nil
}

// KeyStateError says that a key cannot be unwrapped because the KEK version
// that wrapped it is disabled, pending deletion or destroyed. It is decided
// from the version's state before any decryption, so it says nothing about
// whether the wrapped key itself is authentic.
type KeyStateError struct {
	KeyID string
	State KeyState
	Date  time.Time // the deletion date (pending_deletion) or the destruction time (destroyed)
}

func (e *KeyStateError) Error() string {
	day := e.Date.UTC().Format(time.DateOnly)
	switch e.State {
	case StateDestroyed:
		return fmt.Sprintf("kms: KEK %s was destroyed on %s; the data keys it wrapped are unrecoverable", e.KeyID, day)
	case StatePendingDeletion:
		return fmt.Sprintf("kms: KEK %s is scheduled for deletion on %s and cannot unwrap (run: coffer key cancel-deletion %s)", e.KeyID, day, e.KeyID)
	default:
		return fmt.Sprintf("kms: KEK %s is disabled and cannot unwrap (run: coffer key enable %s)", e.KeyID, e.KeyID)
	}
}

// Is makes a destroyed version match ErrDestroyed and a disabled or pending
// one ErrDisabled.
func (e *KeyStateError) Is(target error) bool {
	if e.State == StateDestroyed {
		return target == ErrDestroyed
	}
	return target == ErrDisabled
}

// Manager is a Keyring whose KEKs have a lifecycle: named KEKs with
// versions, rotation, disabling, and deletion after a pending window.
// Every method that changes a KEK returns what the audit record needs.
// The keyring cannot know which data keys a version wraps: a caller that
// destroys a version checks that first (Due, then Destroy).
type Manager interface {
	Keyring
	// CreateKEK creates KEK name at version 1; ErrRefused if it exists.
	CreateKEK(ctx context.Context, name string) (KEKInfo, error)
	// EnsureKEK returns KEK name, creating it if missing.
	EnsureKEK(ctx context.Context, name string) (info KEKInfo, created bool, err error)
	// ListKEKs lists every KEK, sorted by name.
	ListKEKs(ctx context.Context) ([]KEKInfo, error)
	// Rotate adds a version to KEK name and makes it primary; the older
	// versions keep their states (enabled ones still unwrap).
	Rotate(ctx context.Context, name string) (VersionInfo, error)
	// Disable stops a version from unwrapping; the primary is refused.
	Disable(ctx context.Context, name string, version uint32) (VersionInfo, error)
	// Enable lets a disabled version unwrap again.
	Enable(ctx context.Context, name string, version uint32) (VersionInfo, error)
	// ScheduleDeletion marks a non-primary version pending deletion, days
	// (MinDeletionDays to MaxDeletionDays) after now; it cannot unwrap
	// while pending.
	ScheduleDeletion(ctx context.Context, name string, version uint32, days int, now time.Time) (VersionInfo, error)
	// CancelDeletion returns a pending version to disabled.
	CancelDeletion(ctx context.Context, name string, version uint32) (VersionInfo, error)
	// Due lists the versions pending deletion whose date is not after now.
	Due(ctx context.Context, now time.Time) ([]VersionInfo, error)
	// Destroy destroys the material of a version that is due; the record
	// of the version stays, in state destroyed.
	Destroy(ctx context.Context, name string, version uint32, now time.Time) (VersionInfo, error)
	// Sweep destroys every due version for which allow returns true (nil
	// allows all) and returns those it destroyed.
	Sweep(ctx context.Context, now time.Time, allow func(VersionInfo) bool) ([]VersionInfo, error)
	// Rewrap unwraps wrapped and wraps the DEK again under the primary
	// version of the same KEK. changed is false, and wrapped is returned
	// as it is, when it is already under the primary.
	Rewrap(ctx context.Context, wrapped, aad []byte) (newWrapped []byte, keyID string, changed bool, err error)
}

// Checker is implemented by keyrings that can tell, without unwrapping,
// whether the KEK version named in a wrapped key may still unwrap. Cache
// calls it on every hit, so that a disabled or destroyed version stops
// serving cached keys at once.
type Checker interface {
	Check(ctx context.Context, wrapped []byte) error
}
