package authn

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Payload hash values of x-amz-content-sha256 that are not a hash.
const (
	UnsignedPayload        = "UNSIGNED-PAYLOAD"
	StreamingPayload       = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	StreamingPayloadTrail  = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	StreamingUnsignedTrail = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
	algorithm              = "AWS4-HMAC-SHA256"
	amzDate                = "20060102T150405Z"
	emptySHA256            = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
)

// MaxSkew is how far a request's time may be from the server's clock.
const MaxSkew = 15 * time.Minute

// MaxPresign is the longest validity a presigned URL may ask for.
const MaxPresign = 7 * 24 * time.Hour

// SigError is a failed S3 authentication; Code is the S3 error code.
type SigError struct {
	Code string // AccessDenied, SignatureDoesNotMatch, InvalidAccessKeyId, ...
	Msg  string
}

func (e *SigError) Error() string { return "authn: " + e.Code + ": " + e.Msg }

func sigErr(code, format string, a ...any) error {
	return &SigError{Code: code, Msg: fmt.Sprintf(format, a...)}
}

// Credential is the parsed scope of a signature.
type Credential struct {
	AccessKey string
	Date      string // YYYYMMDD
	Region    string
	Service   string
}

func (c Credential) scope() string {
	return c.Date + "/" + c.Region + "/" + c.Service + "/aws4_request"
}

// Auth is a parsed SigV4 request: from the Authorization header or from a
// presigned URL's query.
type Auth struct {
	Cred          Credential
	SignedHeaders []string // lower case, sorted
	Signature     []byte   // 32 bytes
	Time          time.Time
	Expires       time.Duration // presigned only
	Presigned     bool
	PayloadHash   string // x-amz-content-sha256 (UNSIGNED-PAYLOAD for presigned)
}

// IsSigV4 reports whether r carries a SigV4 signature, in its header or query.
func IsSigV4(r *http.Request) bool {
	return strings.HasPrefix(r.Header.Get("Authorization"), algorithm+" ") ||
		r.URL.Query().Get("X-Amz-Algorithm") == algorithm
}

// ParseAuthorization parses an Authorization header value of the form
// AWS4-HMAC-SHA256 Credential=AK/DATE/REGION/SERVICE/aws4_request,
// SignedHeaders=a;b, Signature=HEX.
func ParseAuthorization(h string) (Auth, error) {
	var a Auth
	rest, ok := strings.CutPrefix(h, algorithm+" ")
	if !ok {
		return Auth{}, sigErr("AuthorizationHeaderMalformed", "the algorithm must be %s", algorithm)
	}
	var cred, signed, sig string
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return Auth{}, sigErr("AuthorizationHeaderMalformed", "a part of the Authorization header is not key=value")
		}
		switch k {
		case "Credential":
			cred = v
		case "SignedHeaders":
			signed = v
		case "Signature":
			sig = v
		default:
			return Auth{}, sigErr("AuthorizationHeaderMalformed", "unknown Authorization field %q", trunc(k))
		}
	}
	if err := a.fill(cred, signed, sig); err != nil {
		return Auth{}, err
	}
	return a, nil
}

func (a *Auth) fill(cred, signed, sig string) error {
	var err error
	if a.Cred, err = parseCredential(cred); err != nil {
		return err
	}
	if signed == "" {
		return sigErr("AuthorizationHeaderMalformed", "SignedHeaders is missing")
	}
	a.SignedHeaders = strings.Split(signed, ";")
	if !sort.StringsAreSorted(a.SignedHeaders) {
		return sigErr("AuthorizationHeaderMalformed", "SignedHeaders must be sorted")
	}
	for _, h := range a.SignedHeaders {
		if h == "" || h != strings.ToLower(h) {
			return sigErr("AuthorizationHeaderMalformed", "SignedHeaders must be lower-case names")
		}
	}
	if len(sig) != 64 {
		return sigErr("AuthorizationHeaderMalformed", "Signature must be 64 hex digits")
	}
	if a.Signature, err = hex.DecodeString(sig); err != nil {
		return sigErr("AuthorizationHeaderMalformed", "Signature must be 64 hex digits")
	}
	return nil
}

