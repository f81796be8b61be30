package s3api_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/authn"
	"github.com/coffer-vault/coffer/internal/s3api"
	"github.com/coffer-vault/coffer/internal/server"
	"github.com/coffer-vault/coffer/internal/server/servertest"
)

// signer signs requests with SigV4 (header form) for the Go tests.
type signer struct {
	id, secret string
	now        time.Time
}

func (s signer) sign(r *http.Request, body []byte) {
	now := s.now
	if now.IsZero() {
		now = time.Now()
	}
	h := sha256.Sum256(body)
	r.Header.Set("X-Amz-Date", now.UTC().Format("20060102T150405Z"))
	r.Header.Set("X-Amz-Content-Sha256", hex.EncodeToString(h[:]))
	cred := authn.Credential{AccessKey: s.id, Date: now.UTC().Format("20060102"), Region: "us-east-1", Service: "s3"}
	a := authn.Auth{Cred: cred, SignedHeaders: []string{"host", "x-amz-content-sha256", "x-amz-date"}, PayloadHash: hex.EncodeToString(h[:])}
	if r.Host == "" {
		r.Host = r.URL.Host
	}
	sts := authn.StringToSign(now, cred, authn.CanonicalRequest(r, a))
	m := hmacHex(authn.SigningKey([]byte(s.secret), cred), sts)
	r.Header.Set("Authorization", fmt.Sprintf("AWS4-HMAC-SHA256 Credential=%s/%s/us-east-1/s3/aws4_request,SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=%s", s.id, cred.Date, m))
}

type s3env struct {
	*servertest.Env
	h      *s3api.Handler
	client *http.Client
}

func newS3(t *testing.T) *s3env {
	var h *s3api.Handler
	e := servertest.Start(t, servertest.Options{S3: func(b server.Backend, k server.Keys) http.Handler {
		var err error
		h, err = s3api.New(b, k, s3api.Options{SpoolDir: filepath.Join(t.TempDir(), "spool")})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { h.Close() })
		return h
	}})
	// Every name resolves to the server, so host-style names work.
	tr := &http.Transport{TLSClientConfig: e.TLS(t, ""), DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
		return (&net.Dialer{}).DialContext(ctx, network, e.Addr)
	}}
	return &s3env{Env: e, h: h, client: &http.Client{Transport: tr}}
}

