// Package cli is coffer's command line: one file per command group. It
// parses flags, calls package vault and prints; it knows no backend.
//
// # Security
//
// The CLI prints names, versions, digests and sizes; data goes to stdout or
// to the file named by -f only. Every failure ends with one line on stderr
// and the exit code of its fault.Kind (docs/cli.md).
package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/vault"
)

// env is what every command sees: streams and global flags.
type env struct {
	ctx     context.Context
	stdin   io.Reader
	stdout  io.Writer
	stderr  io.Writer
	home    string
	output  string
	as      string // --as: the principal to act as; "" for the local operator
	purpose string // --purpose: declared purpose of reads
}

// Main runs coffer with args and returns the process exit code.
func Main(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	e := &env{ctx: ctx, stdin: stdin, stdout: stdout, stderr: stderr}
	root := newRoot(e)
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	var fe *fault.Error
	if !errors.As(err, &fe) { // cobra's own: unknown command or flag, bad arguments
		fe = fault.Wrap(fault.Invalid, err, "usage").WithHint("run: coffer --help")
		fe.Msg, fe.Err = err.Error(), nil
	}
	fmt.Fprintf(stderr, "coffer: %s\n", oneLine(fe.Error()))
	return fe.Kind.ExitCode()
}

func newRoot(e *env) *cobra.Command {
	root := &cobra.Command{
		Use:           "coffer",
		Short:         "A secure data vault for machine-learning datasets",
		Long:          "coffer stores datasets as encrypted, immutable, verifiable versions and keeps a tamper-evident audit log of every access.",
		SilenceErrors: true,
		SilenceUsage:  true,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			if e.output != "text" && e.output != "json" {
				return fault.E(fault.Invalid, "--output %q is unknown", e.output).WithHint("use text or json")
			}
			return nil
		},
	}
	home := os.Getenv("COFFER_HOME")
	if home == "" {
		home = ".coffer"
	}
	root.PersistentFlags().StringVar(&e.home, "home", home, "vault directory (env COFFER_HOME)")
	root.PersistentFlags().StringVarP(&e.output, "output", "o", "text", "output format: text or json")
	root.PersistentFlags().StringVar(&e.as, "as", "", "act as this principal (default: you, the local operator); audited as impersonation")
	root.PersistentFlags().StringVar(&e.purpose, "purpose", "", "purpose of the read, which policies and views may require (e.g. model-training)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return fault.E(fault.Invalid, "%s", err.Error()).WithHint("run: coffer --help")
	})
	root.AddCommand(initCmd(e), putCmd(e), getCmd(e), lsCmd(e), logCmd(e), verifyCmd(e), gcCmd(e), auditCmd(e), keyCmd(e), shredCmd(e), scanCmd(e), demoCmd(e),
		principalCmd(e), policyCmd(e), viewCmd(e), serveCmd(e), pkiCmd(e),
		profileCmd(e), checksCmd(e), qualityCmd(e), quarantineCmd(e))
	return root
}

// run adapts a command body: errors that are not faults become kind Other,
// so that only cobra's own errors are treated as usage errors.
func run(f func(cmd *cobra.Command, args []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		err := f(cmd, args)
		var fe *fault.Error
		if err != nil && !errors.As(err, &fe) {
			return fault.Wrap(fault.Other, err, "%s", cmd.Name())
		}
		return err
	}
}

// args checks the number of positional arguments with a usage error.
func args(min, max int) cobra.PositionalArgs {
	return func(cmd *cobra.Command, a []string) error {
		if len(a) < min || len(a) > max {
			return fault.E(fault.Invalid, "%s takes %s, got %d", cmd.Name(), argWords(min, max), len(a)).
				WithHint("usage: coffer %s", cmd.Use)
		}
		return nil
	}
}

func argWords(min, max int) string {
	switch {
	case min == max && min == 0:
		return "no arguments"
	case min == max:
		return fmt.Sprintf("%d argument(s)", min)
	}
	return fmt.Sprintf("%d to %d arguments", min, max)
}

// open opens the vault acting as --as (the local operator without it)
// for --purpose.
func (e *env) open() (*vault.Vault, error) {
	v, err := vault.OpenWith(e.ctx, e.home, e.secrets(false))
	if err != nil {
		return nil, err
	}
	return v.As(e.as, e.purpose), nil
}

func (e *env) json() bool { return e.output == "json" }

// printJSON writes v as one indented JSON document.
func (e *env) printJSON(v any) error {
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
