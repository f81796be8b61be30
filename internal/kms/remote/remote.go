package remote

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"gocloud.dev/secrets"
	// The external KMSes a URL may name (hashivault is opened in keeper.go);
	// see schemes and docs/kms-remote.md.
	_ "gocloud.dev/secrets/awskms"
	_ "gocloud.dev/secrets/azurekeyvault"
	_ "gocloud.dev/secrets/gcpkms"
	_ "gocloud.dev/secrets/localsecrets"

	"github.com/coffer-vault/coffer/internal/kms"
)

// The default bounds of the DEK cache in front of the KMS.
const (
	DefaultCacheTTL        = 5 * time.Minute
	DefaultCacheMaxUses    = 10000
	DefaultCacheMaxEntries = 10000
)

// Keyring is a kms.Keyring whose one KEK is a key in an external KMS,
// reached through gocloud.dev/secrets, with a kms.Cache in front of it.
// It is safe for concurrent use. Key lifecycle (rotation, disabling,
// deletion) is the KMS's: Keyring is not a kms.Manager.
type Keyring struct {
	*kms.Cache
	b *backend
}

var _ kms.Keyring = (*Keyring)(nil)

type options struct {
	name                string
	ttl                 time.Duration
	maxUses, maxEntries int
	cacheOpts           []kms.CacheOption
}

// Option configures Open and Create.
type Option func(*options)

// WithName names the keyring's KEK (1 to 64 of [a-z0-9-]; the default is
// "remote-" and the URL's scheme, e.g. "remote-awskms"). The name is in
// every wrapped key and key id ("NAME@1"): Open must be given the name
// that Create was.
func WithName(name string) Option { return func(o *options) { o.name = name } }

// WithCache sets the bounds of the DEK cache (see kms.Cache); ttl <= 0,
// maxUses <= 1 or maxEntries <= 0 turns it off, so that every Unwrap calls
// the KMS.
func WithCache(ttl time.Duration, maxUses, maxEntries int, opts ...kms.CacheOption) Option {
	return func(o *options) { o.ttl, o.maxUses, o.maxEntries, o.cacheOpts = ttl, maxUses, maxEntries, opts }
}

// Create sets up a keyring in keysDir (made 0700 if missing) for the KMS
// key at url: it makes a random audit key, wraps it with the KMS, checks
// that the KMS unwraps it, and writes it to keysDir/audit.key (0600). It
// refuses to replace an audit.key.
func Create(ctx context.Context, keysDir, url string, opts ...Option) (*Keyring, error) {
	b, o, err := newBackend(ctx, url, opts)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(keysDir, AuditKeyFile)
	if _, err := os.Lstat(path); err == nil {
		b.keeper.Close()
		return nil, fmt.Errorf("kms: audit key %s already exists; refusing to overwrite it", path)
	} else if !errors.Is(err, fs.ErrNotExist) {
		b.keeper.Close()
		return nil, fmt.Errorf("kms: audit key: %w", err)
	}
	if err := os.MkdirAll(keysDir, 0o700); err != nil {
		b.keeper.Close()
		return nil, fmt.Errorf("kms: %w", err)
	}
	if err := b.createAuditKey(ctx, keysDir); err != nil {
		b.close()
		return nil, err
	}
	return newKeyring(b, o), nil
}

// Open opens the keyring in keysDir for the KMS key at url: it unwraps
// keysDir/audit.key with the KMS, and fails closed (matching ErrSealed)
// if the KMS key is not the one that wrapped it or the file was changed.
func Open(ctx context.Context, keysDir, url string, opts ...Option) (*Keyring, error) {
	b, o, err := newBackend(ctx, url, opts)
	if err != nil {
		return nil, err
	}
	if err := b.loadAuditKey(ctx, keysDir); err != nil {
		b.close()
		return nil, err
	}
	return newKeyring(b, o), nil
}

func newBackend(ctx context.Context, rawURL string, opts []Option) (*backend, *options, error) {
	u, err := parseURL(rawURL)
	if err != nil {
		return nil, nil, err
	}
	o := &options{name: "remote-" + u.scheme, ttl: DefaultCacheTTL,
		maxUses: DefaultCacheMaxUses, maxEntries: DefaultCacheMaxEntries}
	for _, opt := range opts {
		opt(o)
	}
	if !validName(o.name) {
		return nil, nil, fmt.Errorf("kms: KEK name %q is not 1 to %d of [a-z0-9-]", o.name, maxNameLen)
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, fmt.Errorf("kms: open %s: %w", u.redacted, err)
	}
	keeper, err := call(func() (*secrets.Keeper, error) { return openKeeper(ctx, u) })
	if err != nil {
		return nil, nil, fmt.Errorf("kms: cannot open the external KMS %s: %s", u.redacted, u.scrub(err.Error()))
	}
	return &backend{url: u, name: o.name, keeper: keeper}, o, nil
}

func newKeyring(b *backend, o *options) *Keyring {
	return &Keyring{Cache: kms.NewCache(b, o.ttl, o.maxUses, o.maxEntries, o.cacheOpts...), b: b}
}

// KeyID returns the key id that Wrap reports: "NAME@1".
func (k *Keyring) KeyID() string { return k.b.keyID() }

// KMS returns the KMS URL with only its scheme and host: safe to print.
func (k *Keyring) KMS() string { return k.b.url.redacted }

// String, Format and LogValue show the key id and the KMS's scheme and
// host: never the URL's secrets or the audit key.
func (k *Keyring) String() string                { return "remote keyring " + k.b.keyID() + " in " + k.b.url.redacted }
func (k *Keyring) Format(f fmt.State, verb rune) { io.WriteString(f, k.String()) }
func (k *Keyring) LogValue() slog.Value          { return slog.StringValue(k.String()) }

// Close purges the cache (zeroing the DEKs in it), zeroes the audit key
// and closes the connection to the KMS. The keyring must not be used
// after.
func (k *Keyring) Close() error {
	k.Cache.Close()
	return k.b.close()
}

func (b *backend) close() error {
	clear(b.audit)
	if err := b.keeper.Close(); err != nil {
		return fmt.Errorf("kms: close %s: %s", b.url.redacted, b.url.scrub(err.Error()))
	}
	return nil
}
