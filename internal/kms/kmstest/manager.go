package kmstest

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/kms"
)

// RunManager runs the lifecycle conformance suite; newManager must return
// a fresh keyring holding only the default KEK at version 1.
func RunManager(t *testing.T, newManager func(t *testing.T) kms.Manager) {
	tests := []struct {
		name string
		fn   func(*testing.T, kms.Manager)
	}{
		{"RotateThenUnwrapOld", testRotate},
		{"RewrapThenDisable", testRewrapDisable},
		{"DisableIsNoOracle", testDisableNoOracle},
		{"Refusals", testRefusals},
		{"ScheduleThenCancel", testScheduleCancel},
		{"DestroyAfterWindow", testDestroy},
		{"Sweep", testSweep},
		{"NamedKEKs", testNamedKEKs},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newManager(t)) })
	}
}

var (
	bg   = context.Background()
	day0 = time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
)

// must(f())(t) returns f's value, failing t if f failed.
func must[T any](v T, err error) func(testing.TB) T {
	return func(t testing.TB) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// Unwraps checks that w unwraps under aad to want.
func Unwraps(t testing.TB, k kms.Keyring, w, aad, want []byte, what string) {
	t.Helper()
	got, err := k.Unwrap(bg, w, aad)
	if err != nil {
		t.Fatalf("Unwrap(%s) = %v", what, err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("Unwrap(%s) returned another key", what)
	}
}

// StateErr checks that unwrapping w fails with a *kms.KeyStateError that
// matches target, names id and holds no key.
func StateErr(t testing.TB, k kms.Keyring, w, aad []byte, target error, id string) *kms.KeyStateError {
	t.Helper()
	got, err := k.Unwrap(bg, w, aad)
	var se *kms.KeyStateError
	if err == nil || got != nil || !errors.As(err, &se) || !errors.Is(err, target) || errors.Is(err, kms.ErrUnwrap) {
		t.Fatalf("Unwrap = %v, want a KeyStateError matching %v, not kms.ErrUnwrap", err, target)
	}
	if se.KeyID != id || !strings.Contains(err.Error(), id) {
		t.Fatalf("Unwrap err = %v, want it to name %s", err, id)
	}
	return se
}

func testRotate(t *testing.T, m kms.Manager) {
	dek1 := kms.NewDEK()
	w1, id1 := must2(t, m, dek1, "v1")
	v2 := must(m.Rotate(bg, kms.DefaultKEK))(t)
	if v2.KeyID() != "default@2" || !v2.Primary || v2.State != kms.StateEnabled || v2.Created.IsZero() {
		t.Fatalf("Rotate = %+v, want default@2 primary enabled", v2)
	}
	dek2 := kms.NewDEK()
	w2, id2 := must2(t, m, dek2, "v2")
	if id1 != "default@1" || id2 != "default@2" {
		t.Fatalf("key ids %s, %s; want default@1, default@2", id1, id2)
	}
	Unwraps(t, m, w1, []byte("v1"), dek1.Bytes(), "a wrap under the old version")
	Unwraps(t, m, w2, []byte("v2"), dek2.Bytes(), "a wrap under the new version")
	ks := must(m.ListKEKs(bg))(t)
	if len(ks) != 1 || ks[0].Primary != 2 || len(ks[0].Versions) != 2 || ks[0].Versions[0].Status() != "enabled" || ks[0].Versions[1].Status() != "primary" {
		t.Fatalf("ListKEKs = %+v", ks)
	}
}

func must2(t testing.TB, k kms.Keyring, dek *kms.DEK, aad string) ([]byte, string) {
	t.Helper()
	w, id, err := k.Wrap(bg, dek, []byte(aad))
	if err != nil {
		t.Fatalf("Wrap = %v", err)
	}
	return w, id
}

func testRewrapDisable(t *testing.T, m kms.Manager) {
	dek := kms.NewDEK()
	aad := []byte("dataset=x;version=1")
	old, _ := must2(t, m, dek, string(aad))
	same, id, changed, err := m.Rewrap(bg, old, aad)
	if err != nil || changed || id != "default@1" || !bytes.Equal(same, old) {
		t.Fatalf("Rewrap under the primary = %s, changed %v, %v; want it unchanged", id, changed, err)
	}
	must(m.Rotate(bg, kms.DefaultKEK))(t)
	re, id, changed, err := m.Rewrap(bg, old, aad)
	if err != nil || !changed || id != "default@2" || bytes.Equal(re, old) {
		t.Fatalf("Rewrap after rotation = %s, changed %v, %v; want default@2", id, changed, err)
	}
	if _, _, _, err := m.Rewrap(bg, old, []byte("other")); !errors.Is(err, kms.ErrUnwrap) {
		t.Fatalf("Rewrap with another aad = %v, want kms.ErrUnwrap", err)
	}
	if again, _, changed, err := m.Rewrap(bg, re, aad); err != nil || changed || !bytes.Equal(again, re) {
		t.Fatalf("Rewrap of a rewrapped key: changed %v, %v; want idempotent", changed, err)
	}
	v := must(m.Disable(bg, kms.DefaultKEK, 1))(t)
	if v.State != kms.StateDisabled || v.Primary {
		t.Fatalf("Disable = %+v", v)
	}
	Unwraps(t, m, re, aad, dek.Bytes(), "the rewrapped key")
	StateErr(t, m, old, aad, kms.ErrDisabled, "default@1")
	if _, _, _, err := m.Rewrap(bg, old, aad); !errors.Is(err, kms.ErrDisabled) {
		t.Fatalf("Rewrap from a disabled version = %v, want kms.ErrDisabled", err)
	}
	if c, ok := m.(kms.Checker); ok {
		if err := c.Check(bg, old); !errors.Is(err, kms.ErrDisabled) {
			t.Fatalf("Check(disabled) = %v, want kms.ErrDisabled", err)
		}
		if err := c.Check(bg, re); err != nil {
			t.Fatalf("Check(enabled) = %v", err)
		}
	}
	must(m.Enable(bg, kms.DefaultKEK, 1))(t)
	Unwraps(t, m, old, aad, dek.Bytes(), "the old key after enabling its version again")
}

// testDisableNoOracle checks that a disabled version refuses authentic and
// forged wraps alike, before decrypting anything.
func testDisableNoOracle(t *testing.T, m kms.Manager) {
	w, _ := must2(t, m, kms.NewDEK(), "ctx")
	must(m.Rotate(bg, kms.DefaultKEK))(t)
	must(m.Disable(bg, kms.DefaultKEK, 1))(t)
	want := StateErr(t, m, w, []byte("ctx"), kms.ErrDisabled, "default@1").Error()
	forged := bytes.Clone(w)
	forged[len(forged)-1] ^= 1
	for _, c := range []struct {
		w   []byte
		aad string
	}{{forged, "ctx"}, {w, "other"}} {
		if got := StateErr(t, m, c.w, []byte(c.aad), kms.ErrDisabled, "default@1").Error(); got != want {
			t.Fatalf("Unwrap(forged, disabled) = %q, want %q", got, want)
		}
	}
}

func testRefusals(t *testing.T, m kms.Manager) {
	refused := func(err error, what string) {
		t.Helper()
		if !errors.Is(err, kms.ErrRefused) {
			t.Fatalf("%s = %v, want kms.ErrRefused", what, err)
		}
	}
	_, err := m.Disable(bg, kms.DefaultKEK, 1)
	refused(err, "Disable(primary)")
	if !strings.Contains(err.Error(), "rotate") {
		t.Fatalf("Disable(primary) = %v, want it to say rotate first", err)
	}
	_, err = m.ScheduleDeletion(bg, kms.DefaultKEK, 1, 30, day0)
	refused(err, "ScheduleDeletion(primary)")
	must(m.Rotate(bg, kms.DefaultKEK))(t)
	for _, days := range []int{-1, 0, kms.MinDeletionDays - 1, kms.MaxDeletionDays + 1} {
		_, err = m.ScheduleDeletion(bg, kms.DefaultKEK, 1, days, day0)
		refused(err, "ScheduleDeletion(days out of range)")
	}
	_, err = m.Enable(bg, kms.DefaultKEK, 9)
	if !errors.Is(err, kms.ErrNotFound) {
		t.Fatalf("Enable(no such version) = %v, want kms.ErrNotFound", err)
	}
	if _, err = m.Rotate(bg, "nope"); !errors.Is(err, kms.ErrNotFound) {
		t.Fatalf("Rotate(no such KEK) = %v, want kms.ErrNotFound", err)
	}
	if _, _, err = m.WrapWith(bg, "nope", kms.NewDEK(), nil); !errors.Is(err, kms.ErrNotFound) {
		t.Fatalf("WrapWith(no such KEK) = %v, want kms.ErrNotFound", err)
	}
	_, err = m.CreateKEK(bg, kms.DefaultKEK)
	refused(err, "CreateKEK(existing)")
	_, err = m.CreateKEK(bg, "Bad Name")
	refused(err, "CreateKEK(bad name)")
	_, err = m.Destroy(bg, kms.DefaultKEK, 1, day0)
	refused(err, "Destroy(not pending)")
	if v := must(m.Disable(bg, kms.DefaultKEK, 1))(t); v.State != kms.StateDisabled {
		t.Fatalf("Disable = %+v", v)
	}
	if v := must(m.Disable(bg, kms.DefaultKEK, 1))(t); v.State != kms.StateDisabled {
		t.Fatalf("Disable twice = %+v, want it disabled and no error", v)
	}
}

func testScheduleCancel(t *testing.T, m kms.Manager) {
	dek := kms.NewDEK()
	w, _ := must2(t, m, dek, "ctx")
	must(m.Rotate(bg, kms.DefaultKEK))(t)
	v := must(m.ScheduleDeletion(bg, kms.DefaultKEK, 1, kms.MinDeletionDays, day0))(t)
	if want := day0.AddDate(0, 0, kms.MinDeletionDays); v.State != kms.StatePendingDeletion || !v.DeletionDate.Equal(want) {
		t.Fatalf("ScheduleDeletion = %+v, want pending on %v", v, want)
	}
	if v.Status() != "pending deletion on 2026-03-08" {
		t.Fatalf("Status = %q", v.Status())
	}
	se := StateErr(t, m, w, []byte("ctx"), kms.ErrDisabled, "default@1")
	if !strings.Contains(se.Error(), "2026-03-08") || !strings.Contains(se.Error(), "cancel-deletion") {
		t.Fatalf("pending error = %q, want the date and how to cancel", se.Error())
	}
	if _, err := m.ScheduleDeletion(bg, kms.DefaultKEK, 1, 30, day0); !errors.Is(err, kms.ErrRefused) {
		t.Fatalf("ScheduleDeletion twice = %v, want kms.ErrRefused", err)
	}
	if _, err := m.Enable(bg, kms.DefaultKEK, 1); !errors.Is(err, kms.ErrRefused) {
		t.Fatalf("Enable(pending) = %v, want kms.ErrRefused", err)
	}
	if due := must(m.Due(bg, day0.AddDate(0, 0, 6)))(t); len(due) != 0 {
		t.Fatalf("Due before the date = %v", due)
	}
	v = must(m.CancelDeletion(bg, kms.DefaultKEK, 1))(t)
	if v.State != kms.StateDisabled || !v.DeletionDate.IsZero() {
		t.Fatalf("CancelDeletion = %+v, want disabled", v)
	}
	if due := must(m.Due(bg, day0.AddDate(1, 0, 0)))(t); len(due) != 0 {
		t.Fatalf("Due after cancelling = %v", due)
	}
	if _, err := m.CancelDeletion(bg, kms.DefaultKEK, 1); !errors.Is(err, kms.ErrRefused) {
		t.Fatalf("CancelDeletion twice = %v, want kms.ErrRefused", err)
	}
	must(m.Enable(bg, kms.DefaultKEK, 1))(t)
	Unwraps(t, m, w, []byte("ctx"), dek.Bytes(), "after cancelling and enabling")
}

func testDestroy(t *testing.T, m kms.Manager) {
	w, _ := must2(t, m, kms.NewDEK(), "ctx")
	must(m.Rotate(bg, kms.DefaultKEK))(t)
	must(m.ScheduleDeletion(bg, kms.DefaultKEK, 1, 30, day0))(t)
	if _, err := m.Destroy(bg, kms.DefaultKEK, 1, day0.AddDate(0, 0, 29)); !errors.Is(err, kms.ErrRefused) {
		t.Fatalf("Destroy before the date = %v, want kms.ErrRefused", err)
	}
	later := day0.AddDate(0, 0, 30)
	due := must(m.Due(bg, later))(t)
	if len(due) != 1 || due[0].KeyID() != "default@1" {
		t.Fatalf("Due = %+v, want default@1", due)
	}
	v := must(m.Destroy(bg, kms.DefaultKEK, 1, later))(t)
	if v.State != kms.StateDestroyed || !v.Destroyed.Equal(later) {
		t.Fatalf("Destroy = %+v", v)
	}
	se := StateErr(t, m, w, []byte("ctx"), kms.ErrDestroyed, "default@1")
	if !strings.Contains(se.Error(), "destroyed") {
		t.Fatalf("destroyed error = %q", se.Error())
	}
	if again := must(m.Destroy(bg, kms.DefaultKEK, 1, later.Add(time.Hour)))(t); !again.Destroyed.Equal(later) {
		t.Fatalf("Destroy twice = %+v, want it unchanged", again)
	}
	for _, op := range []func() (kms.VersionInfo, error){
		func() (kms.VersionInfo, error) { return m.Enable(bg, kms.DefaultKEK, 1) },
		func() (kms.VersionInfo, error) { return m.ScheduleDeletion(bg, kms.DefaultKEK, 1, 30, later) },
		func() (kms.VersionInfo, error) { return m.CancelDeletion(bg, kms.DefaultKEK, 1) },
	} {
		if _, err := op(); !errors.Is(err, kms.ErrRefused) {
			t.Fatalf("an operation on a destroyed version = %v, want kms.ErrRefused", err)
		}
	}
	ks := must(m.ListKEKs(bg))(t)
	if v := ks[0].Versions[0]; v.State != kms.StateDestroyed || v.Status() != "destroyed" {
		t.Fatalf("ListKEKs keeps %+v, want the destroyed record", v)
	}
	if v3 := must(m.Rotate(bg, kms.DefaultKEK))(t); v3.Version != 3 {
		t.Fatalf("Rotate after destroying = version %d, want 3 (numbers are never reused)", v3.Version)
	}
}

func testSweep(t *testing.T, m kms.Manager) {
	for range 3 {
		must(m.Rotate(bg, kms.DefaultKEK))(t)
	}
	for v := uint32(1); v <= 3; v++ {
		must(m.ScheduleDeletion(bg, kms.DefaultKEK, v, 7, day0))(t)
	}
	later := day0.AddDate(0, 0, 7)
	var asked []string
	got := must(m.Sweep(bg, later, func(v kms.VersionInfo) bool {
		asked = append(asked, v.KeyID())
		return v.Version != 2 // the caller vetoes default@2: data keys still depend on it
	}))(t)
	if strings.Join(asked, ",") != "default@1,default@2,default@3" || len(got) != 2 ||
		got[0].KeyID() != "default@1" || got[1].KeyID() != "default@3" || got[1].State != kms.StateDestroyed {
		t.Fatalf("Sweep asked %v and destroyed %+v", asked, got)
	}
	due := must(m.Due(bg, later))(t)
	if len(due) != 1 || due[0].KeyID() != "default@2" {
		t.Fatalf("Due after the sweep = %+v, want the vetoed default@2", due)
	}
	if got := must(m.Sweep(bg, day0, nil))(t); len(got) != 0 {
		t.Fatalf("Sweep before the date destroyed %+v", got)
	}
	if got := must(m.Sweep(bg, later, nil))(t); len(got) != 1 {
		t.Fatalf("Sweep(nil) destroyed %+v, want default@2", got)
	}
}

func testNamedKEKs(t *testing.T, m kms.Manager) {
	info, created, err := m.EnsureKEK(bg, "restricted")
	if err != nil || !created || info.Name != "restricted" || info.Primary != 1 {
		t.Fatalf("EnsureKEK(new) = %+v, %v, %v", info, created, err)
	}
	if _, created, err := m.EnsureKEK(bg, "restricted"); err != nil || created {
		t.Fatalf("EnsureKEK(existing) created %v, %v", created, err)
	}
	must(m.CreateKEK(bg, "team-a"))(t)
	dek := kms.NewDEK()
	w, id, err := m.WrapWith(bg, "restricted", dek, []byte("r"))
	if err != nil || id != "restricted@1" {
		t.Fatalf("WrapWith(restricted) = %s, %v", id, err)
	}
	Unwraps(t, m, w, []byte("r"), dek.Bytes(), "a restricted wrap")
	must(m.Rotate(bg, "restricted"))(t)
	if _, id, _, err := m.Rewrap(bg, w, []byte("r")); err != nil || id != "restricted@2" {
		t.Fatalf("Rewrap(restricted@1) = %s, %v; want restricted@2", id, err)
	}
	if _, id, _ := m.Wrap(bg, dek, nil); id != "default@1" {
		t.Fatalf("Wrap after rotating another KEK = %s, want default@1", id)
	}
	ks := must(m.ListKEKs(bg))(t)
	if len(ks) != 3 || ks[0].Name != "default" || ks[1].Name != "restricted" || ks[2].Name != "team-a" {
		t.Fatalf("ListKEKs = %+v, want default, restricted, team-a", ks)
	}
}
