package vault

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"time"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/blob"
	"github.com/coffer-vault/coffer/internal/blob/disk"
	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/catalog/postgres"
	"github.com/coffer-vault/coffer/internal/catalog/sqlite"
	"github.com/coffer-vault/coffer/internal/classify"
	"github.com/coffer-vault/coffer/internal/config"
	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/kms"
	"github.com/coffer-vault/coffer/internal/kms/local"
	"github.com/coffer-vault/coffer/internal/policy"
	"github.com/coffer-vault/coffer/internal/view"
)

// Vault is an open vault.
type Vault struct {
	Home          string
	cfg           config.Config
	sec           Secrets
	cat           catalog.Store
	blobs         blob.Store
	closeBlobs    func() error
	keys          kms.Keyring
	mgr           kms.Manager // nil when the keys live in an external KMS
	chain         *audit.Chain
	chunkSize     int
	actor         string
	now           func() time.Time
	access        access       // who it acts for (access.go)
	cache         *accessCache // parsed policies and views, for servers (accesscache.go)
	noQuality     bool         // no profiles, no checks: for the quality benchmark's baseline only
	inlineQuality bool         // profile on the scanning goroutine: for the quality benchmark only
}

// InitOptions configures a new vault.
type InitOptions struct {
	Catalog   string      // catalog URL; empty for the embedded SQLite default
	ChunkSize int         // plaintext bytes per sealed chunk; 0 for the default
	Root      config.Root // what seals the keyring; zero for a root key file
	KMS       string      // external KMS URL, or "env" for COFFER_KMS_URL; empty for the local keyring
	Secrets   Secrets     // where a passphrase or PIN comes from
}

// Secrets supplies the secrets a keyring root may need. A nil function
// reads the environment (COFFER_PASSPHRASE, COFFER_PKCS11_PIN).
type Secrets struct {
	Passphrase func(ctx context.Context) ([]byte, error)
	PIN        func(ctx context.Context) (string, error)
}

// Init creates a vault in home: configuration, keyring sealed by a root key
// file, catalog, blob directory, audit log and the starter files. It builds
// the vault in a temporary sibling directory and renames it into place, so
// a failed init leaves nothing behind. home must not exist or be empty.
func Init(ctx context.Context, home string, o InitOptions) error {
	if _, err := os.Stat(filepath.Join(home, config.FileName)); err == nil {
		return fault.E(fault.Invalid, "%s is already a vault", home).WithHint("use another --home, or work with this one")
	}
	if ents, err := os.ReadDir(home); err == nil && len(ents) > 0 {
		return fault.E(fault.Invalid, "%s exists and is not empty", home).WithHint("choose a new or empty directory for --home")
	}
	c := config.Default()
	if o.Catalog != "" {
		c.Catalog = o.Catalog
	}
	if o.ChunkSize != 0 {
		c.ChunkSize = o.ChunkSize
	}
	if o.Root.Kind != "" {
		c.Root = o.Root
	}
	if o.KMS != "" {
		c.Keyring = "kms:" + o.KMS
	}
	if err := c.Check(); err != nil {
		return fault.Wrap(fault.Invalid, err, "invalid vault settings")
	}
	parent := filepath.Dir(filepath.Clean(home))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fault.Wrap(fault.Other, err, "cannot create %s", parent)
	}
	tmp, err := os.MkdirTemp(parent, ".coffer-init-")
	if err != nil {
		return fault.Wrap(fault.Other, err, "cannot create vault directory")
	}
	defer os.RemoveAll(tmp) // a no-op after the rename
	if err := build(ctx, tmp, c, o.Secrets); err != nil {
		return err
	}
	if err := os.Rename(tmp, home); err != nil {
		return fault.Wrap(fault.Other, err, "cannot move the new vault into place")
	}
	return nil
}

// build writes a complete vault with configuration c into dir.
func build(ctx context.Context, dir string, c config.Config, sec Secrets) error {
	if err := os.Chmod(dir, 0o700); err != nil {
		return fault.Wrap(fault.Other, err, "cannot restrict vault directory")
	}
	if err := createKeyring(ctx, dir, c, sec); err != nil {
		return err
	}
	if err := writeStarter(dir); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, RulesFile), classify.DefaultRules, 0o600); err != nil {
		return fault.Wrap(fault.Other, err, "cannot write %s", RulesFile)
	}
	if err := config.Write(dir, c); err != nil {
		return fault.Wrap(fault.Other, err, "cannot write configuration")
	}
	v, err := OpenWith(ctx, dir, sec)
	if err != nil {
		return err
	}
	defer v.Close()
	return v.record(ctx, &audit.Record{Action: "init", Decision: "ok", Detail: map[string]string{"catalog": c.Catalog}})
}

