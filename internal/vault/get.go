package vault

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/blob"
	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/kms"
	"github.com/coffer-vault/coffer/internal/policy"
	"github.com/coffer-vault/coffer/internal/seal"
	"github.com/coffer-vault/coffer/internal/view"
)

// Version returns the catalog entry of ref (latest if ref.Version is 0).
func (v *Vault) Version(ctx context.Context, ref Ref) (catalog.Version, error) {
	ver, err := v.cat.Version(ctx, ref.Name, ref.Version)
	switch {
	case errors.Is(err, catalog.ErrNotFound) && ref.Version == 0:
		return ver, v.noLatest(ctx, ref.Name)
	case errors.Is(err, catalog.ErrNotFound):
		return ver, fault.E(fault.NotFound, "dataset %q has no version %d", ref.Name, ref.Version).WithHint("run: coffer log %s", ref.Name)
	case err != nil:
		return ver, fault.Wrap(fault.Other, err, "cannot read the catalog")
	}
	return ver, nil
}

// Get streams what v's caller may read of ref to w: the stored bytes
// when no view changes anything, else the rows and columns its views let
// through, in the version's format. The read is authorized (action read)
// before anything is opened; a denial writes nothing to w. Every chunk is
// authenticated and finally the SHA-256 and size of the plaintext. See the
// package doc on partial output.
func (v *Vault) Get(ctx context.Context, ref Ref, w io.Writer) (catalog.Version, error) {
	return v.get(ctx, ref, w, policy.Read, ReadOptions{})
}

// GetWith is Get with options: a quarantined version is refused (and the
// refusal audited) unless o asks for it and the policies let the caller
// read it (checkQuarantine).
func (v *Vault) GetWith(ctx context.Context, ref Ref, w io.Writer, o ReadOptions) (catalog.Version, error) {
	return v.get(ctx, ref, w, policy.Read, o)
}

// get is Get under action (read, or export for GetFile). The audit record
// is written when the stream ends, with what the views withheld.
func (v *Vault) get(ctx context.Context, ref Ref, w io.Writer, action string, o ReadOptions) (catalog.Version, error) {
	rd, err := v.openRead(ctx, ref, action, o)
	if err != nil {
		return rd.Version(), err
	}
	return rd.Version(), rd.WriteTo(ctx, w)
}

// Read is an authorized, planned read of one version that has not
// started: a server opens it to learn the size and status before it
// sends headers, then streams it. Use it once, from one goroutine.
type Read struct {
	v      *Vault
	ver    catalog.Version
	plan   *view.Plan
	action string
}

// OpenRead authorizes action (read or export) on ref for v's caller and
// plans the views, reading no data. A denial is audited at once and
// returns fault.Denied; the allowed read is audited when it is written.
func (v *Vault) OpenRead(ctx context.Context, ref Ref, action string) (*Read, error) {
	return v.openRead(ctx, ref, action, ReadOptions{})
}

// openRead is OpenRead with options: a quarantined version is refused
// unless o asks for it (checkQuarantine), and then the policies decide.
func (v *Vault) openRead(ctx context.Context, ref Ref, action string, o ReadOptions) (*Read, error) {
	ver, err := v.Version(ctx, ref)
	if err != nil {
		return &Read{ver: ver}, err
	}
	if err := v.checkQuarantine(ver, o); err != nil {
		v.recordDenial(ctx, action, Resource(ver), nil, err, false)
		return &Read{ver: ver}, err
	}
	req, err := v.authorizeReq(ctx, action, Resource(ver))
	if err != nil {
		return &Read{ver: ver}, err
	}
	plan, err := v.Plan(ctx, req.Principal, req.Purpose, ver)
	if err != nil {
		v.recordDenial(ctx, action, Resource(ver), nil, err, false)
		return &Read{ver: ver}, err
	}
	return &Read{v: v, ver: ver, plan: plan, action: action}, nil
}

// Version is the version read.
func (rd *Read) Version() catalog.Version { return rd.ver }

