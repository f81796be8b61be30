package vault

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"io"
	"path"
	"strconv"
	"time"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/blob"
	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/fault"
)

// Check is the outcome of verifying one version.
type Check struct {
	Dataset  string `json:"dataset"`
	Version  int64  `json:"version"`
	OK       bool   `json:"ok"`
	Shredded bool   `json:"shredded,omitempty"` // data key destroyed on purpose: nothing to check
	Problem  string `json:"problem,omitempty"`
}

// Leftover is a blob no version refers to: a temporary file or an
// orphaned object of an interrupted put.
type Leftover struct {
	Key     string    `json:"key"`
	Size    int64     `json:"size"`
	ModTime time.Time `json:"mod_time"`
	Temp    bool      `json:"temp"`
}

// Report is the outcome of Verify.
type Report struct {
	Checks    []Check    `json:"checks"`
	Failed    int        `json:"failed"`
	Leftovers []Leftover `json:"leftovers"`
}

// Verify checks stored objects against the catalog: ciphertext size and
// SHA-256, every chunk's authentication, plaintext size and SHA-256. With
// ref nil it checks every version of every dataset and also reports blobs
// that no version refers to. It returns a fault.Integrity error if any
// version failed, together with the full report.
func (v *Vault) Verify(ctx context.Context, ref *Ref) (Report, error) {
	vers, err := v.versionsFor(ctx, ref)
	if err != nil {
		return Report{}, err
	}
	var rep Report
	for _, ver := range vers {
		c := Check{Dataset: ver.Dataset, Version: ver.Number, OK: true, Shredded: !ver.Shredded.IsZero()}
		if c.Shredded {
			rep.Checks = append(rep.Checks, c)
			continue
		}
		if err := v.verifyOne(ctx, ver); err != nil {
			if fault.KindOf(err) != fault.Integrity {
				return rep, err
			}
			c.OK, c.Problem = false, problemOf(err)
			rep.Failed++
		}
		rep.Checks = append(rep.Checks, c)
	}
	if ref == nil {
		if rep.Leftovers, err = v.leftovers(ctx, vers); err != nil {
			return rep, err
		}
	}
	rec := &audit.Record{Action: "verify", Decision: "ok", Detail: map[string]string{
		"checked": strconv.Itoa(len(rep.Checks)), "failed": strconv.Itoa(rep.Failed)}}
	if ref != nil {
		rec.Dataset, rec.Version = ref.Name, ref.Version
	}
	if rep.Failed > 0 {
		rec.Decision = "fail"
	}
	if err := v.record(ctx, rec); err != nil {
		return rep, err
	}
	if rep.Failed > 0 {
		first := rep.Checks[firstFailed(rep.Checks)]
		return rep, fault.E(fault.Integrity, "%d of %d versions failed verification; first: %s@%d: %s",
			rep.Failed, len(rep.Checks), first.Dataset, first.Version, first.Problem).
			WithHint("do not use these versions; restore their blobs from a backup or put them again")
	}
	return rep, nil
}

func (v *Vault) versionsFor(ctx context.Context, ref *Ref) ([]catalog.Version, error) {
	if ref != nil && ref.Version != 0 {
		ver, err := v.Version(ctx, *ref)
		return []catalog.Version{ver}, err
	}
	if ref != nil {
		return v.Versions(ctx, ref.Name)
	}
	ds, err := v.Datasets(ctx)
	if err != nil {
		return nil, err
	}
	var all []catalog.Version
	for _, d := range ds {
		vs, err := v.Versions(ctx, d.Name)
		if err != nil {
			return nil, err
		}
		all = append(all, vs...)
	}
	return all, nil
}

// verifyOne reads ver's blob once, checking the ciphertext digest on the
// way through the authenticating reader.
func (v *Vault) verifyOne(ctx context.Context, ver catalog.Version) error {
	stored := &digestWriter{h: sha256.New()}
	r, closeFn, err := v.open(ctx, ver, stored)
	if err != nil {
		return err
	}
	defer closeFn()
	plain := &digestWriter{h: sha256.New()}
	if _, err := io.Copy(plain, r); err != nil {
		return integrityOrOther(ver, err)
	}
	switch {
	case stored.n != ver.StoredSize || !hmac.Equal(stored.h.Sum(nil), ver.StoredSHA256):
		return integrityErr(ver, errors.New("stored object does not match its recorded SHA-256"))
	case plain.n != ver.Size || !hmac.Equal(plain.h.Sum(nil), ver.SHA256):
		return integrityErr(ver, errors.New("plaintext does not match its recorded SHA-256"))
	}
	return nil
}

func (v *Vault) leftovers(ctx context.Context, vers []catalog.Version) ([]Leftover, error) {
	known := make(map[string]bool, len(vers))
	for _, ver := range vers {
		known[ver.BlobKey] = true
	}
	var out []Leftover
	err := v.blobs.List(ctx, func(i blob.Info) error {
		if i.Temp || !known[i.Key] {
			out = append(out, Leftover{Key: i.Key, Size: i.Size, ModTime: i.ModTime.UTC(), Temp: i.Temp})
		}
		return nil
	})
	if err != nil {
		return nil, fault.Wrap(fault.Other, err, "cannot list stored objects")
	}
	return out, nil
}

// GC removes leftovers older than grace: temporary files of interrupted
// puts and objects no version refers to. The grace period protects puts
// still in progress, whose blobs exist before their catalog commit.
func (v *Vault) GC(ctx context.Context, grace time.Duration) ([]Leftover, error) {
	if err := v.authorizeAdmin(ctx); err != nil {
		return nil, err
	}
	vers, err := v.versionsFor(ctx, nil)
	if err != nil {
		return nil, err
	}
	left, err := v.leftovers(ctx, vers)
	if err != nil {
		return nil, err
	}
	var removed []Leftover
	cutoff := v.now().Add(-grace)
	for _, l := range left {
		if l.ModTime.After(cutoff) {
			continue
		}
		if !l.Temp && v.referenced(ctx, l.Key) { // committed since we listed
			continue
		}
		if err := v.blobs.Delete(ctx, l.Key); err != nil && !errors.Is(err, blob.ErrNotFound) {
			return removed, fault.Wrap(fault.Other, err, "cannot remove %s", l.Key)
		}
		removed = append(removed, l)
	}
	err = v.record(ctx, &audit.Record{Action: "gc", Decision: "ok", Detail: map[string]string{"removed": strconv.Itoa(len(removed))}})
	return removed, err
}

func (v *Vault) referenced(ctx context.Context, key string) bool {
	_, err := v.cat.VersionByID(ctx, path.Base(key))
	return !errors.Is(err, catalog.ErrNotFound)
}

func integrityOrOther(ver catalog.Version, err error) error {
	var fe *fault.Error
	if errors.As(err, &fe) {
		return err
	}
	if isIntegrity(err) {
		return integrityErr(ver, err)
	}
	return fault.Wrap(fault.Other, err, "cannot read %s", refOf(ver))
}

func problemOf(err error) string {
	var fe *fault.Error
	if errors.As(err, &fe) && fe.Err != nil {
		return fe.Err.Error()
	}
	return err.Error()
}

func firstFailed(cs []Check) int {
	for i, c := range cs {
		if !c.OK {
			return i
		}
	}
	return 0
}
