package pki

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

// File names inside a PKI directory.
const (
	CACert     = "ca.pem"
	CAKey      = "ca-key.pem"
	ServerCert = "server.pem"
	ServerKey  = "server-key.pem"
	ClientsDir = "clients"
)

// URIScheme and URIHost form the URI SAN coffer://principal/ID.
const (
	URIScheme = "coffer"
	URIHost   = "principal"
)

// ErrExists is returned by Init for a directory that already holds a CA.
var ErrExists = errors.New("pki: a CA already exists there")

var idRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$`)

// CheckID validates a principal id for a certificate.
func CheckID(id string) error {
	if !idRE.MatchString(id) {
		return fmt.Errorf("pki: principal id %q is invalid: use letters, digits, '.', '_', '@', '-' (at most 128)", id)
	}
	return nil
}

// Options are the validity of issued certificates.
type Options struct {
	NotBefore time.Time     // zero: now minus 5 minutes (clock skew)
	Validity  time.Duration // zero: 397 days for leaves, 10 years for the CA
}

func (o Options) window(def time.Duration) (time.Time, time.Time) {
	nb := o.NotBefore
	if nb.IsZero() {
		nb = time.Now().Add(-5 * time.Minute)
	}
	v := o.Validity
	if v == 0 {
		v = def
	}
	return nb, nb.Add(v)
}

// CA is a certificate authority that can issue certificates.
type CA struct {
	Cert *x509.Certificate
	key  crypto.Signer
}

// NewCA creates a self-signed CA.
func NewCA(name string, o Options) (*CA, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	nb, na := o.window(10 * 365 * 24 * time.Hour)
	tmpl := &x509.Certificate{
		SerialNumber:          serial(),
		Subject:               pkix.Name{CommonName: name, Organization: []string{"coffer development"}},
		NotBefore:             nb,
		NotAfter:              na,
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &CA{Cert: cert, key: key}, nil
}

// Leaf is an issued certificate and its private key.
type Leaf struct {
	Cert *x509.Certificate
	Key  *ecdsa.PrivateKey
}

// Server issues a server certificate for hosts (DNS names or IP addresses).
func (ca *CA) Server(hosts []string, o Options) (*Leaf, error) {
	tmpl := &x509.Certificate{Subject: pkix.Name{CommonName: hosts[0]}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}}
	for _, h := range hosts {
		if ip := net.ParseIP(h); ip != nil {
			tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
		} else {
			tmpl.DNSNames = append(tmpl.DNSNames, h)
		}
	}
	return ca.issue(tmpl, o)
}

// Client issues a client certificate for principal id.
func (ca *CA) Client(id string, o Options) (*Leaf, error) {
	if err := CheckID(id); err != nil {
		return nil, err
	}
	tmpl := &x509.Certificate{
		Subject:     pkix.Name{CommonName: id, Organization: []string{"coffer principal"}},
		URIs:        []*url.URL{PrincipalURI(id)},
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	return ca.issue(tmpl, o)
}

// PrincipalURI is the URI SAN that names principal id.
func PrincipalURI(id string) *url.URL {
	return &url.URL{Scheme: URIScheme, Host: URIHost, Path: "/" + id}
}

func (ca *CA) issue(tmpl *x509.Certificate, o Options) (*Leaf, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	tmpl.SerialNumber = serial()
	tmpl.NotBefore, tmpl.NotAfter = o.window(397 * 24 * time.Hour)
	tmpl.KeyUsage = x509.KeyUsageDigitalSignature
	der, err := x509.CreateCertificate(rand.Reader, tmpl, ca.Cert, key.Public(), ca.key)
	if err != nil {
		return nil, err
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		return nil, err
	}
	return &Leaf{Cert: cert, Key: key}, nil
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return n
}

// PrincipalOf returns the principal a verified client certificate names:
// the id of its coffer://principal/ID URI SAN, else its common name.
func PrincipalOf(cert *x509.Certificate) (string, error) {
	for _, u := range cert.URIs {
		if u.Scheme == URIScheme && u.Host == URIHost {
			id := strings.TrimPrefix(u.Path, "/")
			if err := CheckID(id); err != nil {
				return "", err
			}
			return id, nil
		}
	}
	if err := CheckID(cert.Subject.CommonName); err != nil {
		return "", fmt.Errorf("pki: certificate names no principal: %w", err)
	}
	return cert.Subject.CommonName, nil
}

// PEM encodings.

// CertPEM encodes a certificate.
func CertPEM(c *x509.Certificate) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw})
}

// KeyPEM encodes a private key as PKCS #8.
func KeyPEM(k crypto.Signer) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// writeLeaf writes cert and key files into dir.
func writeLeaf(dir, certName, keyName string, l *Leaf) error {
	kp, err := KeyPEM(l.Key)
	if err != nil {
		return err
	}
	if err := writeFile(filepath.Join(dir, keyName), kp); err != nil {
		return err
	}
	return writeFile(filepath.Join(dir, certName), CertPEM(l.Cert))
}

// writeFile writes b to path with mode 0600 through a temporary file; it
// never replaces an existing file.
func writeFile(path string, b []byte) error {
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("pki: %s already exists", path)
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".pki-*")
	if err != nil {
		return err
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Link(f.Name(), path) // fails if path appeared meanwhile
}