// Identity reports whether the reader gets the stored bytes unchanged
// (no view applies, or the ones that do change nothing).
func (rd *Read) Identity() bool { return rd.plan != nil && rd.plan.Identity() }

// Views are the ids of the views that apply.
func (rd *Read) Views() []string {
	if rd.plan == nil {
		return nil
	}
	return rd.plan.Views()
}

// Size is the number of bytes WriteTo writes: the version's size for an
// identity read, -1 when views transform the data.
func (rd *Read) Size() int64 {
	if rd.Identity() {
		return rd.ver.Size
	}
	return -1
}

func (rd *Read) record() *audit.Record {
	rec := &audit.Record{Action: "get", Dataset: rd.ver.Dataset, Version: rd.ver.Number, Decision: "ok",
		Detail: map[string]string{}}
	if rd.action != policy.Read { // a get is a read unless it says otherwise
		rec.Detail["action"] = rd.action
	}
	if views := rd.plan.Views(); len(views) > 0 {
		rec.Detail["views"] = strings.Join(views, ",")
	}
	return rec
}

// finish writes the audit record of the read that ended with err.
func (rd *Read) finish(ctx context.Context, rec *audit.Record, err error) error {
	if err != nil {
		rec.Decision = "fail"
		rec.Detail["error"] = fault.KindOf(err).String()
	}
	if aerr := rd.v.record(context.WithoutCancel(ctx), rec); aerr != nil && err == nil {
		err = aerr
	}
	return err
}

// WriteTo streams what the caller may read to w: the stored bytes when
// the plan is the identity, else the rows and columns the views let
// through. It writes the audit record when the stream ends.
func (rd *Read) WriteTo(ctx context.Context, w io.Writer) error {
	rec := rd.record()
	var err error
	if rd.plan.Identity() {
		err = rd.v.copyOut(ctx, rd.ver, w)
	} else {
		var st view.Stats
		st, err = rd.v.copyView(ctx, rd.ver, rd.plan, w)
		withheld(rec, rd.plan, st)
	}
	return rd.finish(ctx, rec, err)
}

// WriteRange streams n plaintext bytes from off, decrypting and
// authenticating only the chunks the range touches. Ranges are over the
// stored bytes: when views transform the data it fails with fault.Invalid
// and writes nothing (and nothing is audited: nothing was read). Audited
// as a get with the range in its detail.
func (rd *Read) WriteRange(ctx context.Context, off, n int64, w io.Writer) error {
	if !rd.plan.Identity() {
		return fault.E(fault.Invalid, "a byte range of %s cannot be read: views %s transform it for this caller, so ranges of the stored bytes do not apply",
			refOf(rd.ver), strings.Join(rd.plan.Views(), ",")).WithHint("read the whole object (no Range header)")
	}
	ver := rd.ver
	if off < 0 || n < 0 || off > ver.Size || n > ver.Size-off {
		return fault.E(fault.Invalid, "range %d+%d is outside %s (%d bytes)", off, n, refOf(ver), ver.Size)
	}
	rec := rd.record()
	rec.Detail["range"] = itoa(off) + "+" + itoa(n)
	return rd.finish(ctx, rec, rd.v.copyRange(ctx, ver, off, n, w))
}

// GetFile writes the plaintext of ref to path through a temporary file in
// the same directory, renamed into place only after the whole version
// authenticated. The file is created with mode 0600. wrap, if not nil,
// wraps the file's writer (to count progress).
func (v *Vault) GetFile(ctx context.Context, ref Ref, path string, wrap func(io.Writer) io.Writer) (catalog.Version, error) {
	return v.GetFileWith(ctx, ref, path, wrap, ReadOptions{})
}

