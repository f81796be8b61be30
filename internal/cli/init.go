package cli

import (
	"fmt"
	"path/filepath"

	"github.com/spf13/cobra"

	"github.com/coffer-vault/coffer/internal/vault"
)

func initCmd(e *env) *cobra.Command {
	var o vault.InitOptions
	c := &cobra.Command{
		Use:   "init",
		Short: "Create a vault in --home",
		Long: `Create a vault in --home (mode 0700): coffer.yaml, a keyring sealed by the
root key file keys/root.key (0600), the catalog with its audit log, the blob
directory, the starter policies (policies/*.cedar: the local operator may do
everything, principals what clearance, department, purpose and groups allow)
and the starter views (views.yaml). Add principals with coffer principal add.

Keep keys/root.key apart from backups of the rest: whoever holds both can
read every dataset.`,
		Example: `  coffer init --home ./vault
  coffer init --home ./vault --catalog postgres://coffer@127.0.0.1:5432/coffer`,
		Args: args(0, 0),
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			if o.Root.Kind == "" {
				o.Root.Kind = "file"
			}
			o.Secrets = e.secrets(true)
			if err := vault.Init(e.ctx, e.home, o); err != nil {
				return err
			}
			abs, _ := filepath.Abs(e.home)
			if e.json() {
				return e.printJSON(map[string]string{"home": abs})
			}
			fmt.Fprintf(e.stdout, "initialised a vault in %s\n", abs)
			fmt.Fprintf(e.stdout, "  root key:  %s (keep it apart from backups)\n", filepath.Join(abs, "keys", "root.key"))
			fmt.Fprintf(e.stdout, "  next:      coffer --home %s put NAME FILE\n", e.home)
			return nil
		}),
	}
	c.Flags().StringVar(&o.KMS, "kms", "", "keep the keys in an external KMS: its URL (awskms://, gcpkms://, azurekeyvault://, hashivault://), or env to read COFFER_KMS_URL")
	c.Flags().StringVar(&o.Root.Kind, "root", "file", "what seals the keyring: file (keys/root.key), passphrase or pkcs11")
	c.Flags().StringVar(&o.Root.Module, "pkcs11-module", "", "pkcs11 root: the token's PKCS#11 library")
	c.Flags().StringVar(&o.Root.Token, "pkcs11-token", "", "pkcs11 root: token label")
	c.Flags().StringVar(&o.Root.Key, "pkcs11-key", "", "pkcs11 root: key label (default coffer-root)")
	c.Flags().IntVar(&o.ChunkSize, "chunk-size", 0, "plaintext bytes per encrypted chunk, 1024 to 16777216 (default 65536)")
	c.Flags().StringVar(&o.Catalog, "catalog", "", "catalog URL: sqlite:PATH (default sqlite:catalog.db) or postgres://USER@HOST:PORT/DB")
	return c
}
