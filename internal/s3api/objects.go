package s3api

import (
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/coffer-vault/coffer/internal/authn"
	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/vault"
)

// PurposeHeader lets an S3 client that can add headers declare a purpose;
// without it a read declares the access key's only purpose.
const PurposeHeader = "X-Coffer-Purpose"

// ETag is a version's entity tag: the first 16 bytes of its plaintext
// SHA-256 in hex, quoted (not an MD5: see docs/s3.md).
func ETag(v catalog.Version) string {
	if len(v.SHA256) < 16 {
		return `""`
	}
	return `"` + hex.EncodeToString(v.SHA256[:16]) + `"`
}

func purposeOf(r *http.Request, c authn.Caller) string {
	if p := r.Header.Get(PurposeHeader); p != "" {
		return p
	}
	return c.DefaultPurpose()
}

func (h *Handler) getObject(w http.ResponseWriter, r *http.Request, c authn.Caller, t target) {
	ref := vault.Ref{Name: t.dataset()}
	if vid := r.URL.Query().Get("versionId"); vid != "" && vid != "null" {
		n, err := strconv.ParseInt(vid, 10, 64)
		if err != nil || n < 1 {
			writeError(w, r, s3err("InvalidArgument", "versionId must be a version number"))
			return
		}
		ref.Version = n
	}
	obj, err := h.b.Open(r.Context(), c, ref, purposeOf(r, c))
	if err != nil {
		writeError(w, r, err)
		return
	}
	v := obj.Version()
	hd := w.Header()
	hd.Set("ETag", ETag(v))
	hd.Set("Last-Modified", v.Created.UTC().Format(http.TimeFormat))
	hd.Set("Content-Type", contentType(t.key))
	hd.Set("x-amz-version-id", strconv.FormatInt(v.Number, 10))
	hd.Set("x-coffer-classification", v.Classification)
	size := obj.Size()
	if size >= 0 {
		hd.Set("Accept-Ranges", "bytes")
	} else if r.Header.Get("Range") != "" {
		// Views transform this object for the caller: ranges of the stored
		// bytes would not be ranges of what it may read.
		writeError(w, r, s3err("InvalidRequest", "Range requests are not supported on "+t.key+
			": views ("+strings.Join(obj.Views(), ",")+") transform it for this caller; GET the whole object"))
		return
	}
	off, n, partial, err := parseRange(r.Header.Get("Range"), size)
	if err != nil {
		hd.Set("Content-Range", "bytes */"+strconv.FormatInt(size, 10))
		writeError(w, r, err)
		return
	}
	if match := r.Header.Get("If-None-Match"); match != "" && match == ETag(v) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	if n >= 0 {
		hd.Set("Content-Length", strconv.FormatInt(n, 10))
	}
	status := http.StatusOK
	if partial {
		hd.Set("Content-Range", "bytes "+strconv.FormatInt(off, 10)+"-"+strconv.FormatInt(off+n-1, 10)+"/"+strconv.FormatInt(size, 10))
		status = http.StatusPartialContent
	}
	if r.Method == http.MethodHead {
		w.WriteHeader(status)
		return
	}
	w.WriteHeader(status)
	if partial {
		err = obj.WriteRange(r.Context(), off, n, w)
	} else {
		err = obj.WriteTo(r.Context(), w)
	}
	if err != nil {
		// Headers are gone: cut the response short so the client sees an
		// incomplete body, never accepts a partial object as whole.
		panic(http.ErrAbortHandler)
	}
}

