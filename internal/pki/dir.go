package pki

import (
	"crypto"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// DefaultHosts are the names the development server certificate covers;
// *.localhost serves S3 host-style requests (BUCKET.localhost).
var DefaultHosts = []string{"localhost", "*.localhost", "127.0.0.1", "::1"}

// Init creates dir (mode 0700) with a new CA, a server certificate for
// hosts (DefaultHosts if empty) and a client certificate for each of
// clients. A directory that already holds a CA is ErrExists.
func Init(dir string, hosts, clients []string, o Options) error {
	if len(hosts) == 0 {
		hosts = DefaultHosts
	}
	for _, id := range clients {
		if err := CheckID(id); err != nil {
			return err
		}
	}
	if _, err := os.Stat(filepath.Join(dir, CACert)); err == nil {
		return ErrExists
	}
	if err := os.MkdirAll(filepath.Join(dir, ClientsDir), 0o700); err != nil {
		return err
	}
	for _, d := range []string{dir, filepath.Join(dir, ClientsDir)} {
		if err := os.Chmod(d, 0o700); err != nil {
			return err
		}
	}
	ca, err := NewCA("coffer development CA", Options{})
	if err != nil {
		return err
	}
	srv, err := ca.Server(hosts, o)
	if err != nil {
		return err
	}
	if err := writeLeaf(dir, ServerCert, ServerKey, srv); err != nil {
		return err
	}
	for _, id := range clients {
		if _, err := IssueClient(dir, ca, id, o); err != nil {
			return err
		}
	}
	// The CA goes last: a half-written directory has no CA and Init can run again.
	ckey, err := KeyPEM(ca.key)
	if err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, CAKey), ckey); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, CACert), CertPEM(ca.Cert))
}

// IssueClient writes clients/ID.pem and clients/ID-key.pem in dir and
// returns the certificate's path.
func IssueClient(dir string, ca *CA, id string, o Options) (string, error) {
	l, err := ca.Client(id, o)
	if err != nil {
		return "", err
	}
	cdir := filepath.Join(dir, ClientsDir)
	if err := os.MkdirAll(cdir, 0o700); err != nil {
		return "", err
	}
	if err := writeLeaf(cdir, id+".pem", id+"-key.pem", l); err != nil {
		return "", err
	}
	return filepath.Join(cdir, id+".pem"), nil
}

// LoadCA reads the CA of dir.
func LoadCA(dir string) (*CA, error) {
	cb, err := os.ReadFile(filepath.Join(dir, CACert))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("pki: no CA in %s: run coffer pki init", dir)
	}
	if err != nil {
		return nil, err
	}
	kb, err := os.ReadFile(filepath.Join(dir, CAKey))
	if err != nil {
		return nil, err
	}
	cert, err := parseCert(cb)
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(kb)
	if blk == nil {
		return nil, fmt.Errorf("pki: %s holds no PEM key", CAKey)
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("pki: %s: %v", CAKey, err)
	}
	signer, ok := k.(crypto.Signer)
	if !ok {
		return nil, fmt.Errorf("pki: %s is not a signing key", CAKey)
	}
	return &CA{Cert: cert, key: signer}, nil
}

func parseCert(b []byte) (*x509.Certificate, error) {
	blk, _ := pem.Decode(b)
	if blk == nil || blk.Type != "CERTIFICATE" {
		return nil, errors.New("pki: no PEM certificate")
	}
	return x509.ParseCertificate(blk.Bytes)
}

// CertPool reads the PEM certificates of path into a new pool.
func CertPool(path string) (*x509.CertPool, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	p := x509.NewCertPool()
	if !p.AppendCertsFromPEM(b) {
		return nil, fmt.Errorf("pki: %s holds no PEM certificate", path)
	}
	return p, nil
}
