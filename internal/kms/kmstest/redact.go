package kmstest

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/coffer-vault/coffer/internal/kms"
)

func secretForms(b []byte) []string {
	return []string{
		string(b), hex.EncodeToString(b), strings.ToUpper(hex.EncodeToString(b)),
		base64.StdEncoding.EncodeToString(b), base64.RawURLEncoding.EncodeToString(b),
		strings.Trim(fmt.Sprint(b), "[]"), // decimal, as fmt prints a []byte or a struct
		fmt.Sprintf("%#x", b[:4]), strings.TrimSuffix(fmt.Sprintf("%#v", b[:4])[len("[]byte{"):], "}"),
	}
}

// testRedacted prints a DEK every way a careless caller might.
func testRedacted(t *testing.T) {
	dek := kms.NewDEK()
	secret := dek.Bytes()
	holder := struct {
		Key  kms.DEK
		Ptr  *kms.DEK
		Keys []*kms.DEK
	}{*dek, dek, []*kms.DEK{dek}}
	var outs []string
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%o", "%b", "%c", "%U", "%T %[1]v"} {
		outs = append(outs,
			fmt.Sprintf(verb, dek), fmt.Sprintf(verb, *dek), fmt.Sprintf(verb, holder))
	}
	outs = append(outs, fmt.Sprint(dek), fmt.Sprintln(*dek), dek.String(), dek.GoString())
	var buf bytes.Buffer
	for _, h := range []slog.Handler{slog.NewTextHandler(&buf, nil), slog.NewJSONHandler(&buf, nil)} {
		l := slog.New(h)
		l.Info("dek", "ptr", dek, "val", *dek, "holder", holder, slog.Any("any", dek))
		l.Info("group", slog.Group("g", "k", dek))
	}
	outs = append(outs, buf.String())
	for _, v := range []any{dek, *dek, holder} {
		j, err := json.Marshal(v)
		if err != nil {
			t.Fatalf("json.Marshal(DEK) = %v", err)
		}
		outs = append(outs, string(j))
	}
	for _, s := range outs {
		CheckNoSecret(t, s, secret)
		if !strings.Contains(s, "REDACTED") {
			t.Errorf("printed DEK %q does not say REDACTED", s)
		}
	}
}
