package cli

import (
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/dustin/go-humanize"
	"github.com/spf13/cobra"

	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/vault"
)

func putCmd(e *env) *cobra.Command {
	var o vault.PutOptions
	var tags []string
	c := &cobra.Command{
		Use:   "put NAME [FILE|-]",
		Short: "Store a new immutable version of dataset NAME",
		Long: `Read FILE (or standard input for - or no FILE) once, encrypt it under a fresh
data key and store it as the next version of dataset NAME. Prints the version
number and the SHA-256 of the data.`,
		Example: `  coffer put customers customers.csv --classification confidential --department sales
  coffer put ml/train train.csv --clearance 3 --allow-group ml-platform
  gzip -dc events.jsonl.gz | coffer put events - --tag source=kafka`,
		Args: args(1, 2),
		RunE: run(func(cmd *cobra.Command, a []string) error {
			var err error
			if o.Tags, err = parseTags(tags); err != nil {
				return err
			}
			in, src, closeFn, err := e.input(a)
			if err != nil {
				return err
			}
			defer closeFn()
			o.Source = src
			v, err := e.open()
			if err != nil {
				return err
			}
			defer v.Close()
			bar := e.startProgress("put "+a[0], sizeOf(in))
			ver, err := v.Put(e.ctx, a[0], bar.Reader(in), o)
			bar.Finish()
			if err != nil && !fault.Is(err, fault.Quarantined) { // a quarantined version is stored: print it
				return err
			}
			if e.json() {
				if jerr := e.printJSON(versionJSON(ver)); jerr != nil {
					return jerr
				}
				return err
			}
			fmt.Fprintf(e.stdout, "%s@%d sha256:%s %s %s %s%s\n", ver.Dataset, ver.Number, hex.EncodeToString(ver.SHA256),
				humanize.IBytes(uint64(ver.Size)), ver.Format, ver.Classification, quarantinedMark(ver))
			return err
		}),
	}
	f := c.Flags()
	f.StringVar(&o.Format, "format", "", "csv, tsv, jsonl, parquet or blob (default: sniffed)")
	f.StringVar(&o.Classification, "classification", "", "public, internal, confidential or restricted (default internal)")
	f.StringVar(&o.Owner, "owner", "", "owner principal (default: you)")
	f.StringVar(&o.Department, "department", "", "owning department")
	f.StringArrayVar(&tags, "tag", nil, "tag KEY=VALUE (repeatable)")
	f.IntVar(&o.Clearance, "clearance", 0, "clearance readers need, 0-5; never below the classification's (public 0, internal 1, confidential 2, restricted 3)")
	f.StringArrayVar(&o.AllowGroups, "allow-group", nil, "only members of this group may read it (repeatable; default: the previous version's)")
	f.StringVar(&o.Key, "key", "", "KEK that wraps the data key (default: restricted for restricted data, else the previous version's, else default)")
	return c
}

// input opens the FILE argument, or standard input for "-" or none.
func (e *env) input(a []string) (io.Reader, string, func(), error) {
	if len(a) < 2 || a[1] == "-" {
		return e.stdin, "standard input", func() {}, nil
	}
	f, err := os.Open(a[1])
	if err != nil {
		return nil, "", nil, fault.Wrap(fault.Other, err, "cannot open input").WithHint("check the path and permissions of %s", a[1])
	}
	return f, a[1], func() { f.Close() }, nil
}

// sizeOf is the size of a regular file, or 0 when unknown (stdin, pipes).
func sizeOf(r io.Reader) int64 {
	if f, ok := r.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() {
			return fi.Size()
		}
	}
	return 0
}

func parseTags(tags []string) (map[string]string, error) {
	if len(tags) == 0 {
		return nil, nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		k, v, ok := strings.Cut(t, "=")
		if !ok || k == "" {
			return nil, fault.E(fault.Invalid, "tag %q is not KEY=VALUE", t).WithHint("e.g. --tag source=crm")
		}
		m[k] = v
	}
	return m, nil
}

// versionView is how versions are shown in JSON output.
type versionView struct {
	Dataset        string            `json:"dataset"`
	Version        int64             `json:"version"`
	ID             string            `json:"id"`
	Created        string            `json:"created"`
	Size           int64             `json:"size"`
	SHA256         string            `json:"sha256"`
	StoredSize     int64             `json:"stored_size"`
	StoredSHA256   string            `json:"stored_sha256"`
	Format         string            `json:"format"`
	Classification string            `json:"classification"`
	Owner          string            `json:"owner,omitempty"`
	Department     string            `json:"department,omitempty"`
	Tags           map[string]string `json:"tags,omitempty"`
	Key            string            `json:"key"`
	Creator        string            `json:"creator"`
	Clearance      int               `json:"clearance"`
	AllowedGroups  []string          `json:"allowed_groups,omitempty"`
	Status         string            `json:"status"` // ok or quarantined
	FailedChecks   []string          `json:"failed_checks,omitempty"`
	ReleasedBy     string            `json:"released_by,omitempty"`
	Released       string            `json:"released,omitempty"`
	// Quarantined counts a dataset's quarantined versions (ls only).
	Quarantined int64 `json:"quarantined_versions,omitempty"`
}

func versionJSON(v catalog.Version) versionView {
	return versionView{
		Dataset: v.Dataset, Version: v.Number, ID: v.ID, Created: v.Created.UTC().Format("2006-01-02T15:04:05.000Z"),
		Size: v.Size, SHA256: hex.EncodeToString(v.SHA256), StoredSize: v.StoredSize,
		StoredSHA256: hex.EncodeToString(v.StoredSHA256), Format: v.Format, Classification: v.Classification,
		Owner: v.Owner, Department: v.Department, Tags: v.Tags, Key: v.KeyID, Creator: v.Creator,
		Clearance: v.Clearance, AllowedGroups: v.AllowedGroups,
		Status: v.Status, FailedChecks: vault.FailedChecks(v), ReleasedBy: v.ReleasedBy, Released: timeOrEmpty(v.Released),
	}
}

func timeOrEmpty(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// quarantinedMark ends the line of a quarantined version in text output.
func quarantinedMark(v catalog.Version) string {
	if v.Quarantined() {
		return " QUARANTINED"
	}
	return ""
}