func parseCredential(s string) (Credential, error) {
	p := strings.Split(s, "/")
	if len(p) != 5 || p[4] != "aws4_request" || p[0] == "" || p[2] == "" || p[3] == "" {
		return Credential{}, sigErr("AuthorizationHeaderMalformed", "Credential must be KEY/DATE/REGION/SERVICE/aws4_request")
	}
	if _, err := time.Parse("20060102", p[1]); err != nil {
		return Credential{}, sigErr("AuthorizationHeaderMalformed", "the Credential date must be YYYYMMDD")
	}
	return Credential{AccessKey: p[0], Date: p[1], Region: p[2], Service: p[3]}, nil
}

// ParsePresigned parses the X-Amz-* query parameters of a presigned URL.
func ParsePresigned(q url.Values) (Auth, error) {
	a := Auth{Presigned: true, PayloadHash: UnsignedPayload}
	if q.Get("X-Amz-Algorithm") != algorithm {
		return Auth{}, sigErr("AuthorizationQueryParametersError", "X-Amz-Algorithm must be %s", algorithm)
	}
	if err := a.fill(q.Get("X-Amz-Credential"), q.Get("X-Amz-SignedHeaders"), q.Get("X-Amz-Signature")); err != nil {
		return Auth{}, err
	}
	t, err := time.Parse(amzDate, q.Get("X-Amz-Date"))
	if err != nil {
		return Auth{}, sigErr("AuthorizationQueryParametersError", "X-Amz-Date must be YYYYMMDDTHHMMSSZ")
	}
	a.Time = t
	secs, err := strconv.ParseInt(q.Get("X-Amz-Expires"), 10, 64)
	if err != nil || secs < 1 || secs > int64(MaxPresign/time.Second) {
		return Auth{}, sigErr("AuthorizationQueryParametersError", "X-Amz-Expires must be 1 to 604800 seconds")
	}
	a.Expires = time.Duration(secs) * time.Second
	return a, nil
}

// SecretFunc returns the secret of an access key; any error denies.
type SecretFunc func(ctx context.Context, accessKey string) ([]byte, error)

// Verified is a request whose signature checked out.
type Verified struct {
	Auth
	key  []byte // signing key for the scope (for chunk signatures)
	seed []byte // the request's signature
}

// Verify checks r's SigV4 signature against the secret of its access key at
// time now. On success the body still has to pass Body (signed payloads
// are verified as they stream).
func Verify(ctx context.Context, r *http.Request, secret SecretFunc, now time.Time) (*Verified, error) {
	var (
		a   Auth
		err error
	)
	if h := r.Header.Get("Authorization"); h != "" {
		if a, err = ParseAuthorization(h); err != nil {
			return nil, err
		}
		if a.Time, err = time.Parse(amzDate, r.Header.Get("X-Amz-Date")); err != nil {
			return nil, sigErr("AccessDenied", "X-Amz-Date is missing or not YYYYMMDDTHHMMSSZ")
		}
		a.PayloadHash = r.Header.Get("X-Amz-Content-Sha256")
		if a.PayloadHash == "" {
			return nil, sigErr("InvalidRequest", "x-amz-content-sha256 is missing")
		}
		if !validPayloadHash(a.PayloadHash) {
			return nil, sigErr("InvalidArgument", "x-amz-content-sha256 is neither a SHA-256 nor a known mode")
		}
		if d := now.Sub(a.Time); d > MaxSkew || d < -MaxSkew {
			return nil, sigErr("RequestTimeTooSkewed", "the request time differs from the server's by more than %s", MaxSkew)
		}
	} else if a, err = ParsePresigned(r.URL.Query()); err != nil {
		return nil, err
	} else {
		if a.Time.Sub(now) > MaxSkew {
			return nil, sigErr("AccessDenied", "the presigned URL is dated in the future")
		}
		if now.After(a.Time.Add(a.Expires)) {
			return nil, sigErr("AccessDenied", "Request has expired")
		}
	}
	if a.Cred.Date != a.Time.Format("20060102") || a.Cred.Service != "s3" {
		return nil, sigErr("AuthorizationHeaderMalformed", "the credential scope's date or service does not match the request")
	}
	if !contains(a.SignedHeaders, "host") {
		return nil, sigErr("AccessDenied", "the host header must be signed")
	}
	sec, err := secret(ctx, a.Cred.AccessKey)
	if err != nil {
		return nil, sigErr("InvalidAccessKeyId", "the access key id does not exist or is not valid")
	}
	key := SigningKey(sec, a.Cred)
	clear(sec)
	sts := StringToSign(a.Time, a.Cred, CanonicalRequest(r, a))
	want := hmacSHA256(key, []byte(sts))
	if !hmac.Equal(want, a.Signature) {
		return nil, sigErr("SignatureDoesNotMatch", "the request signature we calculated does not match the signature you provided")
	}
	return &Verified{Auth: a, key: key, seed: want}, nil
}

