package vault

// As returns a view of the vault that acts for principal: its puts name
// principal as creator (and default owner) and its audit records name
// principal as actor. It shares v's backends; close only v. A server uses
// it per request, after authentication, so the audit log names who asked.
func (v *Vault) As(principal string) *Vault {
	c := *v
	c.actor = principal
	return &c
}