func (e *s3env) do(t *testing.T, s signer, method, url string, body []byte, hdr map[string]string) (int, []byte, http.Header) {
	t.Helper()
	r, err := http.NewRequest(method, url, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	if s.id != "" {
		s.sign(r, body)
	}
	resp, err := e.client.Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, b, resp.Header
}

func (e *s3env) url(path string) string { return e.URL + path }

func (e *s3env) hostURL(bucket, path string) string {
	_, port, _ := net.SplitHostPort(e.Addr)
	return "https://" + bucket + ".localhost:" + port + path
}

func TestHostAndPathStyle(t *testing.T) {
	e := newS3(t)
	id, secret := key(t, e.Vault, "alice", "model-training")
	s := signer{id: id, secret: secret}
	data := []byte("a,b\n1,2\n")
	if st, b, _ := e.do(t, s, "PUT", e.hostURL("proj", "/x/data.csv"), data, nil); st != 200 {
		t.Fatalf("host-style put = %d %s", st, b)
	}
	st, got, h := e.do(t, s, "GET", e.url("/proj/x/data.csv"), nil, nil)
	if st != 200 || !bytes.Equal(got, data) || h.Get("ETag") == "" {
		t.Fatalf("path-style get = %d %q", st, got)
	}
	if st, got, _ := e.do(t, s, "GET", e.hostURL("proj", "/x/data.csv"), nil, nil); st != 200 || !bytes.Equal(got, data) {
		t.Fatalf("host-style get = %d %q", st, got)
	}
	// ListObjectsV2 host-style sees it.
	if st, b, _ := e.do(t, s, "GET", e.hostURL("proj", "/?list-type=2"), nil, nil); st != 200 || !strings.Contains(string(b), "<Key>x/data.csv</Key>") {
		t.Fatalf("host-style list = %d %s", st, b)
	}
}

func TestDeniedAndBadSignatures(t *testing.T) {
	e := newS3(t)
	id, secret := key(t, e.Vault, "alice", "model-training")
	bid, bsecret := key(t, e.Vault, "bob", "marketing", "research")
	data := make([]byte, 4096)
	rand.Read(data)
	e.do(t, signer{id: id, secret: secret}, "PUT", e.url("/proj/secret.bin"), data, nil)
	cases := []struct {
		name   string
		s      signer
		hdr    map[string]string
		status int
		code   string
	}{
		{"key with two purposes, none declared", signer{id: bid, secret: bsecret}, nil, 403, "AccessDenied"},
		{"declared purpose not allowed", signer{id: bid, secret: bsecret}, map[string]string{"X-Coffer-Purpose": "model-training"}, 403, "AccessDenied"},
		{"wrong secret", signer{id: id, secret: bsecret}, nil, 403, "SignatureDoesNotMatch"},
		{"unknown key", signer{id: "CKAAAAAAAAAAAAAAAAAA", secret: secret}, nil, 403, "InvalidAccessKeyId"},
		{"clock far off", signer{id: id, secret: secret, now: time.Now().Add(-time.Hour)}, nil, 403, "RequestTimeTooSkewed"},
		{"anonymous", signer{}, nil, 403, "AccessDenied"},
	}
	for _, c := range cases {
		st, b, _ := e.do(t, c.s, "GET", e.url("/proj/secret.bin"), nil, c.hdr)
		if st != c.status || !strings.Contains(string(b), "<Code>"+c.code+"</Code>") || bytes.Contains(b, data[:32]) {
			t.Errorf("%s: %d %s; want %d %s and no data", c.name, st, b, c.status, c.code)
		}
	}
	// Bob declaring one of his purposes may read.
	if st, got, _ := e.do(t, signer{id: bid, secret: bsecret}, "GET", e.url("/proj/secret.bin"), nil, map[string]string{"X-Coffer-Purpose": "research"}); st != 200 || !bytes.Equal(got, data) {
		t.Errorf("bob with purpose audit = %d", st)
	}
	// Bob may not delete alice's object.
	if st, b, _ := e.do(t, signer{id: bid, secret: bsecret}, "DELETE", e.url("/proj/secret.bin"), nil, nil); st != 403 || !strings.Contains(string(b), "AccessDenied") {
		t.Errorf("bob delete = %d %s", st, b)
	}
	// A signed payload that differs from its hash is refused and not stored.
	r, _ := http.NewRequest("PUT", e.url("/proj/tampered.bin"), bytes.NewReader([]byte("evil")))
	signer{id: id, secret: secret}.sign(r, []byte("good"))
	r.Body = io.NopCloser(bytes.NewReader([]byte("evil")))
	resp, err := e.client.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(b), "XAmzContentSHA256Mismatch") {
		t.Errorf("tampered payload = %d %s", resp.StatusCode, b)
	}
	if st, _, _ := e.do(t, signer{id: id, secret: secret}, "HEAD", e.url("/proj/tampered.bin"), nil, nil); st != 404 {
		t.Errorf("tampered put left an object: HEAD = %d", st)
	}
}

