package vault

import (
	"context"

	"github.com/coffer-vault/coffer/internal/audit"
)

// RecordDenied appends the audit record of a request that was refused
// before it reached the data.
func (v *Vault) RecordDenied(ctx context.Context, action string, ref Ref, purpose, reason string) error {
	return v.record(ctx, &audit.Record{Action: action, Dataset: ref.Name, Version: ref.Version, Purpose: purpose,
		Decision: "deny", Detail: map[string]string{"reason": reason}})
}
