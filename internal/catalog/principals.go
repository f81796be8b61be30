package catalog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/coffer-vault/coffer/internal/audit"
)

// ErrExists is returned (wrapped) by AddPrincipal for an id already taken.
var ErrExists = errors.New("catalog: already exists")

// ErrDisabled is returned (wrapped) by DisablePrincipal for a principal
// already disabled.
var ErrDisabled = errors.New("catalog: already disabled")

// MaxClearance is the highest clearance a principal or a version can have.
const MaxClearance = 5

// Principal is someone or something the vault may act for, with the
// attributes that policies decide on.
type Principal struct {
	ID         string    // unique: a person, a service, a training job
	Role       string    // data-scientist, analyst, data-steward, admin, ...
	Department string    // restricted data stays within its department
	Clearance  int       // 0 (public) .. MaxClearance
	Groups     []string  // group memberships that policies may require
	Created    time.Time // UTC
	CreatedBy  string    // who added it
	Disabled   time.Time // when it was disabled; zero while active
	DisabledBy string    // who disabled it
}

// Principals is the part of the Store that keeps principals. Adding and
// disabling a principal each commit together with their audit record.
type Principals interface {
	// AddPrincipal inserts p (p.Created and p.CreatedBy set by the
	// caller) and appends rec, in one transaction. An id already used,
	// even by a disabled principal, is ErrExists.
	AddPrincipal(ctx context.Context, p *Principal, rec *audit.Record) error
	// DisablePrincipal marks principal id disabled at rec.Time by
	// rec.Actor and appends rec, in one transaction. An unknown id is
	// ErrNotFound, a disabled one ErrDisabled.
	DisablePrincipal(ctx context.Context, id string, rec *audit.Record) error
	// Principal returns principal id, disabled or not; ErrNotFound if none.
	Principal(ctx context.Context, id string) (Principal, error)
	// ListPrincipals lists every principal by id (byte order).
	ListPrincipals(ctx context.Context) ([]Principal, error)
}

// PrincipalColumns are the columns of the principals table, in the order
// PrincipalArgs produces and ScanPrincipal reads.
const PrincipalColumns = "id, role, department, clearance, groups, created, created_by, disabled, disabled_by"

// CheckPrincipal checks what AddPrincipal needs before a transaction begins.
func CheckPrincipal(p *Principal, rec *audit.Record) error {
	switch {
	case p == nil:
		return errors.New("catalog: AddPrincipal needs a principal")
	case p.ID == "":
		return errors.New("catalog: principal has no id")
	case p.Clearance < 0 || p.Clearance > MaxClearance:
		return fmt.Errorf("catalog: principal %q: clearance %d is outside 0..%d", p.ID, p.Clearance, MaxClearance)
	}
	if err := CheckTime("principal created time", p.Created); err != nil {
		return err
	}
	return CheckRecord(rec)
}

// PrincipalArgs returns p's column values in PrincipalColumns order.
// Groups are stored as JSON, nil as "null", so both come back as they went.
func PrincipalArgs(p *Principal) ([]any, error) {
	groups, err := json.Marshal(p.Groups)
	if err != nil {
		return nil, fmt.Errorf("catalog: groups of principal %q: %v", p.ID, err)
	}
	return []any{p.ID, p.Role, p.Department, int64(p.Clearance), string(groups),
		p.Created.UnixNano(), p.CreatedBy, unixOrZero(p.Disabled), p.DisabledBy}, nil
}

// ScanPrincipal reads one row of PrincipalColumns.
func ScanPrincipal(row Scanner) (Principal, error) {
	var (
		p                 Principal
		clearance         int64
		groups            string
		created, disabled int64
	)
	err := row.Scan(&p.ID, &p.Role, &p.Department, &clearance, &groups, &created, &p.CreatedBy, &disabled, &p.DisabledBy)
	if err != nil {
		return Principal{}, err
	}
	p.Clearance = int(clearance)
	p.Created = FromUnixNano(created)
	if disabled != 0 {
		p.Disabled = FromUnixNano(disabled)
	}
	if err := json.Unmarshal([]byte(groups), &p.Groups); err != nil {
		return Principal{}, fmt.Errorf("catalog: stored groups of principal %q are not JSON: %v", p.ID, err)
	}
	return p, nil
}

// PrincipalNotFound returns the error for an unknown principal id:
// `catalog: principal "x": not found`.
func PrincipalNotFound(id string) error {
	return &notFound{fmt.Sprintf("principal %q", id)}
}