// writeStarter writes the starter policies (policies/) and views
// (views.yaml) of a new vault.
func writeStarter(home string) error {
	dir := filepath.Join(home, PoliciesDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fault.Wrap(fault.Other, err, "cannot write starter files")
	}
	files := map[string][]byte{ViewsFile: view.Starter()}
	for name, b := range policy.Starter() {
		files[filepath.Join(PoliciesDir, name)] = b
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(home, name), b, 0o600); err != nil {
			return fault.Wrap(fault.Other, err, "cannot write starter files")
		}
	}
	return nil
}

// Open opens the vault in home, taking root secrets from the environment.
func Open(ctx context.Context, home string) (*Vault, error) { return OpenWith(ctx, home, Secrets{}) }

// OpenWith opens the vault in home with sec as the source of root secrets.
func OpenWith(ctx context.Context, home string, sec Secrets) (*Vault, error) {
	c, err := config.Read(home)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fault.E(fault.NotFound, "no vault in %s", home).WithHint("run: coffer init (or pass --home)")
	}
	if err != nil {
		return nil, fault.Wrap(fault.Other, err, "cannot read vault configuration")
	}
	keys, err := openKeyring(ctx, home, c, sec)
	if err != nil {
		return nil, err
	}
	akey, err := keys.AuditKey(ctx)
	if err != nil {
		return nil, fault.Wrap(fault.Other, err, "cannot read audit key")
	}
	chain := audit.NewChain(akey)
	blobs, err := disk.New(config.Resolve(home, location(c.Blobs)))
	if err != nil {
		return nil, fault.Wrap(fault.Other, err, "cannot open blob store")
	}
	cat, err := openCatalog(ctx, home, c.Catalog, chain)
	if err != nil {
		blobs.Close()
		return nil, err
	}
	mgr, _ := keys.(kms.Manager)
	return &Vault{Home: home, cfg: c, sec: sec, cat: cat, blobs: blobs, closeBlobs: blobs.Close, mgr: mgr, keys: keys, chain: chain,
		chunkSize: c.ChunkSize, actor: localActor(), now: time.Now}, nil
}

func openCatalog(ctx context.Context, home, url string, chain *audit.Chain) (catalog.Store, error) {
	scheme, loc, _ := config.Backend(url) // checked by config.Read
	var (
		cat catalog.Store
		err error
	)
	switch scheme {
	case "sqlite":
		cat, err = sqlite.Open(ctx, config.Resolve(home, loc), chain)
	case "postgres":
		cat, err = postgres.Open(ctx, loc, chain)
	}
	if err != nil {
		return nil, fault.Wrap(fault.Other, err, "cannot open catalog").WithHint("check the catalog setting in %s", filepath.Join(home, config.FileName))
	}
	return cat, nil
}

// RootSpec turns the configured root into the keyring's description.
func RootSpec(r config.Root, sec Secrets) local.RootSpec {
	kind, _ := local.ParseRootKind(r.Kind) // checked by config
	return local.RootSpec{Kind: kind, Passphrase: sec.Passphrase,
		PKCS11: local.PKCS11Spec{Module: r.Module, Token: r.Token, Key: r.Key, PIN: sec.PIN}}
}

func location(u string) string {
	_, loc, _ := config.Backend(u)
	return loc
}

func localActor() string {
	if u, err := user.Current(); err == nil {
		return "os:" + u.Username
	}
	return fmt.Sprintf("os:uid-%d", os.Getuid())
}

// Actor is the principal the vault acts for.
func (v *Vault) Actor() string { return v.actor }

// Close releases the vault's backends.
func (v *Vault) Close() error {
	err := v.cat.Close()
	if cerr := v.closeBlobs(); err == nil {
		err = cerr
	}
	return err
}

// record appends an audit record on its own.
func (v *Vault) record(ctx context.Context, r *audit.Record) error {
	v.stamp(r)
	if err := v.cat.AppendAudit(ctx, r); err != nil {
		return fault.Wrap(fault.Other, err, "cannot append audit record")
	}
	return nil
}

func (v *Vault) stamp(r *audit.Record) {
	r.Time = v.now().UTC()
	v.stampAccess(r)
}
