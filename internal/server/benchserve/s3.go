package main

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/coffer-vault/coffer/internal/authn"
)

// s3Signer signs S3 requests with SigV4 and UNSIGNED-PAYLOAD.
type s3Signer struct {
	id, secret string
	c          *http.Client
}

func (s *s3Signer) sign(r *http.Request) {
	now := time.Now().UTC()
	r.Header.Set("X-Amz-Date", now.Format("20060102T150405Z"))
	r.Header.Set("X-Amz-Content-Sha256", authn.UnsignedPayload)
	cred := authn.Credential{AccessKey: s.id, Date: now.Format("20060102"), Region: "us-east-1", Service: "s3"}
	signed := []string{"host", "x-amz-content-sha256", "x-amz-date"}
	r.Host = r.URL.Host
	a := authn.Auth{Cred: cred, SignedHeaders: signed, PayloadHash: authn.UnsignedPayload}
	m := hmac.New(sha256.New, authn.SigningKey([]byte(s.secret), cred))
	m.Write([]byte(authn.StringToSign(now, cred, authn.CanonicalRequest(r, a))))
	r.Header.Set("Authorization", fmt.Sprintf("AWS4-HMAC-SHA256 Credential=%s/%s/us-east-1/s3/aws4_request,SignedHeaders=host;x-amz-content-sha256;x-amz-date,Signature=%s",
		s.id, cred.Date, hex.EncodeToString(m.Sum(nil))))
}

// measure returns the best MB/s of runs requests.
func (s *s3Signer) measure(runs int, method, url string, body []byte, want int) (float64, error) {
	best := 0.0
	for range runs {
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		req, err := http.NewRequest(method, url, rd)
		if err != nil {
			return 0, err
		}
		s.sign(req)
		t0 := time.Now()
		resp, err := s.c.Do(req)
		if err != nil {
			return 0, err
		}
		n, err := io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		d := time.Since(t0)
		if err != nil || resp.StatusCode != want {
			return 0, fmt.Errorf("%s %s: %d, %v", method, url, resp.StatusCode, err)
		}
		if body != nil {
			n = int64(len(body))
		}
		best = max(best, float64(n)/d.Seconds()/1e6)
	}
	return best, nil
}
