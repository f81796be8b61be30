// Package catalog defines the Store that records datasets, their versions,
// the principals the vault acts for and the audit log, and the types it
// returns. Implementations live in sqlite/ and postgres/; catalogtest/ is
// the conformance suite both pass.
//
// # Security
//
// The catalog holds wrapped data keys, never plaintext keys, and digests of
// data, never data. Every change is one transaction: a version (or a new or
// disabled principal) and the audit record that announces it commit
// together or not at all.
package catalog

import (
	"context"
	"errors"
	"time"

	"github.com/coffer-vault/coffer/internal/audit"
)

// ErrNotFound is returned (wrapped) when a dataset or version does not exist.
var ErrNotFound = errors.New("catalog: not found")

// ErrShredded is returned (wrapped) by Shred for a version already shredded.
var ErrShredded = errors.New("catalog: already shredded")

// Version is one immutable version of a dataset.
type Version struct {
	Dataset        string            // dataset name
	Number         int64             // 1, 2, 3, ... per dataset, gap-free; assigned by CommitVersion
	ID             string            // random version id (32 hex digits), bound into the encryption context
	BlobKey        string            // key in the blob store
	Created        time.Time         // UTC
	Size           int64             // plaintext bytes
	StoredSize     int64             // ciphertext bytes
	SHA256         []byte            // plaintext SHA-256
	StoredSHA256   []byte            // ciphertext SHA-256
	WrappedDEK     []byte            // data key wrapped by the KEK
	KeyID          string            // KEK that wrapped it, "name@version"
	Format         string            // csv, tsv, jsonl, parquet, blob
	Classification string            // public, internal, confidential, restricted
	Owner          string            // owner principal
	Department     string            // owning department
	Tags           map[string]string // user tags
	Creator        string            // who put it
	Shredded       time.Time         // when its data key was destroyed; zero if never
	ShreddedBy     string            // who destroyed it
	Findings       []byte            // scan results as JSON (masked examples only); nil if not scanned
	Clearance      int               // clearance a reader needs, 0..MaxClearance
	AllowedGroups  []string          // groups a reader must be in one of; nil: no group needed
	QualityInfo                      // data-quality profile, check results and gate status (quality.go)
}

// Rewrap moves one version's data key from OldKeyID to KeyID.
type Rewrap struct {
	ID       string // version id
	OldKeyID string // the key that must still wrap it
	Wrapped  []byte // the data key wrapped by KeyID
	KeyID    string
}

// Dataset summarizes a dataset and its latest version.
type Dataset struct {
	Name     string
	Versions int64   // number of versions (equal to the latest number)
	Latest   Version // the latest version that is not quarantined (Number 0 if none)
	// Quarantined counts the versions held back by the quality gate.
	Quarantined int64
}

// Store is the catalog. All methods are safe for concurrent use, also by
// several processes sharing one database.
type Store interface {
	Principals
	APIKeys // API keys (apikeys.go)
	// CommitVersion assigns v.Number (latest+1 for v.Dataset, creating the
	// dataset on its first version) and, in the same transaction, appends
	// rec with rec.Version set to that number. On return v and rec hold the
	// assigned numbers and rec its chain hashes.
	CommitVersion(ctx context.Context, v *Version, rec *audit.Record) error
	// Datasets lists all datasets by name.
	Datasets(ctx context.Context) ([]Dataset, error)
	// Versions lists the versions of dataset name, oldest first; a
	// dataset that does not exist is ErrNotFound.
	Versions(ctx context.Context, name string) ([]Version, error)
	// Version returns version number of dataset name; number 0 means latest.
	Version(ctx context.Context, name string, number int64) (Version, error)
	// VersionByID returns the version with id (used to map blobs back).
	VersionByID(ctx context.Context, id string) (Version, error)
	// AppendAudit appends rec to the audit chain, assigning Seq, Prev, Hash.
	AppendAudit(ctx context.Context, rec *audit.Record) error
	// AuditRecords calls fn for each record with Seq > after, in Seq order.
	// It stops at fn's first error and returns that error unchanged.
	AuditRecords(ctx context.Context, after int64, fn func(audit.Record) error) error
	// KeyUsage counts, per key id ("name@v"), the versions whose data key
	// it wraps. Shredded versions hold no data key and are not counted.
	KeyUsage(ctx context.Context) (map[string]int64, error)
	// VersionsWithKey calls fn for every version whose data key is wrapped
	// by keyID: "name@v" exactly, or "name" for any version of that KEK.
	// No query is open while fn runs, so fn may call Rewrap.
	VersionsWithKey(ctx context.Context, keyID string, fn func(Version) error) error
	// Rewrap replaces, in one transaction, the wrapped data key of each
	// item's version if it is still wrapped by the item's OldKeyID, and
	// returns how many it replaced: a version moved meanwhile by someone
	// else, or shredded, is left alone.
	Rewrap(ctx context.Context, items []Rewrap) (int, error)
	// Shred destroys the wrapped data key of version id for good, recording
	// rec.Time and rec.Actor as when and by whom, and appends rec (with
	// Dataset and Version set to the version's), all in one transaction.
	// Shredding a shredded version is ErrShredded.
	Shred(ctx context.Context, id string, rec *audit.Record) error
	// Close releases the store.
	Close() error

	QualityStore // checks per dataset, quarantine and release (quality.go)
}
