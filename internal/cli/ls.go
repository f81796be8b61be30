package cli

import (
	"encoding/hex"
	"fmt"
	"text/tabwriter"

	"github.com/dustin/go-humanize"
	"github.com/spf13/cobra"

	"github.com/coffer-vault/coffer/internal/vault"
)

func lsCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:     "ls",
		Short:   "List datasets: name, latest version, classification, size",
		Example: "  coffer ls\n  coffer ls -o json",
		Args:    args(0, 0),
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			v, err := e.open()
			if err != nil {
				return err
			}
			defer v.Close()
			ds, err := v.Datasets(e.ctx)
			if err != nil {
				return err
			}
			if e.json() {
				out := make([]versionView, 0, len(ds))
				for _, d := range ds {
					vv := versionJSON(d.Latest)
					vv.Quarantined = d.Quarantined
					out = append(out, vv)
				}
				return e.printJSON(out)
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tLATEST\tCLASSIFICATION\tSIZE\tFORMAT\tUPDATED\tQUARANTINED")
			for _, d := range ds {
				l := d.Latest
				if l.Number == 0 { // every version quarantined
					fmt.Fprintf(tw, "%s\t-\t-\t-\t-\t-\t%d\n", d.Name, d.Quarantined)
					continue
				}
				fmt.Fprintf(tw, "%s\t%d\t%s\t%s\t%s\t%s\t%d\n", d.Name, l.Number, l.Classification,
					humanize.IBytes(uint64(l.Size)), l.Format, l.Created.UTC().Format("2006-01-02 15:04:05Z"), d.Quarantined)
			}
			return tw.Flush()
		}),
	}
}

func logCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:     "log NAME",
		Short:   "List the versions of a dataset, quarantined ones too",
		Example: "  coffer log customers\n  coffer log customers -o json",
		Args:    args(1, 1),
		RunE: run(func(cmd *cobra.Command, a []string) error {
			if err := vault.CheckName(a[0]); err != nil {
				return err
			}
			v, err := e.open()
			if err != nil {
				return err
			}
			defer v.Close()
			vs, err := v.Versions(e.ctx, a[0])
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
			fmt.Fprintln(tw, "VERSION\tCREATED\tSIZE\tSHA256\tCLASSIFICATION\tFORMAT\tCREATOR\tSTATUS")
			for _, ver := range vs {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", ver.Number, ver.Created.UTC().Format("2006-01-02 15:04:05Z"),
					humanize.IBytes(uint64(ver.Size)), hex.EncodeToString(ver.SHA256), ver.Classification, ver.Format, ver.Creator, ver.Status)
			}
			return tw.Flush()
		}),
	}
}