func TestRanges(t *testing.T) {
	e := newS3(t)
	id, secret := key(t, e.Vault, "alice", "model-training")
	s := signer{id: id, secret: secret}
	data := make([]byte, 200_000)
	rand.Read(data)
	e.do(t, s, "PUT", e.url("/proj/r.bin"), data, nil)
	for _, c := range []struct {
		rng        string
		status     int
		start, end int
	}{
		{"bytes=0-0", 206, 0, 1}, {"bytes=65530-65545", 206, 65530, 65546}, {"bytes=199990-", 206, 199990, 200000},
		{"bytes=-5", 206, 199995, 200000}, {"bytes=100-999999", 206, 100, 200000}, {"bytes=0-1,5-6", 200, 0, 200000},
	} {
		st, got, _ := e.do(t, s, "GET", e.url("/proj/r.bin"), nil, map[string]string{"Range": c.rng})
		if st != c.status || !bytes.Equal(got, data[c.start:c.end]) {
			t.Errorf("Range %s = %d, %d bytes; want %d, %d bytes", c.rng, st, len(got), c.status, c.end-c.start)
		}
	}
	if st, b, _ := e.do(t, s, "GET", e.url("/proj/r.bin"), nil, map[string]string{"Range": "bytes=200000-"}); st != 416 || !strings.Contains(string(b), "InvalidRange") {
		t.Errorf("unsatisfiable range = %d %s", st, b)
	}
}

func TestListPaging(t *testing.T) {
	e := newS3(t)
	id, secret := key(t, e.Vault, "alice", "model-training")
	s := signer{id: id, secret: secret}
	for _, k := range []string{"a/1", "a/2", "b/1", "c", "d"} {
		if st, b, _ := e.do(t, s, "PUT", e.url("/nsp/"+k), []byte("x"), nil); st != 200 {
			t.Fatalf("put %s = %d %s", k, st, b)
		}
	}
	e.do(t, s, "PUT", e.url("/other/z"), []byte("x"), nil)
	st, b, _ := e.do(t, s, "GET", e.url("/nsp?list-type=2&delimiter=/"), nil, nil)
	body := string(b)
	if st != 200 || !strings.Contains(body, "<Prefix>a/</Prefix>") || !strings.Contains(body, "<Prefix>b/</Prefix>") ||
		!strings.Contains(body, "<Key>c</Key>") || strings.Contains(body, "<Key>a/1</Key>") || strings.Contains(body, "other") {
		t.Fatalf("delimiter list = %d %s", st, body)
	}
	// Pages of two, following continuation tokens, visit every key once.
	var keys []string
	tok := ""
	for range 10 {
		u := "/nsp?list-type=2&max-keys=2"
		if tok != "" {
			u += "&continuation-token=" + tok
		}
		_, b, _ := e.do(t, s, "GET", e.url(u), nil, nil)
		for _, part := range strings.Split(string(b), "<Key>")[1:] {
			keys = append(keys, part[:strings.Index(part, "</Key>")])
		}
		i := strings.Index(string(b), "<NextContinuationToken>")
		if i < 0 {
			break
		}
		rest := string(b)[i+len("<NextContinuationToken>"):]
		tok = rest[:strings.Index(rest, "<")]
	}
	if strings.Join(keys, " ") != "a/1 a/2 b/1 c d" {
		t.Errorf("paged keys = %v", keys)
	}
	st, b, _ = e.do(t, s, "GET", e.url("/"), nil, nil)
	if st != 200 || !strings.Contains(string(b), "<Name>nsp</Name>") || !strings.Contains(string(b), "<Name>other</Name>") {
		t.Errorf("ListBuckets = %d %s", st, b)
	}
}

