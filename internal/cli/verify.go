package cli

import (
	"fmt"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/spf13/cobra"

	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/vault"
)

func verifyCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "verify [NAME[@VERSION]]",
		Short: "Check stored objects against their checksums",
		Long: `Read stored versions and check each against the catalog: ciphertext size and
SHA-256, every chunk's authentication tag, plaintext size and SHA-256. Without
an argument, checks every version and also reports leftovers of interrupted
puts (temporary or unreferenced blobs; remove them with coffer gc).
Exits 4 if any version fails.`,
		Example: "  coffer verify\n  coffer verify customers@2 -o json",
		Args:    args(0, 1),
		RunE: run(func(cmd *cobra.Command, a []string) error {
			var ref *vault.Ref
			if len(a) == 1 {
				r, err := vault.ParseRef(a[0])
				if err != nil {
					return err
				}
				ref = &r
			}
			v, err := e.open()
			if err != nil {
				return err
			}
			defer v.Close()
			rep, err := v.Verify(e.ctx, ref)
			if err != nil && fault.KindOf(err) != fault.Integrity {
				return err
			}
			if e.json() {
				if perr := e.printJSON(rep); perr != nil {
					return perr
				}
				return err
			}
			for _, c := range rep.Checks {
				if c.OK {
					fmt.Fprintf(e.stdout, "ok    %s@%d\n", c.Dataset, c.Version)
				} else {
					fmt.Fprintf(e.stdout, "FAIL  %s@%d: %s\n", c.Dataset, c.Version, c.Problem)
				}
			}
			for _, l := range rep.Leftovers {
				kind := "unreferenced object"
				if l.Temp {
					kind = "temporary file"
				}
				fmt.Fprintf(e.stdout, "leftover %s %s (%s, %s); remove with: coffer gc\n", kind, l.Key,
					humanize.IBytes(uint64(l.Size)), l.ModTime.Format(time.RFC3339))
			}
			fmt.Fprintf(e.stdout, "%d versions checked, %d failed, %d leftovers\n", len(rep.Checks), rep.Failed, len(rep.Leftovers))
			return err
		}),
	}
}

func gcCmd(e *env) *cobra.Command {
	var grace time.Duration
	c := &cobra.Command{
		Use:   "gc",
		Short: "Remove leftovers of interrupted puts",
		Long: `Remove temporary files and unreferenced objects left by interrupted puts, if
older than --grace (puts still running have such files until they commit).`,
		Example: "  coffer gc\n  coffer gc --grace 0",
		Args:    args(0, 0),
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			if grace < 0 {
				return fault.E(fault.Invalid, "--grace %s is negative", grace)
			}
			v, err := e.open()
			if err != nil {
				return err
			}
			defer v.Close()
			removed, err := v.GC(e.ctx, grace)
			if err != nil {
				return err
			}
			if e.json() {
				return e.printJSON(map[string]any{"removed": removed})
			}
			for _, l := range removed {
				fmt.Fprintf(e.stdout, "removed %s (%s)\n", l.Key, humanize.IBytes(uint64(l.Size)))
			}
			fmt.Fprintf(e.stdout, "%d leftovers removed\n", len(removed))
			return nil
		}),
	}
	c.Flags().DurationVar(&grace, "grace", time.Hour, "keep leftovers younger than this")
	return c
}
