// Package fault is coffer's one error taxonomy: every error that reaches a
// user carries a Kind, and the Kind alone decides the CLI exit code and the
// HTTP status.
//
// # Security
//
// Messages built here are shown to users and written to logs. Callers must
// never put secrets or raw data values into them; name datasets, versions,
// files and keys, not their contents.
package fault

import (
	"errors"
	"fmt"
	"net/http"
)

// Kind classifies an error. The list is append-only.
type Kind int

const (
	Other       Kind = iota // I/O, backend unavailable, bad input file: exit 1, HTTP 500
	Invalid                 // usage error or invalid argument: exit 2, HTTP 400
	Denied                  // denied by policy: exit 3, HTTP 403
	Integrity               // tampered, truncated or mismatched data: exit 4, HTTP 409
	NotFound                // dataset, version, key, principal: exit 5, HTTP 404
	Shredded                // data key destroyed on purpose: exit 6, HTTP 410
	Quarantined             // stored, but held back by failed quality checks: exit 7, HTTP 422
)

var table = map[Kind]struct {
	name   string
	exit   int
	status int
}{
	Other:       {"error", 1, http.StatusInternalServerError},
	Invalid:     {"invalid", 2, http.StatusBadRequest},
	Denied:      {"denied", 3, http.StatusForbidden},
	Integrity:   {"integrity", 4, http.StatusConflict},
	NotFound:    {"not found", 5, http.StatusNotFound},
	Shredded:    {"shredded", 6, http.StatusGone},
	Quarantined: {"quarantined", 7, http.StatusUnprocessableEntity},
}

func (k Kind) String() string { return table[k].name }

// ExitCode is the documented process exit code for k.
func (k Kind) ExitCode() int { return table[k].exit }

// HTTPStatus is the HTTP status for k.
func (k Kind) HTTPStatus() int { return table[k].status }

// Error is an error with a Kind and an optional hint that tells the user
// what to do.
type Error struct {
	Kind Kind
	Msg  string // what failed, in words
	Hint string // what to do, may be empty
	Err  error  // underlying cause, may be nil
}

func (e *Error) Error() string {
	s := e.Msg
	if e.Err != nil {
		if s == "" {
			s = e.Err.Error()
		} else {
			s += ": " + e.Err.Error()
		}
	}
	if e.Hint != "" {
		s += "; " + e.Hint
	}
	return s
}

func (e *Error) Unwrap() error { return e.Err }

// E builds an Error of kind k with a formatted message.
func E(k Kind, format string, args ...any) *Error {
	return &Error{Kind: k, Msg: fmt.Sprintf(format, args...)}
}

// Wrap returns an Error of kind k whose message is msg followed by err.
func Wrap(k Kind, err error, format string, args ...any) *Error {
	return &Error{Kind: k, Msg: fmt.Sprintf(format, args...), Err: err}
}

// WithHint returns a copy of e with the hint set.
func (e *Error) WithHint(format string, args ...any) *Error {
	c := *e
	c.Hint = fmt.Sprintf(format, args...)
	return &c
}

// KindOf reports the Kind of the outermost *Error in err's chain, or Other.
func KindOf(err error) Kind {
	var fe *Error
	if errors.As(err, &fe) {
		return fe.Kind
	}
	return Other
}

// Is reports whether err has kind k.
func Is(err error, k Kind) bool { return err != nil && KindOf(err) == k }
