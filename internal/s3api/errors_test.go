package s3api_test

import (
	"errors"
	"net/http"
	"testing"

	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/s3api"
)

// TestFaultCodes: each fault kind is answered with the S3 code and status
// clients act on; in particular no refusal of the data itself is a 5xx,
// which S3 clients would retry (a quarantined put retried is another
// quarantined version).
func TestFaultCodes(t *testing.T) {
	for _, tc := range []struct {
		err    error
		code   string
		status int
	}{
		{fault.E(fault.Denied, "no"), "AccessDenied", http.StatusForbidden},
		{fault.E(fault.NotFound, "gone"), "NoSuchKey", http.StatusNotFound},
		{fault.E(fault.Shredded, "shredded"), "NoSuchKey", http.StatusNotFound},
		{fault.E(fault.Invalid, "bad"), "InvalidArgument", http.StatusBadRequest},
		{fault.E(fault.Quarantined, "failed its checks"), "Quarantined", http.StatusUnprocessableEntity},
		{errors.New("disk on fire"), "InternalError", http.StatusInternalServerError},
	} {
		code, status := s3api.ErrorOf(tc.err)
		if code != tc.code || status != tc.status {
			t.Errorf("%v: %s %d, want %s %d", tc.err, code, status, tc.code, tc.status)
		}
	}
}
