package vault

// Reads through views: what a permitted reader sees of a version is decided
// by the views that apply to it (views.yaml): rows filtered, columns
// dropped or masked. When nothing applies, the stored bytes are streamed
// unchanged; otherwise the version is decrypted, parsed, passed through
// the plan and encoded again in its own format, a row at a time.

import (
	"context"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"io"
	"maps"
	"path/filepath"
	"slices"
	"strings"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/policy"
	"github.com/coffer-vault/coffer/internal/seal"
	"github.com/coffer-vault/coffer/internal/tabular"
	"github.com/coffer-vault/coffer/internal/view"
)

// ViewsFile is the vault's view file.
const ViewsFile = "views.yaml"

// viewKeyInfo separates the view hash key from the audit key it is
// derived from: knowing one says nothing of the other.
const viewKeyInfo = "coffer.view.hash/v1"

// Views loads the vault's views (none if views.yaml is missing).
func (v *Vault) Views() (*view.Set, error) {
	if v.cache != nil {
		if set := v.cache.cachedViews(v.Home); set != nil {
			return set, nil
		}
	}
	set, err := view.Load(filepath.Join(v.Home, ViewsFile))
	if err != nil && fault.KindOf(err) == fault.Other {
		return nil, fault.Wrap(fault.Other, err, "cannot load the vault's views")
	}
	if err == nil && v.cache != nil {
		v.cache.putViews(v.Home, set)
	}
	return set, err
}

// viewKey derives the 32-byte key of the views' hash action from the
// keyring's audit key, as HKDF-SHA256 with its own label: stable for a
// vault, so hashed columns still join across datasets and versions.
func (v *Vault) viewKey(ctx context.Context) ([]byte, error) {
	akey, err := v.keys.AuditKey(ctx)
	if err != nil {
		return nil, fault.Wrap(fault.Other, err, "cannot read the view key")
	}
	defer clear(akey)
	k, err := hkdf.Key(sha256.New, akey, nil, viewKeyInfo, 32)
	if err != nil {
		return nil, fault.Wrap(fault.Other, err, "cannot derive the view key")
	}
	return k, nil
}

// Subject is p as views see it.
func Subject(p policy.Principal) view.Subject {
	return view.Subject{ID: p.ID, Role: p.Role, Department: p.Department, Clearance: p.Clearance, Groups: p.Groups}
}

// ViewDataset describes ver for views: its columns with the PII types its
// scan found in each.
func ViewDataset(ver catalog.Version) view.Dataset {
	ds := view.Dataset{Name: ver.Dataset, Classification: ver.Classification, Tags: ver.Tags}
	for _, c := range parseFindings(ver.Findings).Columns {
		col := view.Column{Name: c.Name}
		for _, t := range c.Types {
			col.PIITypes = append(col.PIITypes, t.Type)
		}
		ds.Columns = append(ds.Columns, col)
	}
	return ds
}

// Plan returns the view plan for p reading ver for purpose.
func (v *Vault) Plan(ctx context.Context, p policy.Principal, purpose string, ver catalog.Version) (*view.Plan, error) {
	set, err := v.Views()
	if err != nil {
		return nil, err
	}
	key, err := v.viewKey(ctx)
	if err != nil {
		return nil, err
	}
	defer clear(key)
	plan, err := set.Plan(Subject(p), purpose, ViewDataset(ver), view.Options{HashKey: key})
	if err != nil {
		return nil, err
	}
	if !plan.Identity() && !tabularFormat(ver.Format) {
		return nil, fault.E(fault.Denied, "views %q apply to %s, which is stored as %s and cannot be filtered or masked",
			plan.Views(), refOf(ver), ver.Format).WithHint("ask for a view that does not apply to this dataset, or store it as CSV, TSV, JSON Lines or Parquet")
	}
	return plan, nil
}

func tabularFormat(f string) bool {
	switch f {
	case "csv", "tsv", "jsonl", "parquet":
		return true
	}
	return false
}

