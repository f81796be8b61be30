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

func principalKeyCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "key",
		Short: "API keys of principals: for the REST API (Bearer) and S3 (access key id and secret)",
		Long: `An API key authenticates a principal to coffer serve: as "Authorization: Bearer
ID.SECRET" on the REST API, or as an S3 access key id (ID) and secret access
key (SECRET). The secret is shown once, at creation. A key may declare only
the purposes it was created with, and stops working when it expires or is
revoked.`,
	}
	c.AddCommand(keyCreateAPICmd(e), keyLsAPICmd(e), keyRevokeAPICmd(e))
	return c
}

func keyCreateAPICmd(e *env) *cobra.Command {
	var (
		purposes []string
		expires  time.Duration
		desc     string
	)
	c := &cobra.Command{
		Use:   "create PRINCIPAL",
		Short: "Create an API key for a principal and show its secret once",
		Long: `create makes an API key for PRINCIPAL, which must exist in the catalog and
not be disabled (coffer principal add). The key reads only for the purposes
it is created with (--purpose, repeatable), in addition to what the policies
allow. The secret is shown once. It is an admin action.`,
		Example: "  coffer principal key create alice --purpose model-training --expires 720h\n" +
			"  coffer principal key create etl --purpose model-training --purpose model-evaluation -o json",
		Args: args(1, 1),
		RunE: run(func(cmd *cobra.Command, a []string) error {
			v, err := e.open()
			if err != nil {
				return err
			}
			defer v.Close()
			k, secret, err := v.CreateAPIKey(e.ctx, a[0], vault.APIKeyOptions{Purposes: purposes, TTL: expires, Description: desc})
			if err != nil {
				return err
			}
			if e.json() {
				return e.printJSON(map[string]any{"id": k.ID, "secret": secret, "principal": k.Principal,
					"purposes": k.Purposes, "expires": expiryText(k.Expires)})
			}
			fmt.Fprintf(e.stdout, "key id:     %s\nsecret:     %s\nprincipal:  %s\npurposes:   %s\nexpires:    %s\n",
				k.ID, secret, k.Principal, strings.Join(k.Purposes, ","), expiryText(k.Expires))
			fmt.Fprintln(e.stderr, "coffer: the secret is shown only now; store it safely")
			return nil
		}),
	}
	c.Flags().StringArrayVar(&purposes, "purpose", nil, "purpose the key may declare (repeatable; none: no reads)")
	c.Flags().DurationVar(&expires, "expires", 90*24*time.Hour, "lifetime (e.g. 720h); 0 for no expiry")
	c.Flags().StringVar(&desc, "description", "", "free text shown in listings")
	return c
}

func expiryText(t time.Time) string {
	if t.IsZero() {
		return "never"
	}
	return t.UTC().Format(time.RFC3339)
}

func keyState(k catalog.APIKey, now time.Time) string {
	switch {
	case !k.Revoked.IsZero():
		return "revoked"
	case !k.Expires.IsZero() && !now.Before(k.Expires):
		return "expired"
	}
	return "active"
}

func keyLsAPICmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:     "ls [PRINCIPAL]",
		Short:   "List API keys (never their secrets)",
		Example: "  coffer principal key ls\n  coffer principal key ls alice -o json",
		Args:    args(0, 1),
		RunE: run(func(cmd *cobra.Command, a []string) error {
			v, err := e.open()
			if err != nil {
				return err
			}
			defer v.Close()
			p := ""
			if len(a) == 1 {
				p = a[0]
			}
			ks, err := v.APIKeys(e.ctx, p)
			if err != nil {
				return err
			}
			now := time.Now()
			if e.json() {
				out := make([]map[string]any, 0, len(ks))
				for _, k := range ks {
					out = append(out, map[string]any{"id": k.ID, "principal": k.Principal, "purposes": k.Purposes,
						"created": k.Created, "expires": expiryText(k.Expires), "state": keyState(k, now), "description": k.Description})
				}
				return e.printJSON(out)
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tPRINCIPAL\tPURPOSES\tSTATE\tEXPIRES\tDESCRIPTION")
			for _, k := range ks {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Principal, strings.Join(k.Purposes, ","),
					keyState(k, now), expiryText(k.Expires), k.Description)
			}
			return tw.Flush()
		}),
	}
}

func keyRevokeAPICmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:     "revoke ID",
		Short:   "Revoke an API key for good",
		Example: "  coffer principal key revoke CKABCDEFGHIJKLMNOPQR",
		Args:    args(1, 1),
		RunE: run(func(cmd *cobra.Command, a []string) error {
			v, err := e.open()
			if err != nil {
				return err
			}
			defer v.Close()
			if err := v.RevokeAPIKey(e.ctx, a[0]); err != nil {
				return err
			}
			if e.json() {
				return e.printJSON(map[string]string{"id": a[0], "state": "revoked"})
			}
			fmt.Fprintf(e.stdout, "revoked %s\n", a[0])
			return nil
		}),
	}
}
