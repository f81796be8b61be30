package server

import (
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/authn"
	"github.com/coffer-vault/coffer/internal/catalog"
	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/vault"
)

// OpenAPI is the REST API's OpenAPI document (docs/openapi.yaml is a copy,
// kept equal by a test).
//
//go:embed openapi.yaml
var OpenAPI []byte

// PurposeHeader declares the purpose of a read.
const PurposeHeader = "X-Coffer-Purpose"

func (s *Server) restRoutes(mux *http.ServeMux) {
	mux.HandleFunc("GET /v1/openapi.yaml", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		w.Write(OpenAPI)
	})
	mux.HandleFunc("GET /v1/whoami", s.authed(s.whoami))
	mux.HandleFunc("GET /v1/datasets", s.authed(s.listDatasets))
	mux.HandleFunc("GET /v1/meta/{ref...}", s.authed(s.meta))
	mux.HandleFunc("GET /v1/versions/{name...}", s.authed(s.versions))
	mux.HandleFunc("GET /v1/scan/{ref...}", s.authed(s.scan))
	mux.HandleFunc("PUT /v1/data/{name...}", s.authed(s.put))
	mux.HandleFunc("GET /v1/data/{ref...}", s.authed(s.get))
	mux.HandleFunc("POST /v1/explain", s.authed(s.explain))
	mux.HandleFunc("GET /v1/audit", s.authed(s.audit))
	mux.HandleFunc("/v1/", func(w http.ResponseWriter, r *http.Request) {
		writeErr(w, fault.E(fault.NotFound, "no such endpoint %s %s", r.Method, r.URL.Path).WithHint("see /v1/openapi.yaml"))
	})
}

type authedHandler func(w http.ResponseWriter, r *http.Request, c authn.Caller)

// authed authenticates a REST request (API key, else client certificate)
// and admits it past the rate limit.
func (s *Server) authed(h authedHandler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		c, err := s.authenticate(r)
		if err != nil {
			if AuthFailed(r) {
				w.Header().Set("Retry-After", "1")
				writeJSONErr(w, http.StatusTooManyRequests, "rate limited", "too many failed authentications; slow down")
				return
			}
			w.Header().Set("WWW-Authenticate", `Bearer realm="coffer"`)
			writeJSONErr(w, http.StatusUnauthorized, "unauthenticated", err.Error())
			return
		}
		if err := Admit(r, c); err != nil {
			w.Header().Set("Retry-After", "1")
			writeJSONErr(w, http.StatusTooManyRequests, "rate limited", "too many requests; slow down")
			return
		}
		h(w, r, c)
	}
}

var errNoCredential = errors.New("no credential: present a client certificate or Authorization: Bearer KEYID.SECRET")

func (s *Server) authenticate(r *http.Request) (authn.Caller, error) {
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		id, secret, ok2 := strings.Cut(tok, ".")
		if !ok || !ok2 || s.keys == nil {
			return authn.Caller{}, errors.New("malformed Authorization header: use Bearer KEYID.SECRET")
		}
		k, err := s.keys.VerifyAPIKey(r.Context(), id, secret)
		if err != nil {
			return authn.Caller{}, errors.New("API key not valid (unknown, wrong secret, revoked or expired)")
		}
		return authn.Caller{Principal: k.Principal, Method: authn.APIKey, KeyID: k.ID, Purposes: k.Purposes}, nil
	}
	if c, ok := CallerFromCert(r); ok {
		return c, nil
	}
	return authn.Caller{}, errNoCredential
}

func (s *Server) whoami(w http.ResponseWriter, r *http.Request, c authn.Caller) {
	writeJSON(w, http.StatusOK, map[string]any{"principal": c.Principal, "auth": c.Method, "key": c.KeyID,
		"purposes": c.Purposes, "any_purpose": c.Any})
}

// VersionJSON is a version as the REST API shows it: no key material.
type VersionJSON struct {
	Dataset        string            `json:"dataset"`
	Version        int64             `json:"version"`
	ID             string            `json:"id"`
	Created        time.Time         `json:"created"`
	Size           int64             `json:"size"`
	SHA256         string            `json:"sha256"`
	Format         string            `json:"format"`
	Classification string            `json:"classification"`
	Owner          string            `json:"owner,omitempty"`
	Department     string            `json:"department,omitempty"`
	Tags           map[string]string `json:"tags,omitempty"`
	Creator        string            `json:"creator"`
	Key            string            `json:"key,omitempty"`
	Shredded       *time.Time        `json:"shredded,omitempty"`
}

func versionJSON(v catalog.Version) VersionJSON {
	j := VersionJSON{Dataset: v.Dataset, Version: v.Number, ID: v.ID, Created: v.Created, Size: v.Size,
		SHA256: hex.EncodeToString(v.SHA256), Format: v.Format, Classification: v.Classification, Owner: v.Owner,
		Department: v.Department, Tags: v.Tags, Creator: v.Creator, Key: v.KeyID}
	if !v.Shredded.IsZero() {
		t := v.Shredded
		j.Shredded = &t
	}
	return j
}

func (s *Server) listDatasets(w http.ResponseWriter, r *http.Request, c authn.Caller) {
	ds, err := s.backend.Datasets(r.Context(), c)
	if err != nil {
		writeErr(w, err)
		return
	}
	type dj struct {
		Name     string      `json:"name"`
		Versions int64       `json:"versions"`
		Latest   VersionJSON `json:"latest"`
	}
	out := make([]dj, 0, len(ds))
	for _, d := range ds {
		out = append(out, dj{d.Name, d.Versions, versionJSON(d.Latest)})
	}
	writeJSON(w, http.StatusOK, map[string]any{"datasets": out})
}

