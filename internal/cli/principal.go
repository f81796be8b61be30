package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/vault"
)

func principalCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "principal",
		Short: "Manage principals: who may ask the vault for data, with their attributes",
		Long: `Principals are the people, services and training jobs the vault acts for with
--as. Policies decide on their role, department, clearance (0-5) and groups.
A principal is never deleted: disable it, and its id stays taken. Changing
principals is an admin action; every change is audited.`,
	}
	c.AddCommand(principalAddCmd(e), principalLsCmd(e), principalShowCmd(e), principalDisableCmd(e), principalKeyCmd(e))
	return c
}

func principalAddCmd(e *env) *cobra.Command {
	var p catalog.Principal
	c := &cobra.Command{
		Use:   "add ID",
		Short: "Add a principal",
		Example: `  coffer principal add alice --role data-scientist --department ml-research --clearance 3 --group ml-platform
  coffer principal add bob --role analyst --department marketing --clearance 2`,
		Args: args(1, 1),
		RunE: run(func(cmd *cobra.Command, a []string) error {
			p.ID = a[0]
			return e.withVault(func(v *vault.Vault) error {
				got, err := v.AddPrincipal(e.ctx, p)
				if err != nil {
					return err
				}
				return e.say(principalJSON(got), "added principal %s (%s)", got.ID, principalSummary(got))
			})
		}),
	}
	c.Flags().StringVar(&p.Role, "role", "", "role, e.g. data-scientist, analyst, admin (required)")
	c.Flags().StringVar(&p.Department, "department", "", "department")
	c.Flags().IntVar(&p.Clearance, "clearance", 0, "clearance 0-5 (public 0, internal 1, confidential 2, restricted 3)")
	c.Flags().StringArrayVar(&p.Groups, "group", nil, "group membership (repeatable)")
	return c
}

func principalLsCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:     "ls",
		Short:   "List principals",
		Example: "  coffer principal ls\n  coffer principal ls -o json",
		Args:    args(0, 0),
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			return e.withVault(func(v *vault.Vault) error {
				ps, err := v.ListPrincipals(e.ctx)
				if err != nil {
					return err
				}
				if e.json() {
					out := make([]principalView, 0, len(ps))
					for _, p := range ps {
						out = append(out, principalJSON(p))
					}
					return e.printJSON(out)
				}
				tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "ID\tROLE\tDEPARTMENT\tCLEARANCE\tGROUPS\tSTATE")
				for _, p := range ps {
					fmt.Fprintf(tw, "%s\t%s\t%s\t%d\t%s\t%s\n", p.ID, p.Role, dash(p.Department), p.Clearance,
						dash(strings.Join(p.Groups, ",")), state(p))
				}
				return tw.Flush()
			})
		}),
	}
}

func principalShowCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:     "show ID",
		Short:   "Show a principal's attributes",
		Example: "  coffer principal show alice\n  coffer principal show alice -o json",
		Args:    args(1, 1),
		RunE: run(func(cmd *cobra.Command, a []string) error {
			return e.withVault(func(v *vault.Vault) error {
				p, err := v.LookupPrincipal(e.ctx, a[0])
				if err != nil {
					return err
				}
				if e.json() {
					return e.printJSON(principalJSON(p))
				}
				tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintf(tw, "id:\t%s\nrole:\t%s\ndepartment:\t%s\nclearance:\t%d\ngroups:\t%s\n", p.ID, p.Role,
					dash(p.Department), p.Clearance, dash(strings.Join(p.Groups, ", ")))
				fmt.Fprintf(tw, "created:\t%s by %s\nstate:\t%s\n", p.Created.Format(time.RFC3339), p.CreatedBy, state(p))
				return tw.Flush()
			})
		}),
	}
}

func principalDisableCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "disable ID",
		Short: "Disable a principal for good",
		Long: `Disable a principal: --as with it is refused (exit 3) from now on. Its id
stays taken, so that the audit log keeps meaning one principal per id.`,
		Example: "  coffer principal disable bob",
		Args:    args(1, 1),
		RunE: run(func(cmd *cobra.Command, a []string) error {
			return e.withVault(func(v *vault.Vault) error {
				p, err := v.DisablePrincipal(e.ctx, a[0])
				if err != nil {
					return err
				}
				return e.say(principalJSON(p), "disabled principal %s", p.ID)
			})
		}),
	}
}

// principalView is how principals are shown in JSON output.
type principalView struct {
	ID         string   `json:"id"`
	Role       string   `json:"role"`
	Department string   `json:"department,omitempty"`
	Clearance  int      `json:"clearance"`
	Groups     []string `json:"groups,omitempty"`
	Created    string   `json:"created"`
	CreatedBy  string   `json:"created_by"`
	Disabled   string   `json:"disabled,omitempty"`
	DisabledBy string   `json:"disabled_by,omitempty"`
}

func principalJSON(p catalog.Principal) principalView {
	pv := principalView{ID: p.ID, Role: p.Role, Department: p.Department, Clearance: p.Clearance, Groups: p.Groups,
		Created: p.Created.UTC().Format(time.RFC3339), CreatedBy: p.CreatedBy, DisabledBy: p.DisabledBy}
	if !p.Disabled.IsZero() {
		pv.Disabled = p.Disabled.UTC().Format(time.RFC3339)
	}
	return pv
}

func principalSummary(p catalog.Principal) string {
	s := fmt.Sprintf("role %s, clearance %d", p.Role, p.Clearance)
	if p.Department != "" {
		s += ", department " + p.Department
	}
	if len(p.Groups) > 0 {
		s += ", groups " + strings.Join(p.Groups, ",")
	}
	return s
}

func state(p catalog.Principal) string {
	if p.Disabled.IsZero() {
		return "active"
	}
	return "disabled " + p.Disabled.UTC().Format("2006-01-02")
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
