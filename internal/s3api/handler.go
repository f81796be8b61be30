package s3api

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/coffer-vault/coffer/internal/authn"
	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/server"
	"github.com/coffer-vault/coffer/internal/vault"
)

// Options configure the S3 API.
type Options struct {
	// Domain enables host-style requests: a request to B.Domain (any port)
	// addresses bucket B. Default "localhost".
	Domain string
	// SpoolDir holds multipart parts while uploads are open (created 0700).
	// Default: a new directory under the system's temporary directory.
	SpoolDir string
	// MaxUploads bounds the multipart uploads open at once (default 1000).
	MaxUploads int
}

// Handler serves the S3 API.
type Handler struct {
	b       server.Backend
	keys    server.Keys
	o       Options
	now     func() time.Time
	uploads *uploads
}

// New returns the S3 API over b, authenticating with keys.
func New(b server.Backend, keys server.Keys, o Options) (*Handler, error) {
	if o.Domain == "" {
		o.Domain = "localhost"
	}
	if o.MaxUploads == 0 {
		o.MaxUploads = 1000
	}
	up, err := newUploads(o.SpoolDir, o.MaxUploads)
	if err != nil {
		return nil, err
	}
	return &Handler{b: b, keys: keys, o: o, now: time.Now, uploads: up}, nil
}

// Close removes the spool of unfinished uploads.
func (h *Handler) Close() error { return h.uploads.close() }

var bucketRE = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

// target is the bucket and key a request addresses.
type target struct{ bucket, key string }

func (t target) dataset() string { return t.bucket + "/" + t.key }

// parse finds the bucket and key, host-style first, then path-style.
func (h *Handler) parse(r *http.Request) target {
	host := r.Host
	if hh, _, err := net.SplitHostPort(host); err == nil {
		host = hh
	}
	path := strings.TrimPrefix(r.URL.Path, "/")
	if b, ok := strings.CutSuffix(host, "."+h.o.Domain); ok && b != "" {
		return target{bucket: b, key: path}
	}
	b, k, _ := strings.Cut(path, "/")
	return target{bucket: b, key: k}
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	id := make([]byte, 8)
	rand.Read(id)
	rid := strings.ToUpper(hex.EncodeToString(id))
	r = r.WithContext(context.WithValue(r.Context(), reqIDKey{}, rid))
	w.Header().Set("x-amz-request-id", rid)
	w.Header().Set("Server", "coffer")
	c, v, err := h.authenticate(r)
	if err != nil {
		if server.AuthFailed(r) {
			err = s3err("SlowDown", "too many failed authentications; slow down")
		}
		writeError(w, r, err)
		return
	}
	if err := server.Admit(r, c); err != nil {
		writeError(w, r, s3err("SlowDown", "too many requests; slow down"))
		return
	}
	t := h.parse(r)
	q := r.URL.Query()
	if t.bucket == "" {
		if r.Method == http.MethodGet {
			h.listBuckets(w, r, c)
			return
		}
		writeError(w, r, s3err("MethodNotAllowed", "only GET (ListBuckets) is allowed on the service"))
		return
	}
	if !bucketRE.MatchString(t.bucket) || vault.CheckName(t.bucket) != nil {
		writeError(w, r, s3err("InvalidBucketName", "bucket names are 3-63 lower-case letters, digits, '.' and '-'"))
		return
	}
	if t.key == "" {
		h.bucketOp(w, r, c, t, q)
		return
	}
	if err := vault.CheckName(t.dataset()); err != nil {
		writeError(w, r, s3err("KeyTooLongError", "the key must be up to 7 '/'-separated segments of letters, digits, '.', '_' and '-' (each starting with a letter or digit, at most 64)"))
		return
	}
	switch {
	case r.Method == http.MethodPost && q.Has("uploads"):
		h.createUpload(w, r, c, t)
	case r.Method == http.MethodPut && q.Has("uploadId"):
		h.uploadPart(w, r, c, v, t, q)
	case r.Method == http.MethodPost && q.Has("uploadId"):
		h.completeUpload(w, r, c, t, q.Get("uploadId"))
	case r.Method == http.MethodDelete && q.Has("uploadId"):
		h.abortUpload(w, r, c, t, q.Get("uploadId"))
	case r.Method == http.MethodPut && r.Header.Get("X-Amz-Copy-Source") != "":
		writeError(w, r, s3err("NotImplemented", "CopyObject is not supported: versions are immutable; get and put instead"))
	case r.Method == http.MethodPut:
		h.putObject(w, r, c, v, t)
	case r.Method == http.MethodGet, r.Method == http.MethodHead:
		h.getObject(w, r, c, t)
	case r.Method == http.MethodDelete:
		h.deleteObject(w, r, c, t)
	default:
		writeError(w, r, s3err("MethodNotAllowed", "method not allowed on an object"))
	}
}

func (h *Handler) bucketOp(w http.ResponseWriter, r *http.Request, c authn.Caller, t target, q map[string][]string) {
	switch r.Method {
	case http.MethodGet:
		if _, ok := q["list-type"]; !ok {
			if len(q) > 0 && !onlyListV1(q) {
				writeError(w, r, s3err("NotImplemented", "this bucket operation is not supported"))
				return
			}
		}
		h.listObjects(w, r, c, t.bucket, q)
	case http.MethodHead, http.MethodPut:
		// Buckets are namespaces that exist implicitly: creating or
		// checking one always succeeds.
		w.WriteHeader(http.StatusOK)
	case http.MethodDelete:
		w.WriteHeader(http.StatusNoContent)
	default:
		writeError(w, r, s3err("MethodNotAllowed", "method not allowed on a bucket"))
	}
}

func onlyListV1(q map[string][]string) bool {
	for k := range q {
		switch k {
		case "prefix", "delimiter", "marker", "max-keys", "encoding-type":
		default:
			return false
		}
	}
	return true
}

// authenticate returns the caller of r: SigV4 (header or presigned), else a
// verified client certificate. v is nil for certificate callers.
func (h *Handler) authenticate(r *http.Request) (authn.Caller, *authn.Verified, error) {
	if !authn.IsSigV4(r) {
		if c, ok := server.CallerFromCert(r); ok {
			return c, nil, nil
		}
		if r.Header.Get("Authorization") != "" || r.URL.Query().Has("AWSAccessKeyId") {
			return authn.Caller{}, nil, s3err("AccessDenied", "only AWS Signature Version 4 (AWS4-HMAC-SHA256) is supported")
		}
		return authn.Caller{}, nil, s3err("AccessDenied", "anonymous access is not allowed: sign the request")
	}
	var (
		mu  sync.Mutex
		key catalog.APIKey
	)
	secret := func(ctx context.Context, id string) ([]byte, error) {
		k, s, err := h.keys.APIKeySecret(ctx, id)
		mu.Lock()
		key = k
		mu.Unlock()
		return s, err
	}
	v, err := authn.Verify(r.Context(), r, secret, h.now())
	if err != nil {
		return authn.Caller{}, nil, err
	}
	return authn.Caller{Principal: key.Principal, Method: authn.SigV4, KeyID: key.ID, Purposes: key.Purposes}, v, nil
}
