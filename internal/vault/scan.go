package vault

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/classify"
	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/pii"
	"github.com/coffer-vault/coffer/internal/quality"
	"github.com/coffer-vault/coffer/internal/tabular"
)

// RulesFile is the classification rules file in a vault's home.
const RulesFile = "classification.yaml"

// ScanResult is what a scan found: the personal data per column (masked
// examples only) and the classification that follows.
type ScanResult struct {
	Format         string             `json:"format"`
	Rows           int64              `json:"rows"`
	Sampled        bool               `json:"sampled,omitempty"` // only the first Rows rows were looked at
	Columns        []pii.ColumnResult `json:"columns"`
	Classification classify.Decision  `json:"classification"`
}

// ScanOptions configures a scan.
type ScanOptions struct {
	Sample int64 // look at the first Sample rows only; 0 for all
}

// scanRows feeds every cell of tr (the first limit rows if limit > 0) to
// a new ColumnScanner and, if prof is not nil, to the quality profiler:
// one parse serves both.
func scanRows(tr tabular.Reader, limit int64, prof *quality.Profiler) (*pii.ColumnScanner, int64, error) {
	cs := pii.NewColumnScanner(pii.Options{})
	rows, err := feedRows(tr, limit, cs, prof)
	return cs, rows, err
}

// profileRows feeds every row of tr to prof alone.
func profileRows(tr tabular.Reader, prof *quality.Profiler) error {
	_, err := feedRows(tr, 0, nil, prof)
	return err
}

// feedRows feeds every cell of tr (the first limit rows if limit > 0) to
// cs and prof, either of which may be nil, and returns the rows read. A
// String cell goes as its bytes in the reader's buffer (no copy), a null as
// nil, any other cell as its text.
func feedRows(tr tabular.Reader, limit int64, cs *pii.ColumnScanner, prof *quality.Profiler) (int64, error) {
	named, rows := 0, int64(0)
	var buf []byte
	for limit <= 0 || rows < limit {
		row, err := tr.Read()
		if errors.Is(err, io.EOF) {
			return rows, nil
		}
		if err != nil {
			return rows, err
		}
		for cols := tr.Columns(); named < len(cols); named++ {
			if cs != nil {
				cs.AddColumn(named, cols[named].Name)
			}
			prof.AddColumn(named, cols[named].Name)
		}
		for i, cell := range row {
			var text []byte
			switch cell.Kind() {
			case tabular.Null:
			case tabular.String:
				text = cell.Bytes()
			default:
				buf = cell.AppendText(buf[:0])
				text = buf
			}
			if cs != nil {
				cs.Observe(i, text)
			}
			switch {
			case prof == nil: // no call per cell when there is no profile
			case cell.Kind() == tabular.String:
				prof.ObserveString(i, text)
			default:
				prof.Observe(i, cell, text)
			}
		}
		prof.EndRow()
		rows++
	}
	return rows, nil
}

// inspector scans the plaintext of a put as it streams past on its way to
// encryption: the input is read once. Writes never fail; a parse error is
// reported by finish.
type inspector struct {
	w    *fanout
	done chan inspected
}

type inspected struct {
	cs      *pii.ColumnScanner
	rows    int64
	profile *quality.Profile // nil when not profiled
	err     error
}

// newInspector starts scanning format (CSV, TSV or JSON Lines), and
// profiling it with po unless po is nil; it returns nil for formats that
// cannot be scanned as a stream. With po.Async the profile parses the
// stream again on a goroutine of its own (through a fanout), so the PII
// scan, which sets the pace of a put, does no work for it; otherwise each
// row the scan parses is profiled in line.
func newInspector(format string, po *quality.Options) *inspector {
	switch format {
	case "csv", "tsv", "jsonl":
	default:
		return nil
	}
	if po != nil && po.Async {
		return newFanInspector(format, *po)
	}
	f := newFanout(1)
	pr := f.outs[0]
	in := &inspector{w: f, done: make(chan inspected, 1)}
	go func() {
		var res inspected
		tr, err := tabular.Open(pr, format, nil)
		if err == nil {
			prof := newProfiler(po)
			res.cs, res.rows, res.err = scanRows(tr, 0, prof)
			res.profile, res.err = finishProfile(prof, res.err)
		} else {
			res.err = err
		}
		io.Copy(io.Discard, pr) // keep the put flowing after a parse error
		in.done <- res
	}()
	return in
}

// newFanInspector scans and profiles on two goroutines, each parsing the
// stream.
func newFanInspector(format string, po quality.Options) *inspector {
	f := newFanout(2)
	in := &inspector{w: f, done: make(chan inspected, 1)}
	type profiled struct {
		p   *quality.Profile
		err error
	}
	pdone := make(chan profiled, 1)
	go func() {
		var res profiled
		tr, err := tabular.Open(f.outs[1], format, nil)
		if err == nil { // a parse error is the scan's to report
			po.Async = false // this goroutine is the profile's own
			prof := quality.NewProfiler(po)
			err = profileRows(tr, prof)
			res.p, res.err = finishProfile(prof, err)
		}
		io.Copy(io.Discard, f.outs[1])
		pdone <- res
	}()
	go func() {
		var res inspected
		tr, err := tabular.Open(f.outs[0], format, nil)
		if err == nil {
			res.cs, res.rows, res.err = scanRows(tr, 0, nil)
		} else {
			res.err = err
		}
		io.Copy(io.Discard, f.outs[0])
		p := <-pdone
		if res.err == nil {
			res.profile, res.err = p.p, p.err
		}
		in.done <- res
	}()
	return in
}

