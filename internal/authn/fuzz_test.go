package authn

import (
	"bytes"
	"encoding/hex"
	"io"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

func FuzzParseAuthorization(f *testing.F) {
	f.Add(authz("host;range;x-amz-content-sha256;x-amz-date", "f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41"))
	f.Add(authz("host", "00"))
	f.Add("AWS4-HMAC-SHA256 Credential=a/b/c/d/aws4_request")
	f.Fuzz(func(t *testing.T, h string) {
		a, err := ParseAuthorization(h)
		if err != nil {
			if !reflect.DeepEqual(a, Auth{}) {
				t.Fatalf("error %v with a partial result %+v", err, a)
			}
			return
		}
		// Property: what parsed renders to a header that parses the same.
		c := a.Cred
		again := "AWS4-HMAC-SHA256 Credential=" + c.AccessKey + "/" + c.Date + "/" + c.Region + "/" + c.Service +
			"/aws4_request,SignedHeaders=" + strings.Join(a.SignedHeaders, ";") + ",Signature=" + hex.EncodeToString(a.Signature)
		b, err := ParseAuthorization(again)
		if err != nil || !reflect.DeepEqual(a, b) {
			t.Fatalf("reparse of %q = %+v, %v; want %+v", again, b, err, a)
		}
	})
}

func FuzzParsePresigned(f *testing.F) {
	f.Add("X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404")
	f.Add("X-Amz-Expires=0")
	f.Fuzz(func(t *testing.T, q string) {
		vs, err := url.ParseQuery(q)
		if err != nil {
			return
		}
		a, err := ParsePresigned(vs)
		if err != nil {
			return
		}
		if a.Expires <= 0 || a.Expires > MaxPresign || len(a.Signature) != 32 || a.Cred.AccessKey == "" {
			t.Fatalf("accepted out-of-bounds presign: %+v", a)
		}
	})
}

func FuzzChunkReader(f *testing.F) {
	f.Add([]byte("5\r\nhello\r\n6\r\n world\r\n0\r\nx-amz-checksum-crc32:DUoRhQ==\r\n\r\n"), int64(11), true)
	f.Add([]byte("3\r\nabc\r\n0\r\n\r\n"), int64(3), false)
	f.Add([]byte("ffffffff\r\n"), int64(1<<40), false)
	f.Fuzz(func(t *testing.T, body []byte, want int64, crc bool) {
		if want < 0 {
			return
		}
		trailer := ""
		if crc {
			trailer = "x-amz-checksum-crc32"
		}
		c, err := NewChunkReader(bytes.NewReader(body), want, trailer)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(io.LimitReader(c, want+1))
		if int64(len(got)) > want {
			t.Fatalf("decoded %d bytes, more than the declared %d", len(got), want)
		}
		if err == nil && int64(len(got)) != want {
			t.Fatalf("success with %d of %d bytes", len(got), want)
		}
		if err == nil && int64(len(got)) > int64(len(body)) {
			t.Fatal("decoded more than the body holds")
		}
	})
}
