package authn

import "slices"

// Method is how a caller authenticated.
type Method string

// Authentication methods.
const (
	MTLS   Method = "mtls"   // client certificate
	APIKey Method = "apikey" // bearer API key
	SigV4  Method = "sigv4"  // S3 Signature Version 4 with an API key's secret
)

// Caller is an authenticated principal.
type Caller struct {
	Principal string   // principal id
	Method    Method   // how it authenticated
	KeyID     string   // the API key used, if any
	Purposes  []string // purposes the credential may declare; nil with Any for certificates
	Any       bool     // the credential restricts no purpose (client certificates)
}

// MayDeclare reports whether the credential allows reading for purpose.
func (c Caller) MayDeclare(purpose string) bool {
	if purpose == "" {
		return false
	}
	return c.Any || slices.Contains(c.Purposes, purpose)
}

// DefaultPurpose is the purpose assumed when a client cannot send one
// (plain S3 tools): the credential's only purpose, else none.
func (c Caller) DefaultPurpose() string {
	if len(c.Purposes) == 1 {
		return c.Purposes[0]
	}
	return ""
}
