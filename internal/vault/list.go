package vault

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/fault"
)

// Datasets lists all datasets with their latest versions.
func (v *Vault) Datasets(ctx context.Context) ([]catalog.Dataset, error) {
	ds, err := v.cat.Datasets(ctx)
	if err != nil {
		return nil, fault.Wrap(fault.Other, err, "cannot read the catalog")
	}
	return ds, nil
}

// Versions lists the versions of dataset name, oldest first.
func (v *Vault) Versions(ctx context.Context, name string) ([]catalog.Version, error) {
	vs, err := v.cat.Versions(ctx, name)
	if errors.Is(err, catalog.ErrNotFound) {
		return nil, fault.E(fault.NotFound, "dataset %q does not exist", name).WithHint("run: coffer ls")
	}
	if err != nil {
		return nil, fault.Wrap(fault.Other, err, "cannot read the catalog")
	}
	return vs, nil
}

// AuditRecords calls fn for each audit record at or after since, in order.
func (v *Vault) AuditRecords(ctx context.Context, since time.Time, fn func(audit.Record) error) error {
	if err := v.authorizeRead(ctx, "audit.ls"); err != nil {
		return err
	}
	err := v.cat.AuditRecords(ctx, 0, func(r audit.Record) error {
		if r.Time.Before(since) {
			return nil
		}
		return fn(r)
	})
	if err != nil {
		var fe *fault.Error
		if errors.As(err, &fe) {
			return err
		}
		return fault.Wrap(fault.Other, err, "cannot read the audit log")
	}
	return nil
}

// AuditSummary is the outcome of VerifyAudit.
type AuditSummary struct {
	Records  int64  `json:"records"`
	HeadSeq  int64  `json:"head_seq"`
	HeadHash string `json:"head_hash"`
}

// VerifyAudit checks the whole audit chain and names the first bad record
// in a fault.Integrity error. The check itself is audited when it passes.
func (v *Vault) VerifyAudit(ctx context.Context) (AuditSummary, error) {
	if err := v.authorizeAdmin(ctx); err != nil {
		return AuditSummary{}, err
	}
	ver := v.chain.NewVerifier()
	err := v.cat.AuditRecords(ctx, 0, ver.Next)
	seq, head := ver.Head()
	sum := AuditSummary{Records: ver.Count(), HeadSeq: seq, HeadHash: hexOf(head)}
	var br *audit.Break
	if errors.As(err, &br) {
		return sum, fault.Wrap(fault.Integrity, br, "the audit log is broken").
			WithHint("records from %d on cannot be trusted; compare with a backup of the catalog", br.Seq)
	}
	if err != nil {
		return sum, fault.Wrap(fault.Other, err, "cannot read the audit log")
	}
	err = v.record(ctx, &audit.Record{Action: "audit.verify", Decision: "ok", Detail: map[string]string{
		"records": strconv.FormatInt(sum.Records, 10), "head": sum.HeadHash}})
	return sum, err
}