func (in *inspector) Write(p []byte) (int, error) {
	in.w.Write(p) // the readers drain until the end: no error to expect
	return len(p), nil
}

// finish ends the stream (with err if reading the input failed) and waits
// for the scan.
func (in *inspector) finish(err error) inspected {
	in.w.CloseWithError(err)
	return <-in.done
}

// rules returns the vault's classification rules, or the defaults when
// the vault has no rules file.
func (v *Vault) rules() (*classify.Rules, error) {
	b, err := os.ReadFile(filepath.Join(v.Home, RulesFile))
	if errors.Is(err, os.ErrNotExist) {
		return classify.Default(), nil
	}
	if err != nil {
		return nil, fault.Wrap(fault.Other, err, "cannot read classification rules")
	}
	r, err := classify.Parse(b)
	if err != nil {
		return nil, fault.Wrap(fault.Invalid, err, "%s is invalid", RulesFile).WithHint("fix it, or remove it to use the defaults (docs/classification.md)")
	}
	return r, nil
}

// classify turns scan results into a ScanResult with its decision.
func (v *Vault) classify(format, declared string, cs *pii.ColumnScanner, rows int64, sampled bool) (ScanResult, error) {
	rules, err := v.rules()
	if err != nil {
		return ScanResult{}, err
	}
	res := ScanResult{Format: format, Rows: rows, Sampled: sampled}
	if cs != nil {
		res.Columns = cs.Results()
	}
	res.Classification, err = rules.Classify(declared, res.Columns)
	return res, err
}

// ScanFile scans a file that is not in the vault.
func (v *Vault) ScanFile(ctx context.Context, path, format string, o ScanOptions) (ScanResult, error) {
	f, err := os.Open(path)
	if err != nil {
		return ScanResult{}, fault.Wrap(fault.Other, err, "cannot open %s", path)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return ScanResult{}, fault.Wrap(fault.Other, err, "cannot read %s", path)
	}
	if format == "" {
		head := make([]byte, 4096)
		n, _ := io.ReadFull(f, head)
		format = sniff(head[:n])
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return ScanResult{}, fault.Wrap(fault.Other, err, "cannot read %s", path)
		}
	}
	tr, err := openTabular(f, fi.Size(), format)
	if err != nil {
		return ScanResult{}, parseErr(err, path, format)
	}
	cs, rows, err := scanRows(tr, o.Sample, nil)
	if err != nil {
		return ScanResult{}, parseErr(err, path, format)
	}
	return v.classify(format, "", cs, rows, o.Sample > 0 && rows == o.Sample)
}

// openTabular opens CSV, TSV and JSON Lines as streams and Parquet through
// random access.
func openTabular(ra io.ReaderAt, size int64, format string) (tabular.Reader, error) {
	switch format {
	case "parquet":
		return tabular.OpenParquet(ra, size, nil)
	case "csv", "tsv", "jsonl":
		return tabular.Open(io.NewSectionReader(ra, 0, size), format, nil)
	}
	return nil, fault.E(fault.Invalid, "format %q holds no rows to scan", format).WithHint("scan CSV, TSV, JSON Lines or Parquet")
}

func parseErr(err error, source, format string) error {
	var fe *fault.Error
	if errors.As(err, &fe) {
		return err
	}
	return fault.Wrap(fault.Other, err, "cannot read %s as %s", source, format).
		WithHint("fix the input, or store it unparsed with --format blob")
}

func findingsJSON(res ScanResult) []byte {
	b, _ := json.Marshal(res) // plain data: cannot fail
	return b
}

// ScanVersion scans a stored version again, under the vault's current
// rules, reading it through decryption; the scan is audited.
func (v *Vault) ScanVersion(ctx context.Context, ref Ref, o ScanOptions) (ScanResult, error) {
	ver, err := v.Version(ctx, ref)
	if err != nil {
		return ScanResult{}, err
	}
	if err := v.authorizeAdmin(ctx); err != nil {
		return ScanResult{}, err
	}
	if !ver.Shredded.IsZero() {
		return ScanResult{}, shreddedErr(ver)
	}
	dek, err := v.keys.Unwrap(ctx, ver.WrappedDEK, wrapContext(&ver))
	if err != nil {
		return ScanResult{}, unwrapErr(ver, err)
	}
	defer dek.Zero()
	cs, rows, err := v.scanStoredSample(ctx, ver, dek, o.Sample, nil)
	if err != nil {
		return ScanResult{}, parseErr(err, refOf(ver), ver.Format)
	}
	res, err := v.classify(ver.Format, ver.Classification, cs, rows, o.Sample > 0 && rows == o.Sample)
	if err != nil {
		return res, err
	}
	rec := &audit.Record{Action: "scan", Dataset: ver.Dataset, Version: ver.Number, Decision: "ok",
		Detail: map[string]string{"rows": itoa(rows), "level": res.Classification.Level}}
	return res, v.record(ctx, rec)
}
