package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/coffer-vault/coffer/internal/quality"
	"github.com/coffer-vault/coffer/internal/vault"
)

func profileCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "profile NAME[@VERSION]",
		Short: "Show the data-quality profile stored with a version",
		Long: `Show the profile put made of a version (the latest accepted one by default)
in the pass that stored it: rows and exact duplicate rows; per column the
inferred type, completeness, approximate distinct count (HyperLogLog, 1.63 %
standard error) and uniqueness, format conformance, min, max, mean, standard
deviation, approximate quantiles (KLL, about 1.65 % rank error) and the top
values of low-cardinality columns. Columns in which the scan found personal
data show counts only ("redacted"). Reads no data.`,
		Example: `  coffer profile orders
  coffer profile orders@3 -o json`,
		Args: args(1, 1),
		RunE: run(func(cmd *cobra.Command, a []string) error {
			ref, err := vault.ParseRef(a[0])
			if err != nil {
				return err
			}
			return e.withVault(func(v *vault.Vault) error {
				ver, prof, err := v.Profile(e.ctx, ref)
				if err != nil {
					return err
				}
				if e.json() {
					return e.printJSON(struct {
						Dataset string `json:"dataset"`
						Version int64  `json:"version"`
						Status  string `json:"status"`
						*quality.Profile
					}{ver.Dataset, ver.Number, ver.Status, prof})
				}
				fmt.Fprintf(e.stdout, "%s@%d (%s): %d rows, %d duplicate rows, %d columns\n",
					ver.Dataset, ver.Number, ver.Status, prof.Rows, prof.DuplicateRows, len(prof.Columns))
				return printProfile(e, prof)
			})
		}),
	}
}

func printProfile(e *env, prof *quality.Profile) error {
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "COLUMN\tTYPE\tCOMPLETE\tDISTINCT\tUNIQUE\tCONFORM\tMIN\tMAX\tMEAN\tSTDDEV\tP50")
	for _, c := range prof.Columns {
		num := []string{"-", "-", "-", "-", "-"}
		if n := c.Numeric; n != nil {
			num = []string{g(n.Min), g(n.Max), g(n.Mean), g(n.StdDev), "-"}
			for _, q := range n.Quantiles {
				if q.Q == 0.5 {
					num[4] = g(q.Value)
				}
			}
		} else if c.MinTime != "" {
			num[0], num[1] = c.MinTime, c.MaxTime
		}
		name := c.Name
		if c.Redacted {
			name += " (redacted)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%.4f\t%d\t%.4f\t%.4f\t%s\n", name, c.Type, c.Completeness, c.Distinct,
			c.Uniqueness, c.Conformance, strings.Join(num, "\t"))
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	for _, c := range prof.Columns {
		if len(c.Top) == 0 {
			continue
		}
		var parts []string
		for _, t := range c.Top {
			parts = append(parts, fmt.Sprintf("%s (%d)", t.Value, t.Count))
		}
		fmt.Fprintf(e.stdout, "top %s: %s\n", c.Name, strings.Join(parts, ", "))
	}
	return nil
}

func g(x float64) string { return fmt.Sprintf("%.6g", x) }

func qualityCmd(e *env) *cobra.Command {
	var column string
	c := &cobra.Command{
		Use:   "quality NAME",
		Short: "Show a dataset's quality metrics across its versions",
		Long: `List every version of a dataset with its gate status, rows, duplicate rows
and check results; with --column, that column's completeness, distinct count,
mean and standard deviation version by version. Reads no data.`,
		Example: `  coffer quality orders
  coffer quality orders --column amount
  coffer quality orders -o json`,
		Args: args(1, 1),
		RunE: run(func(cmd *cobra.Command, a []string) error {
			return e.withVault(func(v *vault.Vault) error {
				pts, err := v.QualityHistory(e.ctx, a[0])
				if err != nil {
					return err
				}
				if e.json() {
					return e.printJSON(historyJSON(pts))
				}
				return printHistory(e, pts, column)
			})
		}),
	}
	c.Flags().StringVar(&column, "column", "", "show this column's metrics per version")
	return c
}

type historyView struct {
	Version int64            `json:"version"`
	Created string           `json:"created"`
	Status  string           `json:"status"`
	Profile *quality.Profile `json:"profile,omitempty"`
	Checks  *quality.Report  `json:"checks,omitempty"`
}

