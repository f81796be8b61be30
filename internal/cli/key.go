package cli

import (
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/config"
	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/kms"
	"github.com/coffer-vault/coffer/internal/vault"
)

func keyCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "key",
		Short: "Manage key-encryption keys: create, rotate, rewrap, disable, delete",
		Long: `Key-encryption keys (KEKs) wrap the data key of every dataset version. A KEK
has versions; the primary one wraps new data keys, older enabled ones still
unwrap. Rotation adds a version; rewrap moves data keys to the primary by
rewriting catalog rows only, never ciphertext. Deletion is scheduled with a
waiting period (default 30 days, at least 7) and can be cancelled until then.
Restricted data gets the KEK "restricted" unless a put names another.`,
	}
	c.AddCommand(keyLsCmd(e), keyCreateCmd(e), keyRotateCmd(e), keyRewrapCmd(e),
		keyStateCmd(e, "disable", false), keyStateCmd(e, "enable", true),
		keyScheduleCmd(e), keyCancelCmd(e), keySweepCmd(e), keyMigrateRootCmd(e))
	return c
}

func keyLsCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:     "ls",
		Short:   "List KEKs, their versions, states and how many data keys each wraps",
		Example: "  coffer key ls\n  coffer key ls -o json",
		Args:    args(0, 0),
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			v, err := e.open()
			if err != nil {
				return err
			}
			defer v.Close()
			keys, err := v.Keys(e.ctx)
			if err != nil {
				return err
			}
			if e.json() {
				return e.printJSON(keys)
			}
			tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "KEY\tVERSION\tSTATE\tDATA KEYS\tCREATED")
			for _, k := range keys {
				for _, ver := range k.Versions {
					fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%s\n", k.Name, ver.Version, ver.Status(), ver.DEKs, ver.Created.UTC().Format("2006-01-02"))
				}
			}
			return tw.Flush()
		}),
	}
}

func keyCreateCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:     "create NAME",
		Short:   "Create a KEK (version 1)",
		Example: "  coffer key create finance\n  coffer put ledger ledger.csv --key finance",
		Args:    args(1, 1),
		RunE: run(func(cmd *cobra.Command, a []string) error {
			return e.withVault(func(v *vault.Vault) error {
				info, err := v.CreateKey(e.ctx, a[0])
				if err != nil {
					return err
				}
				return e.say(info, "created key %s", kms.KeyID(info.Name, info.Primary))
			})
		}),
	}
}

func keyRotateCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:     "rotate [NAME]",
		Short:   "Add a new primary version to a KEK (default: default)",
		Long:    "Add a new primary version to a KEK. New data keys are wrapped by it; older versions keep unwrapping what they wrapped. Run key rewrap to move those.",
		Example: "  coffer key rotate\n  coffer key rotate restricted",
		Args:    args(0, 1),
		RunE: run(func(cmd *cobra.Command, a []string) error {
			name := argOr(a, kms.DefaultKEK)
			return e.withVault(func(v *vault.Vault) error {
				info, err := v.RotateKey(e.ctx, name)
				if err != nil {
					return err
				}
				return e.say(info, "key %s is now primary", info.KeyID())
			})
		}),
	}
}

func keyRewrapCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "rewrap [NAME]",
		Short: "Move every data key of a KEK to its primary version (catalog only)",
		Long: `Rewrap every data key of a KEK (default: default) under its primary version.
Only catalog rows change; no ciphertext is rewritten. Idempotent, safe while
puts run, and resumable: if interrupted, run it again.`,
		Example: "  coffer key rotate && coffer key rewrap",
		Args:    args(0, 1),
		RunE: run(func(cmd *cobra.Command, a []string) error {
			name := argOr(a, kms.DefaultKEK)
			return e.withVault(func(v *vault.Vault) error {
				bar := e.startCounter("rewrap "+name, "data keys")
				res, err := v.RewrapKey(e.ctx, name, bar.Set)
				bar.Finish()
				if err != nil {
					return err
				}
				return e.say(res, "key %s: %d data keys rewrapped, %d already on the primary version", name, res.Moved, res.Already)
			})
		}),
	}
}

