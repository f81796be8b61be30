package server

import (
	"context"
	"io"
	"time"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/authn"
	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/vault"
)

// Backend is what the REST and S3 APIs ask of the vault, on behalf of an
// authenticated Caller. Every method authorizes the caller itself (for
// VaultBackend: the vault's policies and views) and
// returns a fault.Denied error when it must not proceed; a denied Open
// returns before any data is produced. Implementations must be safe for
// concurrent use.
type Backend interface {
	// Datasets lists the datasets the caller may see.
	Datasets(ctx context.Context, c authn.Caller) ([]catalog.Dataset, error)
	// Versions lists the versions of dataset name, oldest first.
	Versions(ctx context.Context, c authn.Caller, name string) ([]catalog.Version, error)
	// Version returns the metadata of ref (latest if ref.Version is 0).
	Version(ctx context.Context, c authn.Caller, ref vault.Ref) (catalog.Version, error)
	// Put stores body as the next version of dataset name.
	Put(ctx context.Context, c authn.Caller, name string, body io.Reader, o vault.PutOptions) (catalog.Version, error)
	// Open authorizes a read of ref for purpose and returns the object as
	// the caller's view shows it.
	Open(ctx context.Context, c authn.Caller, ref vault.Ref, purpose string) (Object, error)
	// Delete makes dataset name disappear: every live version is shredded
	// (its data key destroyed); the catalog and audit log keep the record.
	Delete(ctx context.Context, c authn.Caller, name string) error
	// Explain says, in words, whether c may do action on ref for purpose.
	Explain(ctx context.Context, c authn.Caller, action string, ref vault.Ref, purpose string) (Explanation, error)
	// Audit calls fn for each audit record at or after since.
	Audit(ctx context.Context, c authn.Caller, since time.Time, fn func(audit.Record) error) error
}

// Object is an authorized read of one version.
type Object interface {
	// Version is the version read (pinned at Open).
	Version() catalog.Version
	// Size is the number of bytes WriteTo writes, or -1 if the view
	// transforms the data and the size is not known in advance.
	Size() int64
	// Views are the ids of the views that apply to the read.
	Views() []string
	// WriteTo writes the whole view to w; it writes the read's audit
	// record when the stream ends.
	WriteTo(ctx context.Context, w io.Writer) error
	// WriteRange writes n bytes from off; it fails with fault.Invalid when
	// the view transforms the data (ranges are over stored bytes).
	WriteRange(ctx context.Context, off, n int64, w io.Writer) error
}

// Explanation is the answer of Explain.
type Explanation struct {
	Decision string   `json:"decision"` // allow or deny
	Reasons  []string `json:"reasons"`  // in words, most important first
	Masked   []string `json:"masked"`   // columns the view would mask or drop
}

// Keys verifies API keys; *vault.Vault implements it.
type Keys interface {
	VerifyAPIKey(ctx context.Context, id, secret string) (catalog.APIKey, error)
	APIKeySecret(ctx context.Context, id string) (catalog.APIKey, []byte, error)
}
