package local

import (
	"encoding/base64"
	"strings"
	"testing"
	"time"
)

func TestDecodeContentsRefuses(t *testing.T) {
	key := base64.StdEncoding.EncodeToString(make([]byte, keySize))
	short := base64.StdEncoding.EncodeToString(make([]byte, 16))
	ver := func(fields string) string {
		return `{"keks":[{"name":"default","primary":1,"versions":[{` + fields + `}]}],"audit_key":"` + key + `"}`
	}
	good := `"version":1,"state":"enabled","created":"2026-01-01T00:00:00Z","material":"` + key + `"`
	if _, err := decodeContents([]byte(ver(good))); err != nil {
		t.Fatalf("decodeContents(good) = %v", err)
	}
	tests := []struct{ name, doc, want string }{
		{"empty", ``, "truncated"},
		{"null", `null`, "audit key"},
		{"syntax", `{"keks":[}`, "syntax error at offset"},
		{"trailing", ver(good) + `{}`, "data after the document"},
		{"unknown field", `{"keks":[],"audit_key":"` + key + `","new":1}`, `unknown field "new"`},
		{"wrong type", `{"keks":"x"}`, `field "keks" has the wrong type`},
		{"no keks", `{"keks":[],"audit_key":"` + key + `"}`, "0 KEKs"},
		{"short audit key", `{"keks":[],"audit_key":"` + short + `"}`, "audit key is 16 bytes"},
		{"short material", ver(`"version":1,"state":"enabled","created":"2026-01-01T00:00:00Z","material":"` + short + `"`), "default@1 is 16 bytes"},
		{"version 0", ver(`"version":0,"state":"enabled","created":"2026-01-01T00:00:00Z","material":"` + key + `"`), "version 0"},
		{"unknown state", ver(`"version":1,"state":"gone","created":"2026-01-01T00:00:00Z","material":"` + key + `"`), `unknown state "gone"`},
		{"no created", ver(`"version":1,"state":"enabled","material":"` + key + `"`), "no creation time"},
		{"bad base64", ver(`"version":1,"state":"enabled","material":"!!!!"`), "malformed contents"},
		{"no default", strings.Replace(ver(good), `"default"`, `"other"`, 1), `no KEK named "default"`},
		{"bad name", strings.Replace(ver(good), `"default"`, `"Default"`, 1), "is not 1 to 64"},
		{"primary missing", strings.Replace(ver(good), `"primary":1`, `"primary":2`, 1), "primary version 2"},
		{"destroyed with material", ver(`"version":1,"state":"destroyed","created":"2026-01-01T00:00:00Z","destroyed":"2026-02-01T00:00:00Z","material":"` + key + `"`), "destroyed but holds material"},
		{"destroyed no time", ver(`"version":1,"state":"destroyed","created":"2026-01-01T00:00:00Z"`), "without a destruction time"},
		{"pending no date", ver(`"version":1,"state":"pending_deletion","created":"2026-01-01T00:00:00Z","material":"` + key + `"`), "without a deletion date"},
		{"enabled with date", ver(`"version":1,"state":"enabled","created":"2026-01-01T00:00:00Z","deletion_date":"2026-02-01T00:00:00Z","material":"` + key + `"`), "has a deletion date"},
		{"enabled destroyed time", ver(`"version":1,"state":"enabled","created":"2026-01-01T00:00:00Z","destroyed":"2026-02-01T00:00:00Z","material":"` + key + `"`), "has a destruction time"},
		{"primary disabled", ver(`"version":1,"state":"disabled","created":"2026-01-01T00:00:00Z","material":"` + key + `"`), "is primary but disabled"},
		{"duplicate version", `{"keks":[{"name":"default","primary":1,"versions":[{` + good + `},{` + good + `}]}],"audit_key":"` + key + `"}`, "default@1 appears twice"},
	}
	for _, tt := range tests {
		c, err := decodeContents([]byte(tt.doc))
		if err == nil || c != nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("decodeContents(%s) = %v, want an error containing %q", tt.name, err, tt.want)
		}
		if err != nil && strings.Contains(err.Error(), key[:12]) {
			t.Errorf("decodeContents(%s) error quotes key material: %v", tt.name, err)
		}
	}
}

func TestNewContentsChecks(t *testing.T) {
	c := newContents(time.Now())
	if err := c.check(); err != nil {
		t.Fatalf("newContents().check() = %v", err)
	}
	c.zero()
	for _, b := range [][]byte{c.AuditKey, c.KEKs[0].Versions[0].Material} {
		for _, x := range b {
			if x != 0 {
				t.Fatal("zero left key material")
			}
		}
	}
}
