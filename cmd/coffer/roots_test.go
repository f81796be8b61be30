package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/coffer-vault/coffer/internal/kms/kmstest"
)

// run runs coffer as a process with extra environment and returns its
// stdout, stderr and exit code.
func run(t *testing.T, env []string, args ...string) (string, string, int) {
	t.Helper()
	cmd := coffer(args[0], args[1:]...)
	cmd.Env = append(cmd.Env, env...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	if err != nil {
		code = cmd.ProcessState.ExitCode()
	}
	return out.String(), errb.String(), code
}

func mustRun(t *testing.T, env []string, args ...string) string {
	t.Helper()
	out, errs, code := run(t, env, args...)
	if code != 0 {
		t.Fatalf("coffer %s: exit %d: %s", strings.Join(args[1:], " "), code, errs)
	}
	return out
}

// TestRootsOfTrust: a vault sealed by a passphrase, moved to a PKCS#11
// token (SoftHSM2), and back to a root key file; at every step the data
// reads back, and a wrong passphrase or PIN fails closed.
func TestRootsOfTrust(t *testing.T) {
	tok := kmstest.PKCS11Env(t)
	home := filepath.Join(t.TempDir(), "vault")
	src := filepath.Join(t.TempDir(), "data")
	writeRandom(t, src, 100_000)
	want, _ := os.ReadFile(src)
	pass := []string{"COFFER_PASSPHRASE=correct horse battery staple"}
	mustRun(t, pass, home, "init", "--root", "passphrase")
	mustRun(t, pass, home, "put", "ds", src)
	check := func(env []string) {
		t.Helper()
		if got := mustRun(t, env, home, "get", "ds"); got != string(want) {
			t.Fatal("get returned other bytes")
		}
	}
	check(pass)
	_, errs, code := run(t, []string{"COFFER_PASSPHRASE=wrong horse battery staple"}, home, "ls")
	if code != 4 || !strings.Contains(errs, "wrong root key or tampered keyring") {
		t.Fatalf("wrong passphrase: exit %d: %s", code, errs)
	}
	pin := append([]string{"COFFER_PKCS11_PIN=" + tok.PIN}, pass...)
	mustRun(t, pin, home, "key", "migrate-root", "--to", "pkcs11", "--module", tok.Module, "--token", tok.Token,
		"--key-label", "coffer-test-"+filepath.Base(filepath.Dir(home)))
	check([]string{"COFFER_PKCS11_PIN=" + tok.PIN})
	if _, errs, code := run(t, []string{"COFFER_PKCS11_PIN=0000"}, home, "ls"); code == 0 {
		t.Fatalf("wrong PIN opened the vault: %s", errs)
	}
	mustRun(t, []string{"COFFER_PKCS11_PIN=" + tok.PIN}, home, "key", "migrate-root", "--to", "file")
	check(nil)
	mustRun(t, nil, home, "audit", "verify")
}