// parseRange parses a single "bytes=" range against size. No header or an
// unsatisfiable form S3 ignores (several ranges) means the whole object.
func parseRange(h string, size int64) (off, n int64, partial bool, err error) {
	if h == "" || size < 0 {
		return 0, size, false, nil
	}
	spec, ok := strings.CutPrefix(h, "bytes=")
	if !ok || strings.Contains(spec, ",") {
		return 0, size, false, nil
	}
	first, last, ok := strings.Cut(spec, "-")
	if !ok {
		return 0, size, false, nil
	}
	bad := s3err("InvalidRange", "the requested range is not satisfiable")
	if first == "" { // suffix: the last N bytes
		k, perr := strconv.ParseInt(last, 10, 64)
		if perr != nil || k < 0 {
			return 0, size, false, nil
		}
		if k == 0 {
			return 0, 0, false, bad
		}
		if size == 0 { // nothing to take the last bytes of: the whole, empty object (as net/http does)
			return 0, 0, false, nil
		}
		k = min(k, size)
		return size - k, k, true, nil
	}
	a, perr := strconv.ParseInt(first, 10, 64)
	if perr != nil || a < 0 {
		return 0, size, false, nil
	}
	if a >= size {
		return 0, 0, false, bad
	}
	b := size - 1
	if last != "" {
		if b, perr = strconv.ParseInt(last, 10, 64); perr != nil || b < a {
			return 0, size, false, nil
		}
		b = min(b, size-1)
	}
	return a, b - a + 1, true, nil
}

func contentType(key string) string {
	switch strings.ToLower(path.Ext(key)) {
	case ".csv":
		return "text/csv"
	case ".tsv":
		return "text/tab-separated-values"
	case ".jsonl", ".ndjson":
		return "application/x-ndjson"
	case ".parquet":
		return "application/vnd.apache.parquet"
	}
	return "application/octet-stream"
}

// formatOf picks the dataset format from the key's extension; "" lets the
// vault sniff it.
func formatOf(r *http.Request, key string) string {
	if f := r.Header.Get("X-Coffer-Format"); f != "" {
		return f
	}
	switch strings.ToLower(path.Ext(key)) {
	case ".csv":
		return "csv"
	case ".tsv":
		return "tsv"
	case ".jsonl", ".ndjson":
		return "jsonl"
	case ".parquet":
		return "parquet"
	}
	return ""
}

// body returns the request payload, verified as its signature says.
func body(r *http.Request, v *authn.Verified) (io.Reader, error) {
	var b io.Reader = r.Body
	if v != nil {
		var err error
		if b, err = v.Body(r); err != nil {
			return nil, err
		}
	}
	if m := r.Header.Get("Content-MD5"); m != "" {
		want, err := base64.StdEncoding.DecodeString(m)
		if err != nil || len(want) != md5.Size {
			return nil, s3err("InvalidDigest", "Content-MD5 is not a base64 MD5")
		}
		b = &md5Reader{r: b, h: md5.New(), want: want}
	}
	return b, nil
}

type md5Reader struct {
	r    io.Reader
	h    hash.Hash
	want []byte
}

func (m *md5Reader) Read(p []byte) (int, error) {
	n, err := m.r.Read(p)
	m.h.Write(p[:n])
	if err == io.EOF && string(m.h.Sum(nil)) != string(m.want) {
		return n, s3err("BadDigest", "the Content-MD5 you specified did not match what we received")
	}
	return n, err
}

func (h *Handler) putObject(w http.ResponseWriter, r *http.Request, c authn.Caller, v *authn.Verified, t target) {
	b, err := body(r, v)
	if err != nil {
		writeError(w, r, err)
		return
	}
	ver, err := h.b.Put(r.Context(), c, t.dataset(), b, vault.PutOptions{Format: formatOf(r, t.key), Source: "the S3 PutObject body"})
	if err != nil {
		writeError(w, r, payloadErr(err))
		return
	}
	w.Header().Set("ETag", ETag(ver))
	w.Header().Set("x-amz-version-id", strconv.FormatInt(ver.Number, 10))
	w.WriteHeader(http.StatusOK)
}

// payloadErr finds an S3 payload error (signature, digest, size) that the
// vault wrapped as a read failure.
func payloadErr(err error) error {
	var e *Error
	var se *authn.SigError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &e):
		return e
	case errors.As(err, &se):
		return se
	case errors.As(err, &mbe):
		return mbe
	}
	return err
}

func (h *Handler) deleteObject(w http.ResponseWriter, r *http.Request, c authn.Caller, t target) {
	err := h.b.Delete(r.Context(), c, t.dataset())
	if err != nil && fault.KindOf(err) != fault.NotFound {
		writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
