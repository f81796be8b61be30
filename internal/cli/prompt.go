package cli

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"strings"

	"golang.org/x/term"

	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/vault"
)

// secrets returns where root secrets come from: the environment
// (COFFER_PASSPHRASE, COFFER_PKCS11_PIN) when set, else a prompt on the
// terminal. fresh asks for a new passphrase twice.
func (e *env) secrets(fresh bool) vault.Secrets {
	return vault.Secrets{
		Passphrase: func(ctx context.Context) ([]byte, error) {
			if p := os.Getenv("COFFER_PASSPHRASE"); p != "" {
				return []byte(p), nil
			}
			p, err := e.readSecret("keyring passphrase: ")
			if err != nil || !fresh {
				return p, err
			}
			again, err := e.readSecret("again: ")
			if err != nil {
				return nil, err
			}
			if !bytes.Equal(p, again) {
				return nil, fault.E(fault.Invalid, "the passphrases differ")
			}
			clear(again)
			return p, nil
		},
		PIN: func(ctx context.Context) (string, error) {
			if p := os.Getenv("COFFER_PKCS11_PIN"); p != "" {
				return p, nil
			}
			p, err := e.readSecret("PKCS#11 user PIN: ")
			return string(p), err
		},
	}
}

// readSecret reads a line from the terminal without echo.
func (e *env) readSecret(prompt string) ([]byte, error) {
	f, ok := e.stdin.(*os.File)
	if !ok || !term.IsTerminal(int(f.Fd())) {
		return nil, fault.E(fault.Invalid, "a secret is needed and standard input is not a terminal").
			WithHint("set COFFER_PASSPHRASE or COFFER_PKCS11_PIN")
	}
	fmt.Fprint(e.stderr, prompt)
	b, err := term.ReadPassword(int(f.Fd()))
	fmt.Fprintln(e.stderr)
	return b, err
}

// confirm asks the user to type want; anything else aborts.
func (e *env) confirm(prompt, want string) error {
	fmt.Fprint(e.stderr, prompt)
	line, _ := bufio.NewReader(e.stdin).ReadString('\n')
	if strings.TrimSpace(line) != want {
		return fault.E(fault.Invalid, "not confirmed; nothing was changed").WithHint("type %s exactly, or pass --yes", want)
	}
	return nil
}

// withVault opens the vault, runs fn and closes it.
func (e *env) withVault(fn func(v *vault.Vault) error) error {
	v, err := e.open()
	if err != nil {
		return err
	}
	defer v.Close()
	return fn(v)
}

// say prints js with -o json, else one line of text.
func (e *env) say(js any, format string, args ...any) error {
	if e.json() {
		return e.printJSON(js)
	}
	_, err := fmt.Fprintf(e.stdout, format+"\n", args...)
	return err
}
