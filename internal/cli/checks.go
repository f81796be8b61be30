package cli

import (
	"fmt"
	"os"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/quality"
	"github.com/coffer-vault/coffer/internal/vault"
)

func checksCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "checks",
		Short: "Set, show and run a dataset's data-quality checks",
		Long: `Every new version of a dataset with checks is checked in the same pass that
stores it; a version that fails is kept, but quarantined (exit 7): it is not
the latest, and reading it needs --quarantined. The checks file is YAML,
version: 1, with checks such as row_count, missing_count, completeness,
duplicate_count, min/max/avg/stddev, values_in, pattern, freshness,
row_count_change, completeness_drop, mean_shift and outliers
(docs/quality.md).`,
		Example: `  coffer checks set orders orders.checks.yaml
  coffer checks show orders
  coffer checks run orders@7 -o json`,
	}
	c.AddCommand(checksSetCmd(e), checksShowCmd(e), checksRunCmd(e))
	return c
}

func checksSetCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "set NAME FILE",
		Short: "Set the checks of dataset NAME from a YAML file (audited)",
		Long: `Parse FILE and store it as the checks of dataset NAME, replacing any. The
dataset need not exist yet: its first version is then checked too. A file
with an error is refused with its line and what to fix; nothing changes.`,
		Example: `  coffer checks set orders orders.checks.yaml`,
		Args:    args(2, 2),
		RunE: run(func(cmd *cobra.Command, a []string) error {
			body, err := readLimited(a[1], quality.MaxChecksFile)
			if err != nil {
				return err
			}
			return e.withVault(func(v *vault.Vault) error {
				cs, err := v.SetChecks(e.ctx, a[0], a[1], body)
				if err != nil {
					return err
				}
				if e.json() {
					return e.printJSON(cs)
				}
				fmt.Fprintf(e.stdout, "%s: %d checks set\n", a[0], len(cs.Checks))
				return nil
			})
		}),
	}
}

// readLimited reads a file of at most max bytes.
func readLimited(path string, max int64) ([]byte, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fault.Wrap(fault.Other, err, "cannot read %s", path)
	}
	if fi.Size() > max {
		return nil, fault.E(fault.Invalid, "%s is larger than %d bytes", path, max)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fault.Wrap(fault.Other, err, "cannot read %s", path)
	}
	return b, nil
}

func checksShowCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:     "show NAME",
		Short:   "Print the checks file of dataset NAME (parsed, with -o json)",
		Example: "  coffer checks show orders\n  coffer checks show orders -o json",
		Args:    args(1, 1),
		RunE: run(func(cmd *cobra.Command, a []string) error {
			return e.withVault(func(v *vault.Vault) error {
				body, cs, err := v.Checks(e.ctx, a[0])
				if err != nil {
					return err
				}
				if e.json() {
					return e.printJSON(cs)
				}
				_, err = e.stdout.Write(body)
				return err
			})
		}),
	}
}

func checksRunCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "run NAME[@VERSION]",
		Short: "Run the current checks on a stored version (exit 7 if one fails)",
		Long: `Read a stored version again (the latest accepted one by default), profile it
and run the dataset's current checks on it, comparing with the latest accepted
version before it for the anomaly checks. Prints each check's outcome; exits 7
when a check fails. Changes nothing but the audit log: to accept a quarantined
version use coffer quarantine release.`,
		Example: `  coffer checks run orders
  coffer checks run orders@7 -o json`,
		Args: args(1, 1),
		RunE: run(func(cmd *cobra.Command, a []string) error {
			ref, err := vault.ParseRef(a[0])
			if err != nil {
				return err
			}
			return e.withVault(func(v *vault.Vault) error {
				res, err := v.RunChecks(e.ctx, ref)
				if err != nil {
					return err
				}
				if e.json() {
					err = e.printJSON(struct {
						Dataset string `json:"dataset"`
						Version int64  `json:"version"`
						quality.Report
					}{res.Version.Dataset, res.Version.Number, res.Report})
				} else {
					fmt.Fprintf(e.stdout, "%s@%d: ", res.Version.Dataset, res.Version.Number)
					err = printReport(e, res.Report)
				}
				if err == nil && !res.Report.Passed {
					err = fault.E(fault.Quarantined, "%s@%d failed %d of %d checks", res.Version.Dataset, res.Version.Number,
						res.Report.Failed, len(res.Report.Results))
				}
				return err
			})
		}),
	}
}

func printReport(e *env, rep quality.Report) error {
	if rep.Passed {
		fmt.Fprintf(e.stdout, "all %d checks passed\n", len(rep.Results))
	} else {
		fmt.Fprintf(e.stdout, "%d of %d checks failed\n", rep.Failed, len(rep.Results))
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "STATUS\tCHECK\tCOLUMN\tVALUE\tWANT\tNOTE")
	for _, r := range rep.Results {
		val := fmt.Sprintf("%.6g", r.Value)
		if r.Approx {
			val = "~" + val
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Status, r.ID, dash(r.Column), val, r.Want, r.Note)
	}
	return tw.Flush()
}