func keyStateCmd(e *env, op string, enable bool) *cobra.Command {
	return &cobra.Command{
		Use:     op + " NAME@VERSION",
		Short:   map[bool]string{false: "Disable a KEK version (its data keys cannot be unwrapped)", true: "Enable a disabled KEK version"}[enable],
		Example: "  coffer key " + op + " default@1",
		Args:    args(1, 1),
		RunE: run(func(cmd *cobra.Command, a []string) error {
			name, ver, err := parseKeyVersion(a[0])
			if err != nil {
				return err
			}
			return e.withVault(func(v *vault.Vault) error {
				info, err := v.SetKeyEnabled(e.ctx, name, ver, enable)
				if err != nil {
					return err
				}
				return e.say(info, "key %s is %s", info.KeyID(), info.Status())
			})
		}),
	}
}

func keyScheduleCmd(e *env) *cobra.Command {
	var days int
	var force bool
	c := &cobra.Command{
		Use:   "schedule-deletion NAME@VERSION",
		Short: "Schedule the destruction of a KEK version after --days",
		Long: `Schedule the destruction of a KEK version. Until the date passes the version is
disabled and the deletion can be cancelled; afterwards key sweep destroys its
material. Refused while data keys depend on the version (run key rewrap
first), unless --force: the dataset versions that become unrecoverable are
then listed.`,
		Example: "  coffer key schedule-deletion default@1 --days 30",
		Args:    args(1, 1),
		RunE: run(func(cmd *cobra.Command, a []string) error {
			name, ver, err := parseKeyVersion(a[0])
			if err != nil {
				return err
			}
			return e.withVault(func(v *vault.Vault) error {
				info, deps, err := v.ScheduleKeyDeletion(e.ctx, name, ver, days, force)
				e.listLost(deps, err == nil)
				if err != nil {
					return err
				}
				return e.say(info, "key %s is %s", info.KeyID(), info.Status())
			})
		}),
	}
	c.Flags().IntVar(&days, "days", kms.DefaultDeletionDays, fmt.Sprintf("waiting period in days (%d to %d)", kms.MinDeletionDays, kms.MaxDeletionDays))
	c.Flags().BoolVar(&force, "force", false, "schedule even though data keys depend on the version")
	return c
}

func keyCancelCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:     "cancel-deletion NAME@VERSION",
		Short:   "Cancel a scheduled deletion (the version stays disabled)",
		Example: "  coffer key cancel-deletion default@1 && coffer key enable default@1",
		Args:    args(1, 1),
		RunE: run(func(cmd *cobra.Command, a []string) error {
			name, ver, err := parseKeyVersion(a[0])
			if err != nil {
				return err
			}
			return e.withVault(func(v *vault.Vault) error {
				info, err := v.CancelKeyDeletion(e.ctx, name, ver)
				if err != nil {
					return err
				}
				return e.say(info, "key %s is %s", info.KeyID(), info.Status())
			})
		}),
	}
}

func keySweepCmd(e *env) *cobra.Command {
	var force bool
	c := &cobra.Command{
		Use:   "sweep",
		Short: "Destroy KEK versions whose deletion date has passed",
		Long: `Destroy the material of KEK versions whose deletion date has passed. A version
that data keys still depend on is skipped and its dataset versions listed,
unless --force, which destroys it and makes them unrecoverable.`,
		Example: "  coffer key sweep",
		Args:    args(0, 0),
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			return e.withVault(func(v *vault.Vault) error {
				destroyed, blocked, err := v.SweepKeys(e.ctx, force)
				if e.json() {
					if perr := e.printJSON(map[string]any{"destroyed": destroyed, "blocked": blocked}); perr != nil {
						return perr
					}
					return err
				}
				for _, b := range blocked {
					fmt.Fprintf(e.stdout, "key %s: %d dataset versions depend on it\n", b.KeyID(), len(b.Dependents))
					e.listLost(b.Dependents, force)
				}
				for _, d := range destroyed {
					fmt.Fprintf(e.stdout, "destroyed key %s\n", d.KeyID())
				}
				if err == nil && len(blocked) > 0 && !force {
					return fault.E(fault.Invalid, "%d key versions are due but still needed", len(blocked)).
						WithHint("run: coffer key rewrap, then sweep again (or --force)")
				}
				return err
			})
		}),
	}
	c.Flags().BoolVar(&force, "force", false, "destroy versions even if data keys depend on them")
	return c
}

