package vault

import (
	"encoding/hex"
	"errors"
	"strconv"

	"github.com/coffer-vault/coffer/internal/audit"
	"github.com/coffer-vault/coffer/internal/fault"
)

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

func hexOf(b []byte) string { return hex.EncodeToString(b) }

func asFault(err error, fe **fault.Error) bool { return errors.As(err, fe) }

func asBreak(err error, br **audit.Break) bool { return errors.As(err, br) }
