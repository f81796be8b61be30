package s3api

import (
	"bufio"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coffer-vault/coffer/internal/authn"
	"github.com/coffer-vault/coffer/internal/seal"
	"github.com/coffer-vault/coffer/internal/vault"
)

// Multipart limits, as S3's.
const (
	minPartSize = 5 << 20 // every part but the last
	maxParts    = 10000
	uploadTTL   = 24 * time.Hour
)

// uploads are the open multipart uploads. Parts are sealed files in dir;
// each upload's data key lives only here, in memory.
type uploads struct {
	mu   sync.Mutex
	dir  string
	max  int
	open map[string]*upload
	tmp  bool // dir was made by us and is removed on close
}

type upload struct {
	mu        sync.Mutex
	id        string
	principal string
	dataset   string
	created   time.Time
	key       []byte
	parts     map[int]*part
	done      bool
}

type part struct {
	n    int
	path string
	size int64
	etag string
}

func newUploads(dir string, max int) (*uploads, error) {
	u := &uploads{max: max, open: map[string]*upload{}}
	if dir == "" {
		d, err := os.MkdirTemp("", "coffer-s3-spool-")
		if err != nil {
			return nil, err
		}
		dir, u.tmp = d, true
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return nil, err
	}
	u.dir = dir
	// Parts left by a previous process cannot be opened (their keys died
	// with it): remove them.
	old, _ := filepath.Glob(filepath.Join(dir, "part-*"))
	for _, p := range old {
		os.Remove(p)
	}
	return u, nil
}

func (u *uploads) close() error {
	u.mu.Lock()
	defer u.mu.Unlock()
	for id, up := range u.open {
		up.remove()
		delete(u.open, id)
	}
	if u.tmp {
		return os.RemoveAll(u.dir)
	}
	return nil
}

func (up *upload) remove() {
	for _, p := range up.parts {
		os.Remove(p.path)
	}
	clear(up.key)
}

// get returns the open upload id of principal for dataset.
func (u *uploads) get(id, principal, dataset string) (*upload, error) {
	u.mu.Lock()
	defer u.mu.Unlock()
	up := u.open[id]
	if up == nil || up.principal != principal || up.dataset != dataset {
		return nil, s3err("NoSuchUpload", "the upload does not exist, was completed or aborted, or is not yours")
	}
	return up, nil
}

func (u *uploads) drop(id string) {
	u.mu.Lock()
	up := u.open[id]
	delete(u.open, id)
	u.mu.Unlock()
	if up != nil {
		up.mu.Lock()
		up.done = true
		up.remove()
		up.mu.Unlock()
	}
}

func (u *uploads) create(principal, dataset string, now time.Time) (*upload, error) {
	u.mu.Lock()
	var stale []string
	for id, up := range u.open {
		if now.Sub(up.created) > uploadTTL {
			stale = append(stale, id)
		}
	}
	u.mu.Unlock()
	for _, id := range stale {
		u.drop(id)
	}
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.open) >= u.max {
		return nil, s3err("SlowDown", "too many multipart uploads are open; complete or abort some")
	}
	id := make([]byte, 18)
	rand.Read(id)
	key := make([]byte, 32)
	rand.Read(key)
	up := &upload{id: hex.EncodeToString(id), principal: principal, dataset: dataset,
		created: now, key: key, parts: map[int]*part{}}
	u.open[up.id] = up
	return up, nil
}

func (up *upload) sealContext(n int) seal.Context {
	return seal.Context{"purpose": "s3-multipart-part", "upload": up.id, "part": strconv.Itoa(n)}
}

