package vault

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"io"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/kms"
	"github.com/coffer-vault/coffer/internal/pii"
	"github.com/coffer-vault/coffer/internal/policy"
	"github.com/coffer-vault/coffer/internal/quality"
	"github.com/coffer-vault/coffer/internal/seal"
)

// PutOptions describes a new version.
type PutOptions struct {
	Format         string            // empty: sniffed from the first bytes
	Classification string            // declared level; empty: the latest version's, else the rules' default
	Owner          string            // empty: the actor
	Department     string            // owning department
	Tags           map[string]string // user tags; nil: the latest version's
	Key            string            // KEK name; empty: see chooseKEK
	Clearance      int               // clearance readers need; 0: the classification's default (never lower)
	AllowGroups    []string          // groups a reader must be in one of; nil: the latest version's
	Source         string            // where the bytes came from, for error messages ("-" for stdin)
}

// Put reads r once and stores it as the next version of dataset name.
// CSV, TSV and JSON Lines are scanned for personal data in the same pass
// that encrypts them; Parquet, which needs random access, is scanned from
// the sealed blob just written. The scan may raise the declared level.
func (v *Vault) Put(ctx context.Context, name string, r io.Reader, o PutOptions) (catalog.Version, error) {
	prev, err := v.checkPut(ctx, name, &o)
	if err != nil {
		return catalog.Version{}, err
	}
	if err := v.authorize(ctx, policy.Write, putResource(name, prev, o)); err != nil {
		return catalog.Version{}, err
	}
	gate, err := v.newGate(ctx, name, prev)
	if err != nil {
		return catalog.Version{}, err
	}
	br := bufio.NewReaderSize(r, 64<<10)
	if o.Format == "" {
		head, err := br.Peek(4096)
		if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
			return catalog.Version{}, fault.Wrap(fault.Other, err, "cannot read %s", o.Source)
		}
		o.Format = sniff(head)
	}
	ver := catalog.Version{
		Dataset: name, ID: newVersionID(), Format: o.Format,
		Owner: o.Owner, Department: o.Department, Tags: o.Tags, Creator: v.actingID(),
		AllowedGroups: o.AllowGroups,
	}
	ver.BlobKey = blobKey(ver.ID)
	dek := kms.NewDEK()
	defer dek.Zero()
	res, prof, err := v.storeAndScan(ctx, &ver, dek, br, o, gate)
	if err == nil {
		ver.Classification, ver.Findings = res.Classification.Level, findingsJSON(res)
		ver.Clearance = max(o.Clearance, policy.DefaultClearance(ver.Classification))
		gate.judge(&ver, prof, res, v.now())
		err = v.commit(ctx, &ver, dek, v.chooseKEK(o.Key, ver.Classification, prev.KeyID))
	}
	if err != nil {
		// The version never became visible; remove its blob. If that fails
		// too, verify reports the orphan and gc removes it.
		_ = v.blobs.Delete(context.WithoutCancel(ctx), ver.BlobKey)
		return catalog.Version{}, err
	}
	if ver.Quarantined() {
		return ver, quarantinedErr(ver)
	}
	return ver, nil
}

// storeAndScan seals r into the version's blob while scanning and
// profiling it, and classifies the result.
func (v *Vault) storeAndScan(ctx context.Context, ver *catalog.Version, dek *kms.DEK, r io.Reader, o PutOptions, g *gate) (ScanResult, *quality.Profile, error) {
	insp := newInspector(ver.Format, g.options())
	if insp != nil {
		r = io.TeeReader(r, insp)
	}
	err := v.store(ctx, ver, dek, r, o.Source)
	var got inspected
	if insp != nil {
		got = insp.finish(err)
	}
	switch {
	case err != nil:
		return ScanResult{}, nil, err
	case got.err != nil:
		return ScanResult{}, nil, parseErr(got.err, o.Source, ver.Format)
	case ver.Format == "parquet":
		prof := newProfiler(g.options())
		got.cs, got.rows, err = v.scanStoredSample(ctx, *ver, dek, 0, prof)
		if got.profile, err = finishProfile(prof, err); err != nil {
			return ScanResult{}, nil, parseErr(err, o.Source, ver.Format)
		}
	}
	res, err := v.classify(ver.Format, o.Classification, got.cs, got.rows, false)
	return res, got.profile, err
}

