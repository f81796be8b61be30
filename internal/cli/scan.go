package cli

import (
	"fmt"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/vault"
)

func scanCmd(e *env) *cobra.Command {
	var o vault.ScanOptions
	var format string
	c := &cobra.Command{
		Use:   "scan FILE|NAME[@VERSION]",
		Short: "Find the personal data in a file or a stored version and classify it",
		Long: `Scan a file, or a stored dataset version, for personal data: per column the
types found (EMAIL, PHONE, CREDIT_CARD, IBAN, US_SSN, ...), the share of values
that match, a confidence and masked examples, never raw values. Then the
classification the vault's rules (classification.yaml) give it, with the
rules that fired and the controls the level requires. A path that exists is
scanned as a file; anything else names a dataset. Full scan by default.`,
		Example: `  coffer scan customers.csv
  coffer scan customers@2 --sample 10000 -o json`,
		Args: args(1, 1),
		RunE: run(func(cmd *cobra.Command, a []string) error {
			if o.Sample < 0 {
				return fault.E(fault.Invalid, "--sample %d is negative", o.Sample)
			}
			return e.withVault(func(v *vault.Vault) error {
				var res vault.ScanResult
				var err error
				if _, serr := os.Stat(a[0]); serr == nil {
					res, err = v.ScanFile(e.ctx, a[0], format, o)
				} else {
					var ref vault.Ref
					if ref, err = vault.ParseRef(a[0]); err != nil {
						return fault.E(fault.NotFound, "%q is neither a file nor a dataset name", a[0])
					}
					res, err = v.ScanVersion(e.ctx, ref, o)
				}
				if err != nil {
					return err
				}
				if e.json() {
					return e.printJSON(res)
				}
				return printScan(e, res)
			})
		}),
	}
	c.Flags().Int64Var(&o.Sample, "sample", 0, "scan only the first N rows (0: all)")
	c.Flags().StringVar(&format, "format", "", "csv, tsv, jsonl or parquet for a file (default: sniffed)")
	return c
}

func printScan(e *env, res vault.ScanResult) error {
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "COLUMN\tTYPE\tSHARE\tCONFIDENCE\tEXAMPLES")
	for _, c := range res.Columns {
		for _, t := range c.Types {
			fmt.Fprintf(tw, "%s\t%s\t%.1f%%\t%.2f\t%s\n", c.Name, t.Type, 100*t.Share, t.Confidence, strings.Join(t.Examples, ", "))
		}
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	d := res.Classification
	scope := fmt.Sprintf("%d rows", res.Rows)
	if res.Sampled {
		scope = fmt.Sprintf("a sample of %d rows", res.Rows)
	}
	fmt.Fprintf(e.stdout, "\nscanned %s (%s, %d columns)\n", scope, res.Format, len(res.Columns))
	why := ""
	if len(d.Rules) > 0 {
		why = " by rules " + strings.Join(d.Rules, ", ")
	}
	fmt.Fprintf(e.stdout, "classification: %s%s\n", d.Level, why)
	fmt.Fprintf(e.stdout, "required controls: %s\n", strings.Join(d.Controls, "; "))
	return nil
}