func (s *Server) meta(w http.ResponseWriter, r *http.Request, c authn.Caller) {
	ref, err := vault.ParseRef(r.PathValue("ref"))
	if err != nil {
		writeErr(w, err)
		return
	}
	v, err := s.backend.Version(r.Context(), c, ref)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, versionJSON(v))
}

func (s *Server) versions(w http.ResponseWriter, r *http.Request, c authn.Caller) {
	name := r.PathValue("name")
	if err := vault.CheckName(name); err != nil {
		writeErr(w, err)
		return
	}
	vs, err := s.backend.Versions(r.Context(), c, name)
	if err != nil {
		writeErr(w, err)
		return
	}
	out := make([]VersionJSON, len(vs))
	for i, v := range vs {
		out[i] = versionJSON(v)
	}
	writeJSON(w, http.StatusOK, map[string]any{"versions": out})
}

func (s *Server) scan(w http.ResponseWriter, r *http.Request, c authn.Caller) {
	ref, err := vault.ParseRef(r.PathValue("ref"))
	if err != nil {
		writeErr(w, err)
		return
	}
	v, err := s.backend.Version(r.Context(), c, ref)
	if err != nil {
		writeErr(w, err)
		return
	}
	findings := json.RawMessage("null")
	if len(v.Findings) > 0 && json.Valid(v.Findings) {
		findings = v.Findings
	}
	writeJSON(w, http.StatusOK, map[string]any{"dataset": v.Dataset, "version": v.Number,
		"classification": v.Classification, "findings": findings})
}

func (s *Server) put(w http.ResponseWriter, r *http.Request, c authn.Caller) {
	name := r.PathValue("name")
	q := r.URL.Query()
	o := vault.PutOptions{Format: q.Get("format"), Classification: q.Get("classification"),
		Department: q.Get("department"), Key: q.Get("key"), Source: "request body"}
	ver, err := s.backend.Put(r.Context(), c, name, r.Body, o)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, versionJSON(ver))
}

func (s *Server) get(w http.ResponseWriter, r *http.Request, c authn.Caller) {
	ref, err := vault.ParseRef(r.PathValue("ref"))
	if err != nil {
		writeErr(w, err)
		return
	}
	purpose := r.Header.Get(PurposeHeader)
	if purpose == "" { // as S3 does: the API key's only purpose
		purpose = c.DefaultPurpose()
	}
	obj, err := s.backend.Open(r.Context(), c, ref, purpose)
	if err != nil {
		writeErr(w, err)
		return
	}
	v := obj.Version()
	h := w.Header()
	h.Set("Content-Type", "application/octet-stream")
	h.Set("X-Coffer-Version", strconv.FormatInt(v.Number, 10))
	h.Set("X-Coffer-Classification", v.Classification)
	if n := obj.Size(); n >= 0 {
		h.Set("Content-Length", strconv.FormatInt(n, 10))
		h.Set("X-Coffer-SHA256", hex.EncodeToString(v.SHA256))
	}
	// The status goes out with the first bytes; a failure after that can
	// only cut the stream short (the client sees fewer bytes than
	// Content-Length and an error), never pass off bad data.
	if err := obj.WriteTo(r.Context(), w); err != nil {
		if !Started(w) {
			writeErr(w, err)
			return
		}
		panic(http.ErrAbortHandler)
	}
}

func (s *Server) explain(w http.ResponseWriter, r *http.Request, c authn.Caller) {
	var q struct {
		Action  string `json:"action"`
		Dataset string `json:"dataset"`
		Purpose string `json:"purpose"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&q); err != nil {
		writeErr(w, fault.E(fault.Invalid, "explain request is not valid JSON: %v", err).WithHint(`send {"action":"read","dataset":"NAME","purpose":"P"}`))
		return
	}
	ref, err := vault.ParseRef(q.Dataset)
	if err != nil {
		writeErr(w, err)
		return
	}
	if q.Purpose == "" {
		q.Purpose = c.DefaultPurpose()
	}
	e, err := s.backend.Explain(r.Context(), c, q.Action, ref, q.Purpose)
	if err != nil {
		writeErr(w, err)
		return
	}
	writeJSON(w, http.StatusOK, e)
}

// audit streams the audit records as JSON Lines.
func (s *Server) audit(w http.ResponseWriter, r *http.Request, c authn.Caller) {
	var since time.Time
	if v := r.URL.Query().Get("since"); v != "" {
		t, err := time.Parse(time.RFC3339, v)
		if err != nil {
			writeErr(w, fault.E(fault.Invalid, "since %q is not an RFC 3339 time", v).WithHint("e.g. 2026-01-02T15:04:05Z"))
			return
		}
		since = t
	}
	enc := json.NewEncoder(w)
	started := false
	err := s.backend.Audit(r.Context(), c, since, func(rec audit.Record) error {
		if !started {
			w.Header().Set("Content-Type", "application/jsonl")
			started = true
		}
		return enc.Encode(rec)
	})
	if err != nil && !started {
		writeErr(w, err)
		return
	}
	if !started {
		w.Header().Set("Content-Type", "application/jsonl")
	}
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

func writeJSONErr(w http.ResponseWriter, status int, kind, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"kind": kind, "message": msg}})
}

// writeErr writes err as a JSON error with its fault kind's status. A
// request body over the limit is 413.
func writeErr(w http.ResponseWriter, err error) {
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		writeJSONErr(w, http.StatusRequestEntityTooLarge, "too large", "request body over the server's limit")
		return
	}
	k := fault.KindOf(err)
	msg := err.Error()
	var fe *fault.Error
	if k == fault.Other && !errors.As(err, &fe) {
		msg = "internal error"
	}
	writeJSONErr(w, k.HTTPStatus(), k.String(), msg)
}
