package catalog_test

import (
	"fmt"
	"reflect"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/catalog"
)

// rowOf is a Scanner over column values, as a database returns them.
type rowOf []any

func (r rowOf) Scan(dest ...any) error {
	if len(dest) != len(r) {
		return fmt.Errorf("scan %d columns into %d", len(r), len(dest))
	}
	for i, d := range dest {
		switch p := d.(type) {
		case *string:
			*p = r[i].(string)
		case *int64:
			*p = r[i].(int64)
		default:
			return fmt.Errorf("column %d: cannot scan into %T", i, d)
		}
	}
	return nil
}

// FuzzPrincipalRow: a principal that passes CheckPrincipal comes back from
// its stored row exactly as it went in (groups nil and empty included),
// and a stored groups column that is not JSON is an error, never a panic
// or a silently empty list.
func FuzzPrincipalRow(f *testing.F) {
	f.Add("alice", "data-scientist", "ml-research", 3, "ml-platform", "", int64(1), false)
	f.Add("ünï ✓", "", "", 0, "", "x", int64(0), true)
	f.Add("b", "r", "d", 5, "a\"b", "c\x00", int64(-5), false)
	f.Fuzz(func(t *testing.T, id, role, dept string, clearance int, g1, g2 string, nanos int64, disabled bool) {
		p := catalog.Principal{ID: id, Role: role, Department: dept, Clearance: clearance,
			Created: time.Unix(0, nanos).UTC(), CreatedBy: "os:x"}
		switch {
		case g1 == "" && g2 == "":
		case g2 == "":
			p.Groups = []string{}
		default:
			p.Groups = []string{g1, g2}
		}
		if disabled {
			p.Disabled, p.DisabledBy = time.Unix(0, nanos|1).UTC(), "os:y"
		}
		if err := catalog.CheckPrincipal(&p, nil); err == nil {
			t.Fatal("CheckPrincipal without a record succeeded")
		}
		args, err := catalog.PrincipalArgs(&p)
		if err != nil {
			return // not representable (invalid UTF-8 in a group is not; JSON escapes it)
		}
		got, err := catalog.ScanPrincipal(rowOf(args))
		if err != nil {
			t.Fatalf("ScanPrincipal of its own row: %v", err)
		}
		want := p
		if want.Groups != nil {
			for i, g := range want.Groups { // JSON replaces invalid UTF-8
				want.Groups[i] = string([]rune(g))
			}
		}
		if !reflect.DeepEqual(got, want) {
			t.Fatalf("round trip:\n got %+v\nwant %+v", got, want)
		}
		bad := append(rowOf(nil), args...)
		bad[4] = g1 + "{"
		if _, err := catalog.ScanPrincipal(bad); err == nil {
			t.Fatalf("ScanPrincipal accepted groups %q", bad[4])
		}
	})
}