func TestMultipart(t *testing.T) {
	e := newS3(t)
	id, secret := key(t, e.Vault, "alice", "model-training")
	s := signer{id: id, secret: secret}
	bid, bsecret := key(t, e.Vault, "bob", "model-training")
	create := func() string {
		_, b, _ := e.do(t, s, "POST", e.url("/mpu/obj.bin?uploads"), nil, nil)
		i := strings.Index(string(b), "<UploadId>")
		if i < 0 {
			t.Fatalf("create: %s", b)
		}
		rest := string(b)[i+10:]
		return rest[:strings.Index(rest, "<")]
	}
	part1 := make([]byte, 5<<20)
	part2 := make([]byte, 1000)
	rand.Read(part1)
	rand.Read(part2)
	up := create()
	_, _, h1 := e.do(t, s, "PUT", e.url("/mpu/obj.bin?partNumber=1&uploadId="+up), part1, nil)
	_, _, h2 := e.do(t, s, "PUT", e.url("/mpu/obj.bin?partNumber=2&uploadId="+up), part2, nil)
	// Spooled parts are 0600 files holding no plaintext.
	ents, _ := os.ReadDir(e.h.SpoolDir())
	if len(ents) != 2 {
		t.Fatalf("spool holds %d files, want 2", len(ents))
	}
	for _, en := range ents {
		fi, _ := en.Info()
		b, _ := os.ReadFile(filepath.Join(e.h.SpoolDir(), en.Name()))
		if fi.Mode().Perm() != 0o600 || bytes.Contains(b, part2[:64]) || bytes.Contains(b, part1[1000:1064]) {
			t.Errorf("spool file %s: mode %v, or holds plaintext", en.Name(), fi.Mode().Perm())
		}
	}
	// Bob cannot touch alice's upload.
	if st, b, _ := e.do(t, signer{id: bid, secret: bsecret}, "PUT", e.url("/mpu/obj.bin?partNumber=3&uploadId="+up), part2, nil); st != 404 || !strings.Contains(string(b), "NoSuchUpload") {
		t.Errorf("bob's part = %d %s", st, b)
	}
	complete := func(up string, parts ...string) (int, []byte) {
		var x strings.Builder
		x.WriteString("<CompleteMultipartUpload>")
		for i, p := range parts {
			fmt.Fprintf(&x, "<Part><PartNumber>%d</PartNumber><ETag>%s</ETag></Part>", i+1, p)
		}
		x.WriteString("</CompleteMultipartUpload>")
		st, b, _ := e.do(t, s, "POST", e.url("/mpu/obj.bin?uploadId="+up), []byte(x.String()), nil)
		return st, b
	}
	if st, b := complete(up, h1.Get("ETag"), h2.Get("ETag")); st != 200 || !strings.Contains(string(b), "CompleteMultipartUploadResult") {
		t.Fatalf("complete = %d %s", st, b)
	}
	st, got, _ := e.do(t, s, "GET", e.url("/mpu/obj.bin"), nil, nil)
	if st != 200 || !bytes.Equal(got, append(append([]byte{}, part1...), part2...)) {
		t.Fatalf("get after complete = %d, %d bytes", st, len(got))
	}
	if ents, _ := os.ReadDir(e.h.SpoolDir()); len(ents) != 0 {
		t.Errorf("spool keeps %d files after complete", len(ents))
	}
	// A small first part, a wrong ETag, and abort.
	up = create()
	_, _, h1 = e.do(t, s, "PUT", e.url("/mpu/obj.bin?partNumber=1&uploadId="+up), part2, nil)
	_, _, h2 = e.do(t, s, "PUT", e.url("/mpu/obj.bin?partNumber=2&uploadId="+up), part2, nil)
	if st, b := complete(up, h1.Get("ETag"), h2.Get("ETag")); st != 400 || !strings.Contains(string(b), "EntityTooSmall") {
		t.Errorf("small part complete = %d %s", st, b)
	}
	up = create()
	e.do(t, s, "PUT", e.url("/mpu/obj.bin?partNumber=1&uploadId="+up), part2, nil)
	if st, b := complete(up, `"00000000000000000000000000000000"`); st != 400 || !strings.Contains(string(b), "InvalidPart") {
		t.Errorf("wrong ETag complete = %d %s", st, b)
	}
	up = create()
	e.do(t, s, "PUT", e.url("/mpu/obj.bin?partNumber=1&uploadId="+up), part2, nil)
	if st, _, _ := e.do(t, s, "DELETE", e.url("/mpu/obj.bin?uploadId="+up), nil, nil); st != 204 {
		t.Errorf("abort = %d", st)
	}
	if ents, _ := os.ReadDir(e.h.SpoolDir()); len(ents) != 0 {
		t.Errorf("spool keeps %d files after abort", len(ents))
	}
	vs, _ := e.Vault.Versions(context.Background(), "mpu/obj.bin")
	if len(vs) != 1 {
		t.Errorf("%d versions, want 1 (failed completes add none)", len(vs))
	}
}

