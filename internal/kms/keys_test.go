package kms

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestParseKeyID(t *testing.T) {
	for _, s := range []string{"default@1", "restricted@42", "a-b@4294967295"} {
		name, v, err := ParseKeyID(s)
		if err != nil || KeyID(name, v) != s {
			t.Errorf("ParseKeyID(%q) = %q, %d, %v; want it to round-trip", s, name, v, err)
		}
	}
	for _, s := range []string{"", "default", "default@", "@1", "default@0", "default@01", "default@+1", "default@-1", "default@4294967296", "default@1x"} {
		if _, _, err := ParseKeyID(s); err == nil {
			t.Errorf("ParseKeyID(%q) succeeded, want an error", s)
		}
	}
}

func TestKeyStateError(t *testing.T) {
	day := time.Date(2026, 5, 6, 7, 8, 9, 0, time.UTC)
	tests := []struct {
		state          KeyState
		match, nomatch error
		words          string
	}{
		{StateDisabled, ErrDisabled, ErrDestroyed, "kms: KEK default@1 is disabled and cannot unwrap (run: coffer key enable default@1)"},
		{StatePendingDeletion, ErrDisabled, ErrDestroyed, "scheduled for deletion on 2026-05-06"},
		{StateDestroyed, ErrDestroyed, ErrDisabled, "kms: KEK default@1 was destroyed on 2026-05-06; the data keys it wrapped are unrecoverable"},
	}
	for _, tt := range tests {
		var err error = &KeyStateError{KeyID: "default@1", State: tt.state, Date: day}
		if !errors.Is(err, tt.match) || errors.Is(err, tt.nomatch) || errors.Is(err, ErrUnwrap) {
			t.Errorf("KeyStateError(%s) matches the wrong errors", tt.state)
		}
		if !strings.Contains(err.Error(), tt.words) {
			t.Errorf("KeyStateError(%s) = %q, want %q", tt.state, err, tt.words)
		}
	}
}

func TestStatus(t *testing.T) {
	day := time.Date(2026, 5, 6, 0, 0, 0, 0, time.UTC)
	for v, want := range map[*VersionInfo]string{
		{State: StateEnabled, Primary: true}:                   "primary",
		{State: StateEnabled}:                                  "enabled",
		{State: StateDisabled}:                                 "disabled",
		{State: StatePendingDeletion, DeletionDate: day}:       "pending deletion on 2026-05-06",
		{State: StateDestroyed, Destroyed: day.Add(time.Hour)}: "destroyed",
	} {
		if got := v.Status(); got != want {
			t.Errorf("Status(%+v) = %q, want %q", *v, got, want)
		}
	}
}
