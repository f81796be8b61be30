package cli

import (
	"errors"
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/pki"
)

func pkiCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "pki",
		Short: "Development certificates: a CA, the server's certificate, client certificates",
		Long: `pki makes the certificates a development coffer server needs: an ECDSA P-256
CA, a server certificate for localhost, *.localhost, 127.0.0.1 and ::1, and a
client certificate per principal (the principal id in the URI SAN
coffer://principal/ID and the common name). Keys are 0600 files in a 0700
directory (default: HOME/pki). Use your own CA in production.`,
	}
	c.AddCommand(pkiInitCmd(e), pkiClientCmd(e))
	return c
}

func (e *env) pkiDir(dir string) string {
	if dir != "" {
		return dir
	}
	return filepath.Join(e.home, "pki")
}

func pkiInitCmd(e *env) *cobra.Command {
	var (
		dir            string
		clients, hosts []string
	)
	c := &cobra.Command{
		Use:     "init",
		Short:   "Create a development CA, a server certificate and client certificates",
		Example: "  coffer pki init --client alice --client admin\n  coffer pki init --dir ./pki --host coffer.test --host 127.0.0.1",
		Args:    args(0, 0),
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			d := e.pkiDir(dir)
			for _, id := range clients {
				if err := pki.CheckID(id); err != nil {
					return fault.Wrap(fault.Invalid, err, "--client %q", id)
				}
			}
			err := pki.Init(d, hosts, clients, pki.Options{})
			if errors.Is(err, pki.ErrExists) {
				return fault.E(fault.Invalid, "%s already holds a CA", d).WithHint("add clients with: coffer pki client ID")
			}
			if err != nil {
				return fault.Wrap(fault.Other, err, "cannot create the PKI in %s", d)
			}
			if e.json() {
				return e.printJSON(map[string]any{"dir": d, "ca": filepath.Join(d, pki.CACert),
					"server": filepath.Join(d, pki.ServerCert), "clients": clients})
			}
			fmt.Fprintf(e.stdout, "CA:      %s\nserver:  %s\n", filepath.Join(d, pki.CACert), filepath.Join(d, pki.ServerCert))
			for _, id := range clients {
				fmt.Fprintf(e.stdout, "client:  %s\n", filepath.Join(d, pki.ClientsDir, id+".pem"))
			}
			return nil
		}),
	}
	c.Flags().StringVar(&dir, "dir", "", "directory for the PKI (default HOME/pki)")
	c.Flags().StringArrayVar(&clients, "client", nil, "principal id to issue a client certificate for (repeatable)")
	c.Flags().StringArrayVar(&hosts, "host", nil, "DNS name or IP of the server certificate (repeatable; default localhost, *.localhost, 127.0.0.1, ::1)")
	return c
}

func pkiClientCmd(e *env) *cobra.Command {
	var (
		dir  string
		days int
	)
	c := &cobra.Command{
		Use:     "client ID",
		Short:   "Issue a client certificate for a principal from the development CA",
		Example: "  coffer pki client bob\n  coffer pki client ci-runner --days 30",
		Args:    args(1, 1),
		RunE: run(func(cmd *cobra.Command, a []string) error {
			if err := pki.CheckID(a[0]); err != nil {
				return fault.Wrap(fault.Invalid, err, "principal")
			}
			if days < 1 {
				return fault.E(fault.Invalid, "--days %d must be at least 1", days)
			}
			d := e.pkiDir(dir)
			ca, err := pki.LoadCA(d)
			if err != nil {
				return fault.Wrap(fault.NotFound, err, "no CA in %s", d).WithHint("run: coffer pki init")
			}
			p, err := pki.IssueClient(d, ca, a[0], pki.Options{Validity: time.Duration(days) * 24 * time.Hour})
			if err != nil {
				return fault.Wrap(fault.Other, err, "cannot issue a certificate for %s", a[0])
			}
			if e.json() {
				return e.printJSON(map[string]string{"principal": a[0], "cert": p})
			}
			fmt.Fprintln(e.stdout, p)
			return nil
		}),
	}
	c.Flags().StringVar(&dir, "dir", "", "directory of the PKI (default HOME/pki)")
	c.Flags().IntVar(&days, "days", 397, "validity in days")
	return c
}