func keyMigrateRootCmd(e *env) *cobra.Command {
	var to config.Root
	c := &cobra.Command{
		Use:   "migrate-root",
		Short: "Re-seal the keyring under another root of trust",
		Long: `Re-seal the keyring under another root: a root key file, a passphrase
(Argon2id; COFFER_PASSPHRASE or a prompt) or an AES key inside a PKCS#11 token
(PIN from COFFER_PKCS11_PIN or a prompt). The keys inside do not change. The
old root (key file or token key) is left in place: retire it yourself once the
vault opens with the new one.`,
		Example: `  coffer key migrate-root --to passphrase
  coffer key migrate-root --to pkcs11 --module /usr/lib/softhsm/libsofthsm2.so --token coffer`,
		Args: args(0, 0),
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			return e.withVault(func(v *vault.Vault) error {
				if err := v.MigrateRoot(e.ctx, to, e.secrets(true)); err != nil {
					return err
				}
				return e.say(map[string]string{"root": to.Kind}, "the keyring is now sealed by the %s root", to.Kind)
			})
		}),
	}
	c.Flags().StringVar(&to.Kind, "to", "", "new root: file, passphrase or pkcs11")
	c.Flags().StringVar(&to.Module, "module", "", "pkcs11: the token's PKCS#11 library")
	c.Flags().StringVar(&to.Token, "token", "", "pkcs11: token label")
	c.Flags().StringVar(&to.Key, "key-label", "", "pkcs11: key label (default coffer-root)")
	return c
}

func shredCmd(e *env) *cobra.Command {
	var yes bool
	c := &cobra.Command{
		Use:   "shred NAME@VERSION",
		Short: "Destroy one version's data key for good (crypto-shredding)",
		Long: `Destroy the data key of one dataset version: every copy of its blob, backups
included, becomes unreadable, and get reports when and by whom it was
shredded (exit code 6). Asks for confirmation unless --yes.`,
		Example: "  coffer shred customers@3 --yes",
		Args:    args(1, 1),
		RunE: run(func(cmd *cobra.Command, a []string) error {
			ref, err := vault.ParseRef(a[0])
			if err != nil {
				return err
			}
			if ref.Version == 0 {
				return fault.E(fault.Invalid, "shred needs an explicit version").WithHint("write %s@VERSION (see: coffer log %s)", ref.Name, ref.Name)
			}
			if !yes {
				if err := e.confirm(fmt.Sprintf("shred %s? Its data cannot be recovered afterwards. Type the name@version to confirm: ", a[0]), a[0]); err != nil {
					return err
				}
			}
			return e.withVault(func(v *vault.Vault) error {
				ver, err := v.Shred(e.ctx, ref)
				if err != nil {
					return err
				}
				return e.say(versionJSON(ver), "shredded %s@%d", ver.Dataset, ver.Number)
			})
		}),
	}
	c.Flags().BoolVar(&yes, "yes", false, "do not ask for confirmation")
	return c
}

// listLost prints dataset versions that a key operation leaves without a key.
func (e *env) listLost(deps []catalog.Version, lost bool) {
	if e.json() || len(deps) == 0 {
		return
	}
	word := "would become unrecoverable"
	if lost {
		word = "become unrecoverable"
	}
	for _, d := range deps {
		fmt.Fprintf(e.stderr, "  %s@%d %s\n", d.Dataset, d.Number, word)
	}
}

func parseKeyVersion(s string) (string, uint32, error) {
	name, ver, err := kms.ParseKeyID(s)
	if err != nil {
		return "", 0, fault.E(fault.Invalid, "%q is not a key version", s).WithHint("write NAME@VERSION, e.g. default@1 (see: coffer key ls)")
	}
	return name, ver, nil
}

func argOr(a []string, def string) string {
	if len(a) > 0 {
		return a[0]
	}
	return def
}