// copyView streams ver through plan into w, in ver's format. CSV, TSV and
// JSON Lines are decrypted as a stream whose SHA-256 is checked at the
// end, as copyOut does; Parquet is read through random access to the
// sealed object, every chunk authenticated.
func (v *Vault) copyView(ctx context.Context, ver catalog.Version, plan *view.Plan, w io.Writer) (view.Stats, error) {
	if ver.Format == "parquet" {
		return v.copyViewParquet(ctx, ver, plan, w)
	}
	r, closeFn, err := v.open(ctx, ver, nil)
	if err != nil {
		return view.Stats{}, err
	}
	defer closeFn()
	d := &digestWriter{h: sha256.New()}
	src := io.TeeReader(r, d)
	tr, err := tabular.Open(src, ver.Format, nil)
	if err != nil {
		return view.Stats{}, viewErr(ver, err)
	}
	st, err := plan.Apply(ctx, tr, w)
	if err != nil {
		return st, viewErr(ver, err)
	}
	if _, err := io.Copy(io.Discard, src); err != nil { // what the parser left (nothing, normally)
		return st, viewErr(ver, err)
	}
	if d.n != ver.Size || !hmac.Equal(d.h.Sum(nil), ver.SHA256) {
		return st, integrityErr(ver, errors.New("plaintext does not match its recorded SHA-256"))
	}
	return st, nil
}

func (v *Vault) copyViewParquet(ctx context.Context, ver catalog.Version, plan *view.Plan, w io.Writer) (view.Stats, error) {
	if !ver.Shredded.IsZero() {
		return view.Stats{}, shreddedErr(ver)
	}
	dek, err := v.keys.Unwrap(ctx, ver.WrappedDEK, wrapContext(&ver))
	if err != nil {
		return view.Stats{}, unwrapErr(ver, err)
	}
	defer dek.Zero()
	obj, err := v.blobs.Open(ctx, ver.BlobKey)
	if err != nil {
		return view.Stats{}, integrityOrOther(ver, err)
	}
	defer obj.Close()
	ra, err := seal.NewReaderAt(obj, obj.Size(), dek.Bytes(), sealContext(&ver))
	if err != nil {
		return view.Stats{}, integrityOrOther(ver, err)
	}
	if ra.Size() != ver.Size {
		return view.Stats{}, integrityErr(ver, errors.New("plaintext size does not match the catalog"))
	}
	tr, err := tabular.OpenParquet(ra, ra.Size(), nil)
	if err != nil {
		return view.Stats{}, viewErr(ver, err)
	}
	st, err := plan.Apply(ctx, tr, w)
	if err != nil {
		return st, viewErr(ver, err)
	}
	return st, nil
}

// viewErr keeps an authentication failure an integrity error wherever in
// the parse or the plan it surfaced.
func viewErr(ver catalog.Version, err error) error {
	if isIntegrity(err) {
		return integrityErr(ver, err)
	}
	var fe *fault.Error
	if errors.As(err, &fe) {
		return err
	}
	return fault.Wrap(fault.Other, err, "cannot read %s as %s", refOf(ver), ver.Format)
}

// withheld adds to rec what the views withheld: the views that applied,
// the rows filtered out, the columns dropped and how columns were masked.
// Names and counts only, never values.
func withheld(rec *audit.Record, plan *view.Plan, st view.Stats) {
	rec.Detail["rows"] = itoa(st.RowsWritten)
	rec.Detail["rows_withheld"] = itoa(st.RowsWithheld)
	rec.Detail["columns_dropped"] = strings.Join(st.Dropped, ",")
	masked := make([]string, 0, len(st.Masked))
	for _, c := range slices.Sorted(maps.Keys(st.Masked)) {
		masked = append(masked, c+":"+st.Masked[c])
	}
	rec.Detail["columns_masked"] = strings.Join(masked, ";") // actions may hold commas
	rec.Detail["columns_withheld"] = itoa(int64(len(st.Dropped) + len(st.Masked)))
	if st.RowsFailed > 0 { // withheld because a filter could not be evaluated (fail closed)
		rec.Detail["rows_failed"] = itoa(st.RowsFailed)
	}
	if st.CellsNulled > 0 { // cells a mask could not transform, written as null
		rec.Detail["cells_nulled"] = itoa(st.CellsNulled)
	}
}
