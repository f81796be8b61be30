package blob

import (
	"errors"
	"fmt"
)

// Limits on keys. They keep every key a valid relative path on any local
// filesystem (a segment fits NAME_MAX) and a valid S3 object key.
const (
	MaxKeyLen     = 1024 // bytes, whole key
	MaxSegmentLen = 255  // bytes, one segment
)

// ErrInvalidKey is returned (wrapped) for a key that CheckKey rejects.
var ErrInvalidKey = errors.New("blob: invalid key")

// ErrExist is returned (wrapped) by Put when the key already holds an object.
var ErrExist = errors.New("blob: object already exists")

// CheckKey reports whether key is a valid object key: one or more segments
// of [a-z0-9], joined by single slashes, at most MaxKeyLen bytes. Such a key
// has no empty, "." or ".." segment, no leading or trailing slash and no
// byte that any backend treats specially, so it can be used as a relative
// path without cleaning. The error names the key.
func CheckKey(key string) error {
	if reason := keyProblem(key); reason != "" {
		return &Error{Msg: fmt.Sprintf("blob: invalid key %s: %s", QuoteKey(key), reason), Err: ErrInvalidKey}
	}
	return nil
}

func keyProblem(key string) string {
	switch {
	case key == "":
		return "empty"
	case len(key) > MaxKeyLen:
		return fmt.Sprintf("%d bytes, longer than %d", len(key), MaxKeyLen)
	}
	seg := 0
	for i := 0; i < len(key); i++ {
		c := key[i]
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			seg++
			if seg > MaxSegmentLen {
				return fmt.Sprintf("a segment is longer than %d bytes", MaxSegmentLen)
			}
		case c == '/':
			if seg == 0 {
				return "empty segment"
			}
			seg = 0
		default:
			return fmt.Sprintf("byte %q at offset %d is not in [a-z0-9/]", c, i)
		}
	}
	if seg == 0 {
		return "empty segment"
	}
	return ""
}

// QuoteKey quotes a caller-supplied key for an error message, shortened so
// that a hostile key cannot flood logs.
func QuoteKey(key string) string {
	const max = 80
	if len(key) > max {
		return fmt.Sprintf("%q...", key[:max])
	}
	return fmt.Sprintf("%q", key)
}

// Error is an error with its own complete message that still matches a
// sentinel (ErrNotFound, ErrExist, ErrInvalidKey) with errors.Is, so the
// message need not repeat the sentinel's text.
type Error struct {
	Msg string
	Err error
}

func (e *Error) Error() string { return e.Msg }
func (e *Error) Unwrap() error { return e.Err }
