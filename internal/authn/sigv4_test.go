package authn

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The examples of AWS's documentation "Signature Calculations for the
// Authorization Header" and "Authenticating Requests: Using Query
// Parameters": the same credentials, time and bucket.
const (
	exampleKey    = "AKIAIOSFODNN7EXAMPLE"
	exampleSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	exampleCred   = exampleKey + "/20130524/us-east-1/s3/aws4_request"
)

var exampleTime = time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)

func exampleSecrets(_ context.Context, id string) ([]byte, error) {
	if id != exampleKey {
		return nil, errors.New("unknown")
	}
	return []byte(exampleSecret), nil
}

func exampleRequest(method, target, host string, body string, hdr map[string]string) *http.Request {
	r := httptest.NewRequest(method, target, strings.NewReader(body))
	r.Host = host
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	return r
}

func authz(signed, sig string) string {
	return "AWS4-HMAC-SHA256 Credential=" + exampleCred + ",SignedHeaders=" + signed + ",Signature=" + sig
}

func TestAWSExamples(t *testing.T) {
	tests := []struct {
		name, method, target, body string
		hdr                        map[string]string
	}{
		{"GET object", "GET", "/test.txt", "", map[string]string{
			"Range": "bytes=0-9", "X-Amz-Content-Sha256": emptySHA256, "X-Amz-Date": "20130524T000000Z",
			"Authorization": authz("host;range;x-amz-content-sha256;x-amz-date", "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41")}},
		{"PUT object", "PUT", "/test$file.text", "Welcome to Amazon S3.", map[string]string{
			"Date": "Fri, 24 May 2013 00:00:00 GMT", "X-Amz-Date": "20130524T000000Z", "X-Amz-Storage-Class": "REDUCED_REDUNDANCY",
			"X-Amz-Content-Sha256": "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
			"Authorization":        authz("date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class", "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")}},
		{"GET bucket lifecycle", "GET", "/?lifecycle", "", map[string]string{
			"X-Amz-Content-Sha256": emptySHA256, "X-Amz-Date": "20130524T000000Z",
			"Authorization": authz("host;x-amz-content-sha256;x-amz-date", "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")}},
		{"GET bucket list", "GET", "/?max-keys=2&prefix=J", "", map[string]string{
			"X-Amz-Content-Sha256": emptySHA256, "X-Amz-Date": "20130524T000000Z",
			"Authorization": authz("host;x-amz-content-sha256;x-amz-date", "34b48302e7b5fa45bde8084f4b7868a86f0a534bc59db6670ed5711ef69dc6f7")}},
		{"presigned GET", "GET", "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := exampleRequest(tt.method, tt.target, "examplebucket.s3.amazonaws.com", tt.body, tt.hdr)
			v, err := Verify(context.Background(), r, exampleSecrets, exampleTime.Add(time.Minute))
			if err != nil {
				t.Fatalf("Verify = %v", err)
			}
			body, _ := v.Body(r)
			if _, err := io.ReadAll(body); err != nil {
				t.Errorf("body: %v", err)
			}
			// The same request with one thing changed fails.
			breaks := map[string]func(*http.Request){
				"other host":   func(r *http.Request) { r.Host = "otherbucket.s3.amazonaws.com" },
				"other path":   func(r *http.Request) { r.URL.Path += "x" },
				"other method": func(r *http.Request) { r.Method = "DELETE" },
			}
			for what, change := range breaks {
				r := exampleRequest(tt.method, tt.target, "examplebucket.s3.amazonaws.com", tt.body, tt.hdr)
				change(r)
				var se *SigError
				if _, err := Verify(context.Background(), r, exampleSecrets, exampleTime); !errors.As(err, &se) || se.Code != "SignatureDoesNotMatch" {
					t.Errorf("%s: Verify = %v, want SignatureDoesNotMatch", what, err)
				}
			}
		})
	}
}

func TestPayloadHashChecked(t *testing.T) {
	hdr := map[string]string{
		"Date": "Fri, 24 May 2013 00:00:00 GMT", "X-Amz-Date": "20130524T000000Z", "X-Amz-Storage-Class": "REDUCED_REDUNDANCY",
		"X-Amz-Content-Sha256": "44ce7dd67c959e0d3524ffac1771dfbba87d2b6b4b4e99e42034a8b803f8b072",
		"Authorization":        authz("date;host;x-amz-content-sha256;x-amz-date;x-amz-storage-class", "98ad721746da40c64f1a55b78f14c238d841ea1380cd77a1b5971af0ece108bd")}
	r := exampleRequest("PUT", "/test$file.text", "examplebucket.s3.amazonaws.com", "Welcome to Amazon S3!", hdr)
	v, err := Verify(context.Background(), r, exampleSecrets, exampleTime)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := v.Body(r)
	if _, err := io.ReadAll(body); err != ErrPayloadHash {
		t.Errorf("tampered payload: %v, want ErrPayloadHash", err)
	}
}

