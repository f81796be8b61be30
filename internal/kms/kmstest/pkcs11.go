package kmstest

import (
	"os"
	"testing"
)

// PKCS11 is the SoftHSM2 (or other) token the PKCS#11 tests use, from the
// environment that `scripts/softhsm init DIR` prints.
type PKCS11 struct {
	Module, Token, PIN string
}

// PKCS11Env returns the test token. When COFFER_TEST_PKCS11_MODULE,
// COFFER_TEST_PKCS11_TOKEN or COFFER_TEST_PKCS11_PIN is unset, it skips
// the test, or fails it when CI=true: CI must run the PKCS#11 tests.
func PKCS11Env(t testing.TB) PKCS11 {
	t.Helper()
	p, ok := LookupPKCS11()
	if ok {
		return p
	}
	const hint = "no PKCS#11 test token: run make test (scripts/test), or " +
		`eval "$(scripts/softhsm init DIR)" and export SOFTHSM2_CONF and the COFFER_TEST_PKCS11_* variables`
	if os.Getenv("CI") == "true" {
		t.Fatal(hint)
	}
	t.Skip(hint)
	return p
}

// LookupPKCS11 returns the test token and whether the environment names
// one, without skipping.
func LookupPKCS11() (PKCS11, bool) {
	p := PKCS11{
		Module: os.Getenv("COFFER_TEST_PKCS11_MODULE"),
		Token:  os.Getenv("COFFER_TEST_PKCS11_TOKEN"),
		PIN:    os.Getenv("COFFER_TEST_PKCS11_PIN"),
	}
	return p, p.Module != "" && p.Token != "" && p.PIN != ""
}