// scanStoredSample scans (and profiles, if prof is not nil) a version from
// its sealed blob, decrypting only the chunks the reader touches.
func (v *Vault) scanStoredSample(ctx context.Context, ver catalog.Version, dek *kms.DEK, limit int64, prof *quality.Profiler) (*pii.ColumnScanner, int64, error) {
	obj, err := v.blobs.Open(ctx, ver.BlobKey)
	if err != nil {
		return nil, 0, err
	}
	defer obj.Close()
	ra, err := seal.NewReaderAt(obj, obj.Size(), dek.Bytes(), sealContext(&ver))
	if err != nil {
		return nil, 0, integrityOrOther(ver, err)
	}
	tr, err := openTabular(ra, ra.Size(), ver.Format)
	if err != nil {
		return nil, 0, err
	}
	return scanRows(tr, limit, prof)
}

// store streams r through SHA-256 and seal into a new blob, filling in the
// version's sizes and digests.
func (v *Vault) store(ctx context.Context, ver *catalog.Version, dek *kms.DEK, r io.Reader, source string) error {
	pr, pw := io.Pipe()
	plain := &digestWriter{h: sha256.New()}
	done := make(chan error, 1)
	go func() {
		done <- v.sealTo(pw, ver, dek, io.TeeReader(r, plain))
	}()
	stored := &digestReader{r: pr, h: sha256.New()}
	_, err := v.blobs.Put(ctx, ver.BlobKey, stored)
	pr.CloseWithError(errBlobStopped) // unblocks the sealer if the store gave up
	sealErr := <-done
	switch {
	case sealErr != nil && !errors.Is(sealErr, errBlobStopped):
		if err == nil { // cannot happen: the store saw the sealer's error
			_ = v.blobs.Delete(context.WithoutCancel(ctx), ver.BlobKey)
		}
		return fault.Wrap(fault.Other, sealErr, "cannot read %s", source)
	case err != nil:
		return fault.Wrap(fault.Other, err, "cannot store dataset %q", ver.Dataset)
	}
	ver.Size, ver.SHA256 = plain.n, plain.h.Sum(nil)
	ver.StoredSize, ver.StoredSHA256 = stored.n, stored.h.Sum(nil)
	return nil
}

var errBlobStopped = errors.New("blob store stopped reading")

// sealTo encrypts r into pw and closes pw with the outcome, so that the
// blob store sees an error, not a clean EOF, if reading r fails.
func (v *Vault) sealTo(pw *io.PipeWriter, ver *catalog.Version, dek *kms.DEK, r io.Reader) error {
	w, err := seal.NewWriter(pw, dek.Bytes(), sealContext(ver), &seal.Options{ChunkSize: v.chunkSize})
	if err == nil {
		_, err = io.Copy(w, r)
		if err == nil {
			err = w.Close()
		}
	}
	pw.CloseWithError(err) // nil: clean EOF
	return err
}

// commit wraps the DEK under the version's full context and records the
// version and its audit record in one catalog transaction.
func (v *Vault) commit(ctx context.Context, ver *catalog.Version, dek *kms.DEK, kek string) error {
	if kek == RestrictedKEK && v.mgr != nil {
		if _, created, err := v.mgr.EnsureKEK(ctx, kek); err != nil {
			return keyErr(err, "cannot create key %q for restricted data", kek)
		} else if created {
			if err := v.keyAudit(ctx, "key.create", kms.KeyID(kek, 1), nil); err != nil {
				return err
			}
		}
	}
	wrapped, keyID, err := v.keys.WrapWith(ctx, kek, dek, wrapContext(ver))
	if err != nil {
		return keyErr(err, "cannot wrap the data key of %q with key %q", ver.Dataset, kek)
	}
	ver.WrappedDEK, ver.KeyID = wrapped, keyID
	ver.Created = v.now().UTC()
	rec := &audit.Record{Action: "put", Dataset: ver.Dataset, Decision: "ok", Detail: map[string]string{
		"version_id": ver.ID, "sha256": hex.EncodeToString(ver.SHA256), "size": itoa(ver.Size),
		"format": ver.Format, "classification": ver.Classification, "key": keyID,
		"clearance": itoa(int64(ver.Clearance)),
	}}
	qualityDetail(ver, rec.Detail)
	v.stamp(rec)
	if err := v.cat.CommitVersion(ctx, ver, rec); err != nil {
		return fault.Wrap(fault.Other, err, "cannot record the new version of %q", ver.Dataset)
	}
	return nil
}

