package s3api_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coffer-vault/coffer/internal/s3api"
	"github.com/coffer-vault/coffer/internal/server"
	"github.com/coffer-vault/coffer/internal/server/servertest"
	"github.com/coffer-vault/coffer/internal/vault"
)

// tool finds a Debian-packaged client: /usr/bin first (a pyenv shim may
// shadow it on PATH). Missing: skip, or fail under CI=true.
func tool(t *testing.T, name string) string {
	t.Helper()
	for _, p := range []string{"/usr/bin/" + name} {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	msg := name + " not installed (apt-get install awscli python3-boto3; scripts/test installs them)"
	if os.Getenv("CI") == "true" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

func startS3(t *testing.T) *servertest.Env {
	t.Helper()
	return servertest.Start(t, servertest.Options{S3: func(b server.Backend, k server.Keys) http.Handler {
		h, err := s3api.New(b, k, s3api.Options{SpoolDir: filepath.Join(t.TempDir(), "spool")})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { h.Close() })
		return h
	}})
}

// awsEnv is an environment for awscli and boto3 with key's credentials.
func awsEnv(t *testing.T, e *servertest.Env, id, secret string) []string {
	home := t.TempDir()
	return []string{"HOME=" + home, "PATH=/usr/bin:/bin", "AWS_ACCESS_KEY_ID=" + id, "AWS_SECRET_ACCESS_KEY=" + secret,
		"AWS_DEFAULT_REGION=us-east-1", "AWS_CA_BUNDLE=" + e.CAFile, "AWS_CONFIG_FILE=" + filepath.Join(home, "none"),
		"AWS_SHARED_CREDENTIALS_FILE=" + filepath.Join(home, "none"), "AWS_EC2_METADATA_DISABLED=true", "AWS_PAGER="}
}

func run(t *testing.T, env []string, name string, args ...string) (string, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Env = env
	out, err := cmd.CombinedOutput()
	return string(out), err
}

func key(t *testing.T, v *vault.Vault, principal string, purposes ...string) (string, string) {
	t.Helper()
	k, s, err := v.CreateAPIKey(context.Background(), principal, vault.APIKeyOptions{Purposes: purposes, TTL: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	return k.ID, s
}

func TestAWSCLI(t *testing.T) {
	aws := tool(t, "aws")
	e := startS3(t)
	id, secret := key(t, e.Vault, "alice", "model-training")
	env := awsEnv(t, e, id, secret)
	dir := t.TempDir()
	small := filepath.Join(dir, "small.csv")
	os.WriteFile(small, []byte("id,score\n1,0.5\n2,0.7\n"), 0o600)
	big := filepath.Join(dir, "big.bin")
	data := make([]byte, 20<<20+123) // above awscli's 8 MiB multipart threshold
	rand.Read(data)
	os.WriteFile(big, data, 0o600)
	ep := []string{"--endpoint-url", e.URL}
	steps := [][]string{
		{"s3", "cp", small, "s3://team/runs/small.csv"},
		{"s3", "cp", big, "s3://team/runs/big.bin"},
	}
	for _, s := range steps {
		if out, err := run(t, env, aws, append(ep, s...)...); err != nil {
			t.Fatalf("aws %s: %v\n%s", strings.Join(s, " "), err, out)
		}
	}
	out, err := run(t, env, aws, append(ep, "s3", "ls", "s3://team/runs/")...)
	if err != nil || !strings.Contains(out, "small.csv") || !strings.Contains(out, "big.bin") || !strings.Contains(out, "20971643") {
		t.Fatalf("aws s3 ls: %v\n%s", err, out)
	}
	out, err = run(t, env, aws, append(ep, "s3", "ls")...)
	if err != nil || !strings.Contains(out, "team") {
		t.Fatalf("aws s3 ls (buckets): %v\n%s", err, out)
	}
	got := filepath.Join(dir, "got.bin")
	if out, err := run(t, env, aws, append(ep, "s3", "cp", "s3://team/runs/big.bin", got)...); err != nil {
		t.Fatalf("aws s3 cp down: %v\n%s", err, out)
	}
	if b, _ := os.ReadFile(got); !bytes.Equal(b, data) {
		t.Fatal("downloaded big.bin differs")
	}
	// Deleting is for admins (starter policy admin-role), not the owner.
	if out, err := run(t, env, aws, append(ep, "s3", "rm", "s3://team/runs/small.csv")...); err == nil || !strings.Contains(out, "AccessDenied") {
		t.Fatalf("aws s3 rm by alice: %v\n%s; want AccessDenied", err, out)
	}
	aid, asecret := key(t, e.Vault, "admin", "research")
	if out, err := run(t, awsEnv(t, e, aid, asecret), aws, append(ep, "s3", "rm", "s3://team/runs/small.csv")...); err != nil {
		t.Fatalf("aws s3 rm by admin: %v\n%s", err, out)
	}
	out, _ = run(t, env, aws, append(ep, "s3", "ls", "s3://team/runs/")...)
	if strings.Contains(out, "small.csv") || !strings.Contains(out, "big.bin") {
		t.Errorf("after rm, ls shows:\n%s", out)
	}
	// The vault kept the shredded version's record.
	vs, err := e.Vault.Versions(context.Background(), "team/runs/small.csv")
	if err != nil || len(vs) != 1 || vs[0].Shredded.IsZero() {
		t.Errorf("small.csv after rm: %+v, %v; want one shredded version", vs, err)
	}

	// A key without the purpose: 403 AccessDenied and no data.
	did, dsecret := key(t, e.Vault, "bob")
	denv := awsEnv(t, e, did, dsecret)
	denied := filepath.Join(dir, "denied.bin")
	out, err = run(t, denv, aws, append(ep, "s3", "cp", "s3://team/runs/big.bin", denied)...)
	if err == nil || !strings.Contains(out, "403") {
		t.Errorf("denied download: %v\n%s", err, out)
	}
	if b, _ := os.ReadFile(denied); len(b) > 0 {
		t.Errorf("denied download wrote %d bytes", len(b))
	}
	out, err = run(t, denv, aws, append(ep, "s3api", "get-object", "--bucket", "team", "--key", "runs/big.bin", denied)...)
	if err == nil || !strings.Contains(out, "AccessDenied") {
		t.Errorf("denied get-object: %v\n%s", err, out)
	}
	if b, _ := os.ReadFile(denied); len(b) > 0 {
		t.Errorf("denied get-object wrote %d bytes", len(b))
	}
	// A wrong secret: refused.
	out, err = run(t, awsEnv(t, e, id, strings.Repeat("A", 40)), aws, append(ep, "s3", "ls", "s3://team/")...)
	if err == nil || !strings.Contains(out, "SignatureDoesNotMatch") {
		t.Errorf("wrong secret: %v\n%s", err, out)
	}
}

func TestBoto3(t *testing.T) {
	py := tool(t, "python3")
	if out, err := exec.Command(py, "-c", "import boto3").CombinedOutput(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3-boto3 missing: %s", out)
		}
		t.Skipf("python3-boto3 missing: %s", out)
	}
	e := startS3(t)
	id, secret := key(t, e.Vault, "alice", "model-training")
	file := filepath.Join(t.TempDir(), "train.bin")
	data := make([]byte, 12<<20+5)
	rand.Read(data)
	os.WriteFile(file, data, 0o600)
	script, _ := filepath.Abs("testdata/boto3_roundtrip.py")
	out, err := run(t, awsEnv(t, e, id, secret), py, script, e.URL, "mlsets", "sets/train.bin", file)
	if err != nil {
		t.Fatalf("boto3 script: %v\n%s", err, out)
	}
	for _, want := range []string{"put ok", "upload_file ok", "list ok", "get ok", "range ok", "head ok", "presigned ok"} {
		if !strings.Contains(out, want) {
			t.Errorf("boto3 script did not print %q:\n%s", want, out)
		}
	}
}
