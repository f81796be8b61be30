package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/coffer-vault/coffer/internal/vault"
)

func viewCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "view",
		Short: "Validate, replace and show the vault's views (row filters, column masks)",
		Long: `Views decide what a permitted reader sees: row filters (CEL) and column
actions (drop, null, redact, hash, partial, round, bin) chosen by column name,
PII type or tag, for the principals and purposes their conditions select.
They live in the vault's views.yaml; see docs/views.md and docs/access.md.`,
	}
	c.AddCommand(viewValidateCmd(e), viewSetCmd(e), viewShowCmd(e))
	return c
}

func viewValidateCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:     "validate FILE",
		Short:   "Check a view file without installing it",
		Long:    "Parse a view file and compile its CEL. Exits 2 naming the line and the problem when it is invalid.",
		Example: "  coffer view validate views.yaml",
		Args:    args(1, 1),
		RunE: run(func(cmd *cobra.Command, a []string) error {
			set, err := vault.LoadViews(a[0])
			if err != nil {
				return err
			}
			if e.json() {
				return e.printJSON(map[string]any{"file": a[0], "views": set.IDs()})
			}
			fmt.Fprintf(e.stdout, "%s: %d views, valid\n", a[0], len(set.IDs()))
			return nil
		}),
	}
}

func viewSetCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:     "set FILE",
		Short:   "Replace the vault's views with FILE, after validating it",
		Long:    "Validate FILE and make it the vault's views.yaml, atomically. An admin action, audited with the file's digest.",
		Example: "  coffer view validate views.yaml && coffer view set views.yaml",
		Args:    args(1, 1),
		RunE: run(func(cmd *cobra.Command, a []string) error {
			return e.withVault(func(v *vault.Vault) error {
				set, err := v.SetViews(e.ctx, a[0])
				if err != nil {
					return err
				}
				return e.say(map[string]any{"views": set.IDs()}, "installed %d views from %s", len(set.IDs()), a[0])
			})
		}),
	}
}

func viewShowCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:     "show",
		Short:   "Print the vault's view file (the view ids with -o json)",
		Example: "  coffer view show\n  coffer view show -o json",
		Args:    args(0, 0),
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			return e.withVault(func(v *vault.Vault) error {
				text, set, err := v.ViewsText(e.ctx)
				if err != nil {
					return err
				}
				if e.json() {
					return e.printJSON(map[string]any{"views": set.IDs()})
				}
				_, err = e.stdout.Write(text)
				return err
			})
		}),
	}
}
