package cli

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/fault"
)

func auditCmd(e *env) *cobra.Command {
	c := &cobra.Command{
		Use:   "audit",
		Short: "Read and verify the tamper-evident audit log",
	}
	c.AddCommand(auditLsCmd(e), auditVerifyCmd(e))
	return c
}

func auditLsCmd(e *env) *cobra.Command {
	var since string
	c := &cobra.Command{
		Use:     "ls",
		Short:   "List audit records (JSON Lines with -o json)",
		Example: "  coffer audit ls --since 24h\n  coffer audit ls --since 2026-11-01T00:00:00Z -o json",
		Args:    args(0, 0),
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			t, err := parseSince(since, time.Now())
			if err != nil {
				return err
			}
			v, err := e.open()
			if err != nil {
				return err
			}
			defer v.Close()
			enc := json.NewEncoder(e.stdout)
			return v.AuditRecords(e.ctx, t, func(r audit.Record) error {
				if e.json() {
					return enc.Encode(recordView(r))
				}
				_, err := fmt.Fprintln(e.stdout, recordLine(r))
				return err
			})
		}),
	}
	c.Flags().StringVar(&since, "since", "", "only records at or after T: RFC 3339 time or a duration ago (24h)")
	return c
}

func auditVerifyCmd(e *env) *cobra.Command {
	return &cobra.Command{
		Use:   "verify",
		Short: "Check the audit chain; name the first bad record",
		Long: `Recompute the keyed hash chain over every audit record. A modified, deleted,
inserted or reordered record breaks the chain: the first bad record is named
and the command exits 4.`,
		Example: "  coffer audit verify",
		Args:    args(0, 0),
		RunE: run(func(cmd *cobra.Command, _ []string) error {
			v, err := e.open()
			if err != nil {
				return err
			}
			defer v.Close()
			sum, err := v.VerifyAudit(e.ctx)
			if err != nil {
				return err
			}
			if e.json() {
				return e.printJSON(sum)
			}
			fmt.Fprintf(e.stdout, "audit log intact: %d records, head %d %s\n", sum.Records, sum.HeadSeq, sum.HeadHash)
			return nil
		}),
	}
}

func parseSince(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		return now.Add(-d), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return t, fault.E(fault.Invalid, "--since %q is neither a duration nor an RFC 3339 time", s).WithHint("e.g. --since 24h or --since 2026-11-01T00:00:00Z")
	}
	return t, nil
}

type auditView struct {
	Seq      int64             `json:"seq"`
	Time     time.Time         `json:"time"`
	Actor    string            `json:"actor"`
	Action   string            `json:"action"`
	Dataset  string            `json:"dataset,omitempty"`
	Version  int64             `json:"version,omitempty"`
	Purpose  string            `json:"purpose,omitempty"`
	Decision string            `json:"decision,omitempty"`
	Detail   map[string]string `json:"detail,omitempty"`
	Hash     string            `json:"hash"`
}

func recordView(r audit.Record) auditView {
	return auditView{Seq: r.Seq, Time: r.Time, Actor: r.Actor, Action: r.Action, Dataset: r.Dataset, Version: r.Version,
		Purpose: r.Purpose, Decision: r.Decision, Detail: r.Detail, Hash: hex.EncodeToString(r.Hash)}
}

func recordLine(r audit.Record) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%d %s %s %s", r.Seq, r.Time.UTC().Format("2006-01-02T15:04:05.000Z"), r.Actor, r.Action)
	if r.Dataset != "" {
		b.WriteString(" " + r.Dataset)
		if r.Version != 0 {
			fmt.Fprintf(&b, "@%d", r.Version)
		}
	}
	if r.Decision != "" {
		b.WriteString(" " + r.Decision)
	}
	detail := r.Detail
	if r.Purpose != "" { // shown among the details, in key order
		detail = make(map[string]string, len(r.Detail)+1)
		for k, v := range r.Detail {
			detail[k] = v
		}
		detail["purpose"] = r.Purpose
	}
	keys := make([]string, 0, len(detail))
	for k := range detail {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		fmt.Fprintf(&b, " %s=%s", k, detail[k])
	}
	return b.String()
}