func historyJSON(pts []vault.QualityPoint) []historyView {
	out := make([]historyView, 0, len(pts))
	for _, p := range pts {
		out = append(out, historyView{p.Version.Number, p.Version.Created.UTC().Format("2006-01-02T15:04:05.000Z"),
			p.Version.Status, p.Profile, p.Report})
	}
	return out
}

func printHistory(e *env, pts []vault.QualityPoint, column string) error {
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	head := "VERSION\tCREATED\tSTATUS\tROWS\tDUPLICATES\tCHECKS"
	if column != "" {
		head += "\tCOMPLETE\tDISTINCT\tMEAN\tSTDDEV"
	}
	fmt.Fprintln(tw, head)
	for _, p := range pts {
		rows, dups, checks := "-", "-", "-"
		if p.Profile != nil {
			rows, dups = fmt.Sprint(p.Profile.Rows), fmt.Sprint(p.Profile.DuplicateRows)
		}
		if r := p.Report; r != nil {
			checks = fmt.Sprintf("%d/%d passed", len(r.Results)-r.Failed, len(r.Results))
		}
		fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s", p.Version.Number, p.Version.Created.UTC().Format("2006-01-02 15:04:05Z"),
			p.Version.Status, rows, dups, checks)
		if column != "" {
			fmt.Fprint(tw, columnCells(p.Profile, column))
		}
		fmt.Fprintln(tw)
	}
	return tw.Flush()
}

func columnCells(p *quality.Profile, name string) string {
	var c *quality.Column
	if p != nil {
		c = p.Column(name)
	}
	if c == nil {
		return "\t-\t-\t-\t-"
	}
	mean, sd := "-", "-"
	if c.Numeric != nil {
		mean, sd = g(c.Numeric.Mean), g(c.Numeric.StdDev)
	}
	return fmt.Sprintf("\t%.4f\t%d\t%s\t%s", c.Completeness, c.Distinct, mean, sd)
}

func quarantineCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "quarantine",
		Short: "List and release versions that failed their quality checks",
		Long: `A put whose version fails the dataset's checks keeps the version, quarantined:
it has its number, but it is not the latest and reading it needs
get --quarantined. Release one to accept it: it becomes the latest unless a
later version is accepted. Every release is audited.`,
		Example: `  coffer quarantine ls
  coffer quarantine release orders@7`,
	}
	c.AddCommand(&cobra.Command{
		Use:     "ls",
		Short:   "List quarantined versions with their failed checks",
		Example: "  coffer quarantine ls\n  coffer quarantine ls -o json",
		Args:    args(0, 0),
		RunE: run(func(cmd *cobra.Command, a []string) error {
			return e.withVault(func(v *vault.Vault) error {
				vs, err := v.Quarantined(e.ctx)
				if err != nil {
					return err
				}
				if e.json() {
					out := make([]versionView, 0, len(vs))
					for _, ver := range vs {
						out = append(out, versionJSON(ver))
					}
					return e.printJSON(out)
				}
				tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
				fmt.Fprintln(tw, "VERSION\tCREATED\tCREATOR\tFAILED CHECKS")
				for _, ver := range vs {
					fmt.Fprintf(tw, "%s@%d\t%s\t%s\t%s\n", ver.Dataset, ver.Number, ver.Created.UTC().Format("2006-01-02 15:04:05Z"),
						ver.Creator, strings.Join(vault.FailedChecks(ver), ", "))
				}
				return tw.Flush()
			})
		}),
	}, &cobra.Command{
		Use:   "release NAME@VERSION",
		Short: "Accept a quarantined version (audited)",
		Example: `  coffer quarantine release orders@7
  coffer quarantine release orders@7 -o json`,
		Args: args(1, 1),
		RunE: run(func(cmd *cobra.Command, a []string) error {
			ref, err := vault.ParseRef(a[0])
			if err != nil {
				return err
			}
			return e.withVault(func(v *vault.Vault) error {
				ver, err := v.Release(e.ctx, ref)
				if err != nil {
					return err
				}
				if e.json() {
					return e.printJSON(versionJSON(ver))
				}
				fmt.Fprintf(e.stdout, "%s@%d released by %s\n", ver.Dataset, ver.Number, ver.ReleasedBy)
				return nil
			})
		}),
	})
	return c
}
