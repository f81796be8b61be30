package s3api

import (
	"encoding/xml"
	"errors"
	"net/http"

	"github.com/coffer-vault/coffer/internal/authn"
	"github.com/coffer-vault/coffer/internal/fault"
)

// Error is an S3 error: a code from AWS's list and its message.
type Error struct {
	Code string
	Msg  string
}

func (e *Error) Error() string { return "s3: " + e.Code + ": " + e.Msg }

func s3err(code, msg string) *Error { return &Error{Code: code, Msg: msg} }

// statusOf is the HTTP status of each S3 error code used here.
var statusOf = map[string]int{
	"AccessDenied":                      http.StatusForbidden,
	"SignatureDoesNotMatch":             http.StatusForbidden,
	"InvalidAccessKeyId":                http.StatusForbidden,
	"RequestTimeTooSkewed":              http.StatusForbidden,
	"AuthorizationHeaderMalformed":      http.StatusBadRequest,
	"AuthorizationQueryParametersError": http.StatusBadRequest,
	"XAmzContentSHA256Mismatch":         http.StatusBadRequest,
	"BadDigest":                         http.StatusBadRequest,
	"InvalidDigest":                     http.StatusBadRequest,
	"IncompleteBody":                    http.StatusBadRequest,
	"InvalidRequest":                    http.StatusBadRequest,
	"InvalidArgument":                   http.StatusBadRequest,
	"InvalidBucketName":                 http.StatusBadRequest,
	"KeyTooLongError":                   http.StatusBadRequest,
	"InvalidPart":                       http.StatusBadRequest,
	"InvalidPartOrder":                  http.StatusBadRequest,
	"EntityTooSmall":                    http.StatusBadRequest,
	"EntityTooLarge":                    http.StatusBadRequest,
	"MalformedXML":                      http.StatusBadRequest,
	"MissingContentLength":              http.StatusLengthRequired,
	"NoSuchKey":                         http.StatusNotFound,
	"NoSuchBucket":                      http.StatusNotFound,
	"NoSuchUpload":                      http.StatusNotFound,
	"MethodNotAllowed":                  http.StatusMethodNotAllowed,
	"InvalidRange":                      http.StatusRequestedRangeNotSatisfiable,
	// Quarantined is coffer's own: the object was stored but failed its
	// quality checks (docs/quality.md). A 4xx, so that clients do not retry.
	"Quarantined":    http.StatusUnprocessableEntity,
	"NotImplemented": http.StatusNotImplemented,
	"SlowDown":       http.StatusServiceUnavailable,
	"InternalError":  http.StatusInternalServerError,
}

// toS3 maps any error to an S3 error.
func toS3(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	var se *authn.SigError
	if errors.As(err, &se) {
		return &Error{Code: se.Code, Msg: se.Msg}
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return s3err("EntityTooLarge", "the body is larger than the server allows")
	}
	var fe *fault.Error
	msg := "internal error"
	if errors.As(err, &fe) {
		msg = err.Error()
	}
	switch fault.KindOf(err) {
	case fault.Denied:
		return s3err("AccessDenied", msg)
	case fault.NotFound, fault.Shredded:
		return s3err("NoSuchKey", msg)
	case fault.Invalid:
		return s3err("InvalidArgument", msg)
	case fault.Quarantined:
		return s3err("Quarantined", msg)
	}
	return s3err("InternalError", msg)
}

type errorXML struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	Resource  string   `xml:"Resource,omitempty"`
	RequestID string   `xml:"RequestId"`
}

// writeError writes err as an S3 XML error. HEAD responses carry no body.
func writeError(w http.ResponseWriter, r *http.Request, err error) {
	e := toS3(err)
	status, ok := statusOf[e.Code]
	if !ok {
		status = http.StatusBadRequest
	}
	if r.Method == http.MethodHead {
		w.WriteHeader(status)
		return
	}
	writeXML(w, status, errorXML{Code: e.Code, Message: e.Msg, Resource: r.URL.Path, RequestID: requestID(r)})
}

func writeXML(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(status)
	w.Write([]byte(xml.Header))
	xml.NewEncoder(w).Encode(v)
}

func requestID(r *http.Request) string {
	if id, ok := r.Context().Value(reqIDKey{}).(string); ok {
		return id
	}
	return ""
}

type reqIDKey struct{}
