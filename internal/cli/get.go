package cli

import (
	"bufio"

	"github.com/spf13/cobra"

	"github.com/coffer-vault/coffer/internal/vault"
)

func getCmd(e *env) *cobra.Command {
	var file string
	var ro vault.ReadOptions
	c := &cobra.Command{
		Use:   "get NAME[@VERSION]",
		Short: "Write a version's data to stdout or a file",
		Long: `Stream the data of a version (the latest by default), authenticating every
chunk and finally its SHA-256. With -f FILE the data goes to a temporary file
that is renamed to FILE only after the whole version checked out, so a failed
read never leaves a partial FILE. On stdout, data of chunks read before a
failure has already been written: use -f when that matters.

The read is authorized first (action read to stdout, export with -f) for the
local operator or the principal named by --as, for --purpose; a denial exits 3
and writes nothing. The views that apply to that principal filter rows and
mask columns; when none changes anything, the exact stored bytes come back. A quarantined
version (one that failed its quality checks) is refused unless --quarantined
is given and the policies let the caller read quarantined data.`,
		Example: `  coffer get customers > customers.csv
  coffer get customers@2 -f customers-v2.csv
  coffer get customers --as bob --purpose marketing > customers-marketing.csv`,
		Args: args(1, 1),
		RunE: run(func(cmd *cobra.Command, a []string) error {
			ref, err := vault.ParseRef(a[0])
			if err != nil {
				return err
			}
			v, err := e.open()
			if err != nil {
				return err
			}
			defer v.Close()
			ver, err := v.Version(e.ctx, ref)
			if err != nil {
				return err
			}
			bar := e.startProgress("get "+ref.String(), ver.Size)
			defer bar.Finish()
			ref.Version = ver.Number // the version just looked up, even if a newer one lands meanwhile
			if file != "" {
				_, err = v.GetFileWith(e.ctx, ref, file, bar.Writer, ro)
				return err
			}
			w := bufio.NewWriterSize(bar.Writer(e.stdout), 256<<10)
			if _, err := v.GetWith(e.ctx, ref, w, ro); err != nil {
				return err
			}
			return w.Flush()
		}),
	}
	c.Flags().StringVarP(&file, "file", "f", "", "write to FILE (atomically) instead of stdout")
	c.Flags().BoolVar(&ro.Quarantined, "quarantined", false, "read a quarantined version (needs the quality-admin permission)")
	return c
}
