package cli

import (
	"fmt"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/policy"
	"github.com/coffer-vault/coffer/internal/vault"
)

func policyCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "policy",
		Short: "List, validate, replace and test the vault's Cedar policies",
		Long: `The vault's policies are the *.cedar files in its policies/ directory (Cedar,
https://www.cedarpolicy.com; default deny). Every command that touches data
or keys asks them first: put is write, get is read (export with -f), shred
is delete, and keys, principals, policies, views, audit and gc are admin.
See docs/access.md.`,
	}
	c.AddCommand(policyLsCmd(e), policyValidateCmd(e), policySetCmd(e), policyCheckCmd(e, false), policyCheckCmd(e, true))
	return c
}

func policyLsCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:     "ls",
		Short:   "List the vault's policies: id, effect, file and line, description",
		Example: "  coffer policy ls\n  coffer policy ls -o json",
		Args:    args(0, 0),
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			return e.withVault(func(v *vault.Vault) error {
				ps, err := v.PolicyList(e.ctx)
				if err != nil {
					return err
				}
				return printPolicies(e, ps)
			})
		}),
	}
}

func printPolicies(e *env, ps []policy.Info) error {
	if e.json() {
		return e.printJSON(ps)
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tEFFECT\tFILE\tDESCRIPTION")
	for _, p := range ps {
		fmt.Fprintf(tw, "%s\t%s\t%s:%d\t%s\n", p.ID, p.Effect, p.File, p.Line, oneLine(p.Description))
	}
	return tw.Flush()
}

func policyValidateCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "validate [DIR|FILE]",
		Short: "Check policies against coffer's schema without installing them",
		Long: `Parse and validate a directory of *.cedar files or one .cedar file (default:
the vault's policies/) against coffer's schema. Exits 2 naming file:line and
the problem when they are invalid.`,
		Example: "  coffer policy validate\n  coffer policy validate ./new-policies",
		Args:    args(0, 1),
		RunE: run(func(cmd *cobra.Command, a []string) error {
			path := filepath.Join(e.home, vault.PoliciesDir)
			if len(a) == 1 {
				path = a[0]
			}
			set, err := vault.LoadPolicies(path)
			if err != nil {
				return err
			}
			if e.json() {
				return e.printJSON(set.Policies())
			}
			fmt.Fprintf(e.stdout, "%s: %d policies, valid\n", path, len(set.Policies()))
			return nil
		}),
	}
}

func policySetCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "set DIR|FILE",
		Short: "Replace the vault's policies, after validating them",
		Long: `Validate a directory of *.cedar files (or one .cedar file) and make it the
vault's policy set, replacing every current policy at once. Refused when the
new set is invalid or would deny you the admin action (and so lock everyone
out of changing it again). An admin action, audited with the new set's digest.`,
		Example: "  coffer policy validate ./policies-v2 && coffer policy set ./policies-v2",
		Args:    args(1, 1),
		RunE: run(func(cmd *cobra.Command, a []string) error {
			return e.withVault(func(v *vault.Vault) error {
				set, err := v.SetPolicies(e.ctx, a[0])
				if err != nil {
					return err
				}
				if e.json() {
					return e.printJSON(set.Policies())
				}
				fmt.Fprintf(e.stdout, "installed %d policies from %s\n", len(set.Policies()), a[0])
				return nil
			})
		}),
	}
}

func policyCheckCmd(e *env, explain bool) *cobra.Command {
	var action, resource string
	c := &cobra.Command{
		Use:   "check --action A [--resource NAME[@VERSION]]",
		Short: "Ask whether a principal may do an action: allow or deny, and the deciding policies",
		Long: `Decide, without doing anything, whether the principal named by --as (default:
you, the local operator) may do --action (read, write, delete, export, admin)
on --resource (a dataset version; omitted: the vault itself) for --purpose.
Prints allow or deny and the ids of the deciding policies. Exits 0 on allow,
3 on deny, 5 for an unknown principal or dataset. Nothing is audited.`,
		Example: `  coffer policy check --as alice --action read --resource customers --purpose model-training
  coffer policy check --as bob --action admin`,
		Args: args(0, 0),
	}
	if explain {
		c.Use = "explain --action A [--resource NAME[@VERSION]]"
		c.Short = "Explain a decision rule by rule, and for reads what the views would withhold"
		c.Long = `Like policy check, in words: the request, then each policy with its scope,
each when/unless clause with the values it read and whether it held, and the
outcome. For read and export also the views that would apply and what they do
to each column (drop, redact, hash, partial, round, bin) and to rows (filter).
Exits 0 on allow, 3 on deny.`
		c.Example = `  coffer policy explain --as bob --action read --resource customers --purpose marketing
  coffer policy explain --as alice --action export --resource patients -o json`
	}
	c.RunE = run(func(cmd *cobra.Command, _ []string) error {
		var ref *vault.Ref
		if resource != "" {
			r, err := vault.ParseRef(resource)
			if err != nil {
				return err
			}
			ref = &r
		}
		return e.withVault(func(v *vault.Vault) error {
			ac, err := v.CheckAccess(e.ctx, action, ref)
			if err != nil {
				return err
			}
			if err := printCheck(e, ac, explain); err != nil {
				return err
			}
			if d := ac.Explanation.Decision; !d.Allow {
				return fault.E(fault.Denied, "%s may not %s%s: %s", ac.Explanation.Request.Principal.ID, action, onWhat(resource), d.Reason())
			}
			return nil
		})
	})
	c.Flags().StringVar(&action, "action", "", "read, write, delete, export or admin (required)")
	c.Flags().StringVar(&resource, "resource", "", "dataset NAME[@VERSION] (default: the vault itself, for admin)")
	return c
}

func onWhat(resource string) string {
	if resource == "" {
		return " this vault"
	}
	return " " + resource
}

// checkView is policy check's JSON output.
type checkView struct {
	Decision string   `json:"decision"` // allow or deny
	Policies []string `json:"policies"` // the deciding policy ids
	Reason   string   `json:"reason"`
}

func printCheck(e *env, ac vault.AccessCheck, explain bool) error {
	d := ac.Explanation.Decision
	verdict := "deny"
	if d.Allow {
		verdict = "allow"
	}
	ids := d.Deciding()
	if !explain {
		if e.json() {
			return e.printJSON(checkView{Decision: verdict, Policies: append([]string{}, ids...), Reason: d.Reason()})
		}
		fmt.Fprintf(e.stdout, "%s %s\n", verdict, dash(strings.Join(ids, ",")))
		return nil
	}
	if e.json() {
		return e.printJSON(ac)
	}
	for _, l := range ac.Explanation.Lines() {
		fmt.Fprintln(e.stdout, l)
	}
	if ac.Explanation.Request.Resource.Dataset == "" || (ac.Explanation.Request.Action != policy.Read && ac.Explanation.Request.Action != policy.Export) {
		return nil
	}
	fmt.Fprintln(e.stdout, "views:")
	if len(ac.Views) == 0 {
		fmt.Fprintln(e.stdout, "    none apply: the data is served as stored")
	} else {
		fmt.Fprintf(e.stdout, "    applying: %s\n", strings.Join(ac.Views, ", "))
	}
	for _, c := range ac.Columns {
		views := strings.Join(c.Views, ", ")
		if c.Column == "" {
			fmt.Fprintf(e.stdout, "    rows: filtered by view %s\n", views)
			continue
		}
		fmt.Fprintf(e.stdout, "    column %s: %s (view %s)\n", c.Column, c.Action, views)
	}
	for _, n := range ac.Notes {
		fmt.Fprintf(e.stdout, "    note: %s\n", n)
	}
	return nil
}