// GetFileWith is GetFile with options (see GetWith).
func (v *Vault) GetFileWith(ctx context.Context, ref Ref, path string, wrap func(io.Writer) io.Writer, o ReadOptions) (catalog.Version, error) {
	f, err := os.CreateTemp(filepath.Dir(path), ".coffer-get-*")
	if err != nil {
		return catalog.Version{}, fault.Wrap(fault.Other, err, "cannot write %s", path)
	}
	defer os.Remove(f.Name()) // a no-op after the rename
	var w io.Writer = f
	if wrap != nil {
		w = wrap(f)
	}
	bw := bufio.NewWriterSize(w, 256<<10)
	ver, err := v.get(ctx, ref, bw, policy.Export, o)
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil && fault.KindOf(err) == fault.Other {
		var fe *fault.Error
		if !errors.As(err, &fe) {
			err = fault.Wrap(fault.Other, err, "cannot write %s", path)
		}
	}
	return ver, err
}

// copyOut streams and authenticates ver into w.
func (v *Vault) copyOut(ctx context.Context, ver catalog.Version, w io.Writer) error {
	r, closeFn, err := v.open(ctx, ver, nil)
	if err != nil {
		return err
	}
	defer closeFn()
	d := &digestWriter{h: sha256.New()}
	if _, err := io.Copy(io.MultiWriter(w, d), r); err != nil {
		return integrityOrOther(ver, err)
	}
	if d.n != ver.Size || !hmac.Equal(d.h.Sum(nil), ver.SHA256) {
		return integrityErr(ver, errors.New("plaintext does not match its recorded SHA-256"))
	}
	return nil
}

// open returns an authenticated plaintext stream of ver. If stored is not
// nil, the ciphertext read is also copied to it (for verify).
func (v *Vault) open(ctx context.Context, ver catalog.Version, stored io.Writer) (io.Reader, func(), error) {
	if !ver.Shredded.IsZero() {
		return nil, nil, shreddedErr(ver)
	}
	obj, err := v.blobs.Open(ctx, ver.BlobKey)
	if errors.Is(err, blob.ErrNotFound) {
		return nil, nil, integrityErr(ver, errors.New("its stored object is missing"))
	}
	if err != nil {
		return nil, nil, fault.Wrap(fault.Other, err, "cannot open the stored object of %s", refOf(ver))
	}
	dek, err := v.keys.Unwrap(ctx, ver.WrappedDEK, wrapContext(&ver))
	if err != nil {
		obj.Close()
		return nil, nil, unwrapErr(ver, err)
	}
	defer dek.Zero()
	// seal.Reader reads whole chunks itself: no buffering in between.
	var src io.Reader = io.NewSectionReader(obj, 0, obj.Size())
	if stored != nil {
		src = io.TeeReader(src, stored)
	}
	r, err := seal.NewReader(src, dek.Bytes(), sealContext(&ver))
	if err != nil {
		obj.Close()
		return nil, nil, integrityOrOther(ver, err)
	}
	return r, func() { obj.Close() }, nil
}

func integrityErr(ver catalog.Version, cause error) *fault.Error {
	return fault.Wrap(fault.Integrity, cause, "dataset %q failed its integrity check", refOf(ver)).
		WithHint("run: coffer verify %s", ver.Dataset)
}

// unwrapErr tells a key that was destroyed or disabled on purpose from a
// data key that does not unwrap (tampering, wrong keyring).
func unwrapErr(ver catalog.Version, err error) *fault.Error {
	switch {
	case errors.Is(err, kms.ErrDestroyed):
		return fault.Wrap(fault.Shredded, err, "dataset %q cannot be recovered: its key was destroyed", refOf(ver))
	case errors.Is(err, kms.ErrDisabled):
		return fault.Wrap(fault.Other, err, "dataset %q cannot be read now", refOf(ver))
	}
	return integrityErr(ver, err)
}

func shreddedErr(ver catalog.Version) *fault.Error {
	return fault.E(fault.Shredded, "dataset %q was shredded on %s by %s: its data key was destroyed and the data cannot be recovered",
		refOf(ver), ver.Shredded.UTC().Format("2006-01-02 15:04:05Z"), ver.ShreddedBy)
}

func refOf(ver catalog.Version) string { return fmt.Sprintf("%s@%d", ver.Dataset, ver.Number) }

func isIntegrity(err error) bool { return errors.Is(err, seal.ErrIntegrity) }