func TestTimeLimits(t *testing.T) {
	hdr := map[string]string{"X-Amz-Content-Sha256": emptySHA256, "X-Amz-Date": "20130524T000000Z",
		"Authorization": authz("host;x-amz-content-sha256;x-amz-date", "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")}
	for _, now := range []time.Time{exampleTime.Add(16 * time.Minute), exampleTime.Add(-16 * time.Minute)} {
		r := exampleRequest("GET", "/?lifecycle", "examplebucket.s3.amazonaws.com", "", hdr)
		var se *SigError
		if _, err := Verify(context.Background(), r, exampleSecrets, now); !errors.As(err, &se) || se.Code != "RequestTimeTooSkewed" {
			t.Errorf("at %v: %v, want RequestTimeTooSkewed", now, err)
		}
	}
	pre := "/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
	r := exampleRequest("GET", pre, "examplebucket.s3.amazonaws.com", "", nil)
	if _, err := Verify(context.Background(), r, exampleSecrets, exampleTime.Add(86401*time.Second)); err == nil {
		t.Error("expired presigned URL accepted")
	}
	r = exampleRequest("GET", pre, "examplebucket.s3.amazonaws.com", "", nil)
	if _, err := Verify(context.Background(), r, exampleSecrets, exampleTime.Add(-time.Hour)); err == nil {
		t.Error("presigned URL from the future accepted")
	}
}

func TestUnknownKeyAndWrongSecret(t *testing.T) {
	hdr := map[string]string{"X-Amz-Content-Sha256": emptySHA256, "X-Amz-Date": "20130524T000000Z",
		"Authorization": authz("host;x-amz-content-sha256;x-amz-date", "fea454ca298b7da1c68078a5d1bdbfbbe0d65c699e0f91ac7a200a0136783543")}
	r := exampleRequest("GET", "/?lifecycle", "examplebucket.s3.amazonaws.com", "", hdr)
	none := func(context.Context, string) ([]byte, error) { return nil, errors.New("no") }
	var se *SigError
	if _, err := Verify(context.Background(), r, none, exampleTime); !errors.As(err, &se) || se.Code != "InvalidAccessKeyId" {
		t.Errorf("unknown key: %v", err)
	}
	wrong := func(context.Context, string) ([]byte, error) { return []byte(exampleSecret + "x"), nil }
	if _, err := Verify(context.Background(), r, wrong, exampleTime); !errors.As(err, &se) || se.Code != "SignatureDoesNotMatch" {
		t.Errorf("wrong secret: %v", err)
	}
	if strings.Contains(fmt.Sprint(se), exampleSecret) {
		t.Error("error holds the secret")
	}
}

// chunkedExample is AWS's "Example: PUT Object" of "Transferring Payload in
// Multiple Chunks": 66560 bytes of 'a' in chunks of 65536.
func chunkedExample(tamper bool) *http.Request {
	data := bytes.Repeat([]byte("a"), 66560)
	if tamper {
		data[70000-66560+65536-4000] = 'b'
	}
	var body bytes.Buffer
	fmt.Fprintf(&body, "10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n%s\r\n", data[:65536])
	fmt.Fprintf(&body, "400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n%s\r\n", data[65536:])
	fmt.Fprintf(&body, "0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n")
	r := exampleRequest("PUT", "/examplebucket/chunkObject.txt", "s3.amazonaws.com", body.String(), map[string]string{
		"X-Amz-Date": "20130524T000000Z", "X-Amz-Storage-Class": "REDUCED_REDUNDANCY", "Content-Encoding": "aws-chunked",
		"X-Amz-Decoded-Content-Length": "66560", "Content-Length": "66824", "X-Amz-Content-Sha256": StreamingPayload,
		"Authorization": authz("content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class",
			"4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9")})
	return r
}

func TestChunkedExample(t *testing.T) {
	r := chunkedExample(false)
	v, err := Verify(context.Background(), r, exampleSecrets, exampleTime)
	if err != nil {
		t.Fatal(err)
	}
	body, err := v.Body(r)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(body)
	if err != nil || !bytes.Equal(got, bytes.Repeat([]byte("a"), 66560)) {
		t.Fatalf("decoded %d bytes, %v", len(got), err)
	}
	r = chunkedExample(true)
	v, err = Verify(context.Background(), r, exampleSecrets, exampleTime)
	if err != nil {
		t.Fatal(err)
	}
	body, _ = v.Body(r)
	got, err = io.ReadAll(body)
	var se *SigError
	if !errors.As(err, &se) || se.Code != "SignatureDoesNotMatch" {
		t.Errorf("tampered chunk: %v", err)
	}
	if len(got) > 65536 {
		t.Errorf("released %d bytes, including the tampered chunk", len(got))
	}
}

func TestUnsignedTrailer(t *testing.T) {
	// crc32 of "hello world" is 0x0d4a1185: DUoRhQ== in base64.
	ok := "5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n"
	c, err := NewChunkReader(strings.NewReader(ok), 11, "x-amz-checksum-crc32")
	if err != nil {
		t.Fatal(err)
	}
	if got, err := io.ReadAll(c); err != nil || string(got) != "hello world" {
		t.Fatalf("= %q, %v", got, err)
	}
	bad := []string{
		strings.Replace(ok, "DUoRhQ==", "AAAAAA==", 1),                  // wrong checksum
		strings.Replace(ok, "x-amz-checksum-crc32:DUoRhQ==\r\n", "", 1), // missing checksum
		strings.Replace(ok, "6\r\n world", "6\r\n worle", 1),            // changed data
		ok[:len(ok)-2], // truncated
		ok + "x",       // trailing data
		strings.Replace(ok, "5\r\n", "5;x=y\r\n", 1), // extension where none belongs
	}
	for i, b := range bad {
		c, _ := NewChunkReader(strings.NewReader(b), 11, "x-amz-checksum-crc32")
		if _, err := io.ReadAll(c); err == nil {
			t.Errorf("bad body %d accepted", i)
		}
	}
}