type initiateXML struct {
	XMLName  xml.Name `xml:"InitiateMultipartUploadResult"`
	NS       string   `xml:"xmlns,attr"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	UploadID string   `xml:"UploadId"`
}

func (h *Handler) createUpload(w http.ResponseWriter, r *http.Request, c authn.Caller, t target) {
	up, err := h.uploads.create(c.Principal, t.dataset(), h.now())
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeXML(w, http.StatusOK, initiateXML{NS: s3NS, Bucket: t.bucket, Key: t.key, UploadID: up.id})
}

func (h *Handler) uploadPart(w http.ResponseWriter, r *http.Request, c authn.Caller, v *authn.Verified, t target, q url.Values) {
	n, err := strconv.Atoi(q.Get("partNumber"))
	if err != nil || n < 1 || n > maxParts {
		writeError(w, r, s3err("InvalidArgument", "partNumber must be 1 to 10000"))
		return
	}
	up, err := h.uploads.get(q.Get("uploadId"), c.Principal, t.dataset())
	if err != nil {
		writeError(w, r, err)
		return
	}
	b, err := body(r, v)
	if err != nil {
		writeError(w, r, err)
		return
	}
	p, err := h.spool(up, n, b)
	if err != nil {
		writeError(w, r, payloadErr(err))
		return
	}
	up.mu.Lock()
	if up.done {
		up.mu.Unlock()
		os.Remove(p.path)
		writeError(w, r, s3err("NoSuchUpload", "the upload was completed or aborted meanwhile"))
		return
	}
	if old := up.parts[n]; old != nil {
		os.Remove(old.path)
	}
	up.parts[n] = p
	up.mu.Unlock()
	w.Header().Set("ETag", p.etag)
	w.WriteHeader(http.StatusOK)
}

// spool seals part n of up from b into a new 0600 file.
func (h *Handler) spool(up *upload, n int, b io.Reader) (*part, error) {
	f, err := os.CreateTemp(h.uploads.dir, "part-*")
	if err != nil {
		return nil, err
	}
	ok := false
	defer func() {
		if !ok {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	bw := bufio.NewWriterSize(f, 256<<10)
	sw, err := seal.NewWriter(bw, up.key, up.sealContext(n), nil)
	if err != nil {
		return nil, err
	}
	sum := sha256.New()
	size, err := io.Copy(io.MultiWriter(sw, sum), b)
	if err != nil {
		return nil, err
	}
	if err := sw.Close(); err != nil {
		return nil, err
	}
	if err := bw.Flush(); err != nil {
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	ok = true
	return &part{n: n, path: f.Name(), size: size, etag: `"` + hex.EncodeToString(sum.Sum(nil)[:16]) + `"`}, nil
}

type completeXML struct {
	Parts []struct {
		PartNumber int    `xml:"PartNumber"`
		ETag       string `xml:"ETag"`
	} `xml:"Part"`
}

type completeResultXML struct {
	XMLName  xml.Name `xml:"CompleteMultipartUploadResult"`
	NS       string   `xml:"xmlns,attr"`
	Location string   `xml:"Location"`
	Bucket   string   `xml:"Bucket"`
	Key      string   `xml:"Key"`
	ETag     string   `xml:"ETag"`
}

func (h *Handler) completeUpload(w http.ResponseWriter, r *http.Request, c authn.Caller, t target, id string) {
	up, err := h.uploads.get(id, c.Principal, t.dataset())
	if err != nil {
		writeError(w, r, err)
		return
	}
	var req completeXML
	if err := xml.NewDecoder(io.LimitReader(r.Body, 4<<20)).Decode(&req); err != nil || len(req.Parts) == 0 {
		writeError(w, r, s3err("MalformedXML", "the CompleteMultipartUpload body is not valid"))
		return
	}
	up.mu.Lock()
	if up.done {
		up.mu.Unlock()
		writeError(w, r, s3err("NoSuchUpload", "the upload was completed or aborted"))
		return
	}
	up.done = true // no more parts; a failed complete ends the upload
	up.mu.Unlock()
	defer h.uploads.drop(id)
	var parts []*part
	for i, p := range req.Parts {
		if i > 0 && p.PartNumber <= req.Parts[i-1].PartNumber {
			writeError(w, r, s3err("InvalidPartOrder", "parts must be listed in ascending order"))
			return
		}
		got := up.parts[p.PartNumber]
		if got == nil || strings.Trim(p.ETag, `"`) != strings.Trim(got.etag, `"`) {
			writeError(w, r, s3err("InvalidPart", "part "+strconv.Itoa(p.PartNumber)+" was not uploaded or its ETag differs"))
			return
		}
		if i < len(req.Parts)-1 && got.size < minPartSize {
			writeError(w, r, s3err("EntityTooSmall", "every part but the last must be at least 5 MiB"))
			return
		}
		parts = append(parts, got)
	}
	src, closeAll, err := up.reader(parts)
	if err != nil {
		writeError(w, r, err)
		return
	}
	defer closeAll()
	ver, err := h.b.Put(r.Context(), c, t.dataset(), src, vault.PutOptions{Format: formatOf(r, t.key), Source: "the S3 multipart upload"})
	if err != nil {
		writeError(w, r, err)
		return
	}
	w.Header().Set("x-amz-version-id", strconv.FormatInt(ver.Number, 10))
	writeXML(w, http.StatusOK, completeResultXML{NS: s3NS, Location: "/" + t.bucket + "/" + t.key,
		Bucket: t.bucket, Key: t.key, ETag: ETag(ver)})
}

// reader opens the sealed parts as one plaintext stream.
func (up *upload) reader(parts []*part) (io.Reader, func(), error) {
	var (
		rs    []io.Reader
		files []*os.File
	)
	closeAll := func() {
		for _, f := range files {
			f.Close()
		}
	}
	for _, p := range parts {
		f, err := os.Open(p.path)
		if err != nil {
			closeAll()
			return nil, nil, err
		}
		files = append(files, f)
		sr, err := seal.NewReader(bufio.NewReaderSize(f, 256<<10), up.key, up.sealContext(p.n))
		if err != nil {
			closeAll()
			return nil, nil, errors.New("s3api: a spooled part does not open")
		}
		rs = append(rs, sr)
	}
	return io.MultiReader(rs...), closeAll, nil
}

func (h *Handler) abortUpload(w http.ResponseWriter, r *http.Request, c authn.Caller, t target, id string) {
	if _, err := h.uploads.get(id, c.Principal, t.dataset()); err != nil {
		writeError(w, r, err)
		return
	}
	h.uploads.drop(id)
	w.WriteHeader(http.StatusNoContent)
}

// spoolDir is the directory parts are spooled to (for tests).
func (h *Handler) spoolDir() string { return h.uploads.dir }