func TestDeleteThenPutAndListV1(t *testing.T) {
	e := newS3(t)
	id, secret := key(t, e.Vault, "alice", "model-training")
	s := signer{id: id, secret: secret}
	e.do(t, s, "PUT", e.url("/del/k.bin"), []byte("one"), nil)
	e.do(t, s, "PUT", e.url("/del/k.bin"), []byte("two"), nil)
	// Deleting is for admins (starter policy admin-role), not the owner.
	if st, b, _ := e.do(t, s, "DELETE", e.url("/del/k.bin"), nil, nil); st != 403 || !strings.Contains(string(b), "AccessDenied") {
		t.Fatalf("delete by the owner = %d %s; want 403 AccessDenied", st, b)
	}
	aid, asecret := key(t, e.Vault, "admin", "research")
	if st, b, _ := e.do(t, signer{id: aid, secret: asecret}, "DELETE", e.url("/del/k.bin"), nil, nil); st != 204 {
		t.Fatalf("delete = %d %s", st, b)
	}
	if st, b, _ := e.do(t, s, "GET", e.url("/del/k.bin"), nil, nil); st != 404 || !strings.Contains(string(b), "NoSuchKey") {
		t.Errorf("get after delete = %d %s", st, b)
	}
	if st, b, _ := e.do(t, s, "GET", e.url("/del/k.bin?versionId=1"), nil, nil); st != 404 {
		t.Errorf("get of a shredded version = %d %s", st, b)
	}
	if st, _, _ := e.do(t, signer{id: aid, secret: asecret}, "DELETE", e.url("/del/none.bin"), nil, nil); st != 204 {
		t.Errorf("delete of a missing key = %d, want 204", st)
	}
	if st, b, _ := e.do(t, s, "PUT", e.url("/del/k.bin"), []byte("three"), nil); st != 200 {
		t.Fatalf("put after delete = %d %s", st, b)
	}
	if st, got, h := e.do(t, s, "GET", e.url("/del/k.bin"), nil, nil); st != 200 || string(got) != "three" || h.Get("x-amz-version-id") != "3" {
		t.Errorf("get after re-put = %d %q version %s", st, got, h.Get("x-amz-version-id"))
	}
	st, b, _ := e.do(t, s, "GET", e.url("/del?prefix=k"), nil, nil)
	if st != 200 || !strings.Contains(string(b), "<Key>k.bin</Key>") || !strings.Contains(string(b), "<Marker></Marker>") {
		t.Errorf("ListObjects v1 = %d %s", st, b)
	}
}

// TestTamperedBlobCutsTheResponse: a stored object changed on disk is never
// served as whole: the response is cut short and the client sees an error.
func TestTamperedBlobCutsTheResponse(t *testing.T) {
	e := newS3(t)
	id, secret := key(t, e.Vault, "alice", "model-training")
	s := signer{id: id, secret: secret}
	data := make([]byte, 3<<20)
	rand.Read(data)
	e.do(t, s, "PUT", e.url("/tamper/x.bin"), data, nil)
	n := 0
	filepath.Walk(e.Vault.Home, func(p string, fi os.FileInfo, err error) error {
		if err == nil && fi.Mode().IsRegular() && fi.Size() > int64(len(data)) && strings.Contains(p, "blobs") {
			b, _ := os.ReadFile(p)
			b[len(b)-1000] ^= 1
			os.WriteFile(p, b, 0o600)
			n++
		}
		return nil
	})
	if n != 1 {
		t.Fatalf("tampered %d blobs, want 1", n)
	}
	r, _ := http.NewRequest("GET", e.url("/tamper/x.bin"), nil)
	s.sign(r, nil)
	resp, err := e.client.Do(r)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err == nil || len(got) >= len(data) {
		t.Errorf("tampered object: read %d of %d bytes, err %v; want a cut response", len(got), len(data), err)
	}
	time.Sleep(50 * time.Millisecond)
	if log := e.AccessLog(); !strings.Contains(log, `"aborted":true`) {
		t.Errorf("access log does not record the aborted response:\n%s", log)
	}
}
