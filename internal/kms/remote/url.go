package remote

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
)

var schemes = []string{"base64key", "hashivault", "awskms", "gcpkms", "azurekeyvault"}

// Schemes returns the URL schemes of the external KMSes that Open and
// Create accept.
func Schemes() []string { return slices.Clone(schemes) }

// kmsURL is a validated KMS URL with what must never be shown of it.
type kmsURL struct {
	raw      string
	scheme   string
	redacted string   // scheme and host only: safe for errors and logs
	forms    []string // the URL as a driver may print it, longest first
	secrets  []string // parts that may hold secrets, longest first
}

// Format prints the redacted URL whatever the verb, so that printing a
// kmsURL, or a struct holding one, never shows raw.
func (k kmsURL) Format(f fmt.State, verb rune) { io.WriteString(f, k.redacted) }

// parseURL validates raw. Its errors never quote raw: net/url's would.
func parseURL(raw string) (*kmsURL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("kms: the external KMS URL cannot be parsed as a URL")
	}
	if !slices.Contains(schemes, u.Scheme) {
		// Not quoted: a URL mistyped without "://" may have a secret
		// where the scheme is looked for.
		return nil, fmt.Errorf("kms: the external KMS URL must start with one of %s://",
			strings.Join(schemes, "://, "))
	}
	k := &kmsURL{raw: raw, scheme: u.Scheme, redacted: redact(u)}
	switch {
	case u.Opaque != "":
		return nil, fmt.Errorf("kms: external KMS URL %s must be of the form %s://KEY", k.redacted, u.Scheme)
	case u.Fragment != "":
		return nil, fmt.Errorf("kms: external KMS URL %s must not have a fragment (#...)", k.redacted)
	case u.User != nil:
		return nil, fmt.Errorf("kms: external KMS URL %s must not hold user information; credentials come from the environment", k.redacted)
	case u.Scheme == "base64key" && u.Host == "":
		// localsecrets would make a new random key, different at every
		// start: everything wrapped would be lost with the process.
		return nil, errors.New("kms: base64key:// needs a key: base64key://KEY, 32 bytes in URL-safe base64")
	case u.Host == "" && strings.Trim(u.Path, "/") == "":
		return nil, fmt.Errorf("kms: external KMS URL %s names no key", k.redacted)
	}
	k.forms = longestFirst([]string{raw, u.String(), u.Redacted()})
	k.secrets = longestFirst(secretParts(u))
	return k, nil
}

// redact keeps the scheme and the host; base64key's host is the key.
func redact(u *url.URL) string {
	host := u.Host
	if u.Scheme == "base64key" && host != "" {
		host = "REDACTED"
	}
	s := u.Scheme + "://" + host
	if u.Path != "" || u.RawQuery != "" || u.Fragment != "" {
		s += "/..."
	}
	return s
}

// secretParts lists the parts of a URL that may hold secrets: base64key's
// key, query values (in the forms a driver might print them) and a
// fragment. User information is refused before this.
func secretParts(u *url.URL) []string {
	parts := []string{u.RawQuery, u.RawFragment, u.Fragment}
	if u.Scheme == "base64key" {
		parts = append(parts, u.Host)
	}
	for _, vs := range u.Query() {
		for _, v := range vs {
			parts = append(parts, v, url.QueryEscape(v), url.PathEscape(v))
		}
	}
	return parts
}

// longestFirst drops duplicates and strings too short to be secrets (and
// to replace without garbling a message), and sorts the rest longest
// first, so that a part is replaced before any part inside it.
func longestFirst(parts []string) []string {
	var out []string
	for _, p := range parts {
		if len(p) >= 4 && !slices.Contains(out, p) {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b string) int { return len(b) - len(a) })
	return out
}

// scrub replaces the URL, and every part of it that may hold a secret, in
// s, and folds s onto one line (Vault's errors span several).
func (k *kmsURL) scrub(s string) string {
	for _, f := range k.forms {
		s = strings.ReplaceAll(s, f, k.redacted)
	}
	for _, p := range k.secrets {
		s = strings.ReplaceAll(s, p, "REDACTED")
	}
	return strings.Join(strings.Fields(s), " ")
}