// sealContext binds a blob to its dataset and version: a blob moved to
// another dataset or version fails authentication.
func sealContext(ver *catalog.Version) seal.Context {
	return seal.Context{"dataset": ver.Dataset, "version": ver.ID}
}

// wrapContext is the associated data of the wrapped DEK. It adds the
// classification, which a scan may still raise after the seal header was
// written (see docs/decisions/0001-version-ids.md).
func wrapContext(ver *catalog.Version) []byte {
	return seal.Context{"dataset": ver.Dataset, "version": ver.ID, "classification": ver.Classification}.Canonical()
}

func newVersionID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func blobKey(id string) string { return "v1/" + id[:2] + "/" + id }

type digestWriter struct {
	h hash.Hash
	n int64
}

func (d *digestWriter) Write(p []byte) (int, error) {
	d.h.Write(p)
	d.n += int64(len(p))
	return len(p), nil
}

type digestReader struct {
	r io.Reader
	h hash.Hash
	n int64
}

func (d *digestReader) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	d.h.Write(p[:n])
	d.n += int64(n)
	return n, err
}

// chooseKEK picks the KEK of a new version: the one asked for; for
// restricted data, the restricted KEK; else the KEK of the previous version;
// else the default. An external KMS has one key.
func (v *Vault) chooseKEK(asked, level, prevKeyID string) string {
	if asked != "" {
		return asked
	}
	if v.mgr == nil {
		return kms.DefaultKEK
	}
	if level == "restricted" {
		return RestrictedKEK
	}
	if name, _, err := kms.ParseKeyID(prevKeyID); err == nil {
		return name
	}
	return kms.DefaultKEK
}

func firstOf(s ...string) string {
	for _, x := range s {
		if x != "" {
			return x
		}
	}
	return ""
}

// checkPut validates o and fills in defaults: a new version inherits the
// declared classification, owner and department of the latest one, so that
// leaving out a flag never silently lowers a dataset's level. It returns
// the latest version (zero if none).
func (v *Vault) checkPut(ctx context.Context, name string, o *PutOptions) (catalog.Version, error) {
	if err := CheckName(name); err != nil {
		return catalog.Version{}, err
	}
	if o.Classification != "" {
		if err := checkLevel(o.Classification); err != nil {
			return catalog.Version{}, err
		}
	}
	if o.Format != "" {
		if err := checkFormat(o.Format); err != nil {
			return catalog.Version{}, err
		}
	}
	prev, err := v.cat.Version(ctx, name, 0)
	if err != nil && !errors.Is(err, catalog.ErrNotFound) {
		return prev, fault.Wrap(fault.Other, err, "cannot read the catalog")
	}
	if o.Clearance < 0 || o.Clearance > catalog.MaxClearance {
		return prev, fault.E(fault.Invalid, "clearance %d is outside 0..%d", o.Clearance, catalog.MaxClearance)
	}
	if err := checkGroups(o.AllowGroups); err != nil {
		return prev, err
	}
	o.Classification = firstOf(o.Classification, prev.Classification) // "" for the rules' default
	o.Clearance = max(o.Clearance, prev.Clearance)
	if o.AllowGroups == nil {
		o.AllowGroups = prev.AllowedGroups
	}
	if o.Tags == nil { // views select datasets by tag: a new version keeps them
		o.Tags = prev.Tags
	}
	o.Owner = firstOf(o.Owner, prev.Owner, v.actingID())
	o.Department = firstOf(o.Department, prev.Department)
	o.Source = firstOf(o.Source, "input")
	return prev, nil
}
