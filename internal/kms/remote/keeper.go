package remote

import (
	"context"
	"errors"
	"net/url"
	"os"

	"github.com/hashicorp/vault/api"
	"gocloud.dev/secrets"
	"gocloud.dev/secrets/hashivault"
)

// openKeeper opens the gocloud keeper for u. Every scheme but hashivault
// goes through secrets.OpenKeeper. hashivault's default opener reads its
// environment once per process and builds a Vault client with no request
// timeout, and the driver does not pass the caller's context on, so a Vault
// that never answers would block Wrap and Unwrap for ever; here the client
// is built from the Vault API's own defaults and environment (VAULT_ADDR,
// VAULT_TOKEN, VAULT_NAMESPACE, VAULT_CACERT, VAULT_CLIENT_TIMEOUT: 60
// seconds unless set, ...), at every Open, honouring gocloud's
// VAULT_SERVER_URL and VAULT_SERVER_TOKEN too.
func openKeeper(ctx context.Context, u *kmsURL) (*secrets.Keeper, error) {
	if u.scheme != "hashivault" {
		return secrets.OpenKeeper(ctx, u.raw)
	}
	addr, token := os.Getenv("VAULT_SERVER_URL"), os.Getenv("VAULT_SERVER_TOKEN")
	if addr == "" && os.Getenv(api.EnvVaultAddress) == "" {
		return nil, errors.New("set VAULT_ADDR (or VAULT_SERVER_URL) to the Vault server's address")
	}
	cfg := api.DefaultConfig()
	if cfg.Error != nil {
		return nil, cfg.Error
	}
	if addr != "" {
		cfg.Address = addr
	}
	client, err := api.NewClient(cfg)
	if err != nil {
		return nil, err
	}
	if token != "" {
		client.SetToken(token)
	}
	parsed, err := url.Parse(u.raw)
	if err != nil {
		return nil, err
	}
	return (&hashivault.URLOpener{Client: client}).OpenKeeperURL(ctx, parsed)
}