func validPayloadHash(h string) bool {
	switch h {
	case UnsignedPayload, StreamingPayload, StreamingPayloadTrail, StreamingUnsignedTrail:
		return true
	}
	_, err := hex.DecodeString(h)
	return err == nil && len(h) == 64
}

// SigningKey derives the SigV4 signing key of secret for cred's scope.
func SigningKey(secret []byte, c Credential) []byte {
	k := hmacSHA256(append([]byte("AWS4"), secret...), []byte(c.Date))
	k = hmacSHA256(k, []byte(c.Region))
	k = hmacSHA256(k, []byte(c.Service))
	return hmacSHA256(k, []byte("aws4_request"))
}

// StringToSign builds the string that is signed.
func StringToSign(t time.Time, c Credential, canonical string) string {
	h := sha256.Sum256([]byte(canonical))
	return algorithm + "\n" + t.UTC().Format(amzDate) + "\n" + c.scope() + "\n" + hex.EncodeToString(h[:])
}

// CanonicalRequest builds r's canonical request for the signed headers of a.
func CanonicalRequest(r *http.Request, a Auth) string {
	var b strings.Builder
	b.WriteString(r.Method + "\n")
	b.WriteString(uriEncode(r.URL.Path, false) + "\n")
	b.WriteString(canonicalQuery(r.URL.Query(), a.Presigned) + "\n")
	for _, h := range a.SignedHeaders {
		b.WriteString(h + ":" + headerValue(r, h) + "\n")
	}
	b.WriteString("\n" + strings.Join(a.SignedHeaders, ";") + "\n")
	b.WriteString(a.PayloadHash)
	return b.String()
}

func headerValue(r *http.Request, name string) string {
	var vs []string
	if name == "host" {
		vs = []string{r.Host}
	} else {
		vs = r.Header.Values(name)
	}
	for i, v := range vs {
		vs[i] = strings.Join(strings.Fields(v), " ")
	}
	return strings.Join(vs, ",")
}

func canonicalQuery(q url.Values, presigned bool) string {
	type kv struct{ k, v string }
	var ps []kv
	for k, vs := range q {
		if presigned && k == "X-Amz-Signature" {
			continue
		}
		for _, v := range vs {
			ps = append(ps, kv{uriEncode(k, true), uriEncode(v, true)})
		}
	}
	sort.Slice(ps, func(i, j int) bool {
		if ps[i].k != ps[j].k {
			return ps[i].k < ps[j].k
		}
		return ps[i].v < ps[j].v
	})
	parts := make([]string, len(ps))
	for i, p := range ps {
		parts[i] = p.k + "=" + p.v
	}
	return strings.Join(parts, "&")
}

// uriEncode percent-encodes s as SigV4 asks: every byte but the unreserved
// ones (A-Z a-z 0-9 - . _ ~), and '/' too when encodeSlash.
func uriEncode(s string, encodeSlash bool) string {
	const hexd = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'A' <= c && c <= 'Z', 'a' <= c && c <= 'z', '0' <= c && c <= '9', c == '-', c == '.', c == '_', c == '~':
			b.WriteByte(c)
		case c == '/' && !encodeSlash:
			b.WriteByte(c)
		default:
			b.WriteByte('%')
			b.WriteByte(hexd[c>>4])
			b.WriteByte(hexd[c&15])
		}
	}
	return b.String()
}

func hmacSHA256(key, data []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(data)
	return m.Sum(nil)
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

func trunc(s string) string {
	if len(s) > 32 {
		return s[:32] + "..."
	}
	return s
}
