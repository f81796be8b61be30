//go:build !unix

package local

import (
	"context"
	"errors"
)

// lockDir fails: changing a keyring needs flock(2), which this platform
// lacks here. Opening, wrapping and unwrapping still work.
func lockDir(context.Context, string) (func(), error) {
	return nil, errors.New("kms: changing a keyring is not supported on this platform (no file locking)")
}
