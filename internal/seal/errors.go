package seal

import (
	"errors"
	"fmt"
)

// ErrIntegrity matches (with errors.Is) every error that says a sealed
// object is not what was written: a header or chunk that fails
// authentication, a malformed header, an object sealed for another Context,
// a truncation or trailing data. I/O errors from the underlying reader or
// writer never match it.
var ErrIntegrity = errors.New("seal: integrity check failed")

// Error is an integrity failure. It says where the object failed but never
// why a chunk failed to authenticate: a changed byte, a changed tag and a
// wrong key all read the same, so the error is no oracle. It never holds key
// or plaintext bytes.
type Error struct {
	// Chunk is the index of the chunk that failed, or -1 when the failure
	// is in the header or in the object's size.
	Chunk int64
	// Reason says what failed, in words, without the "seal: " prefix.
	Reason string

	kind failure // for tests and the vectors' expect field
}

func (e *Error) Error() string { return "seal: " + e.Reason }

// Is makes every *Error match ErrIntegrity.
func (e *Error) Is(target error) bool { return target == ErrIntegrity }

// failure is the class of an integrity failure; its names are the values of
// the expect field in testdata/vectors.json.
type failure int

const (
	headerFailure failure = iota + 1
	wrongContext
	chunkFailure
	truncated
	trailingData
)

func (f failure) String() string {
	switch f {
	case headerFailure:
		return "header failure"
	case wrongContext:
		return "wrong context"
	case chunkFailure:
		return "chunk failure"
	case truncated:
		return "truncated"
	case trailingData:
		return "trailing data"
	}
	return "unknown"
}

func errHeader(format string, args ...any) *Error {
	return &Error{Chunk: -1, Reason: fmt.Sprintf(format, args...), kind: headerFailure}
}

// errHeaderMAC and errContext return fresh values: an *Error's fields are
// exported, and a shared one could be changed by any caller.
func errHeaderMAC() *Error {
	return &Error{Chunk: -1, Reason: "header failed authentication (wrong key or tampered header)", kind: headerFailure}
}

func errContext() *Error {
	return &Error{Chunk: -1, Reason: "object was sealed for a different context", kind: wrongContext}
}

func errChunk(i int64) *Error {
	return &Error{Chunk: i, Reason: fmt.Sprintf("chunk %d failed authentication", i), kind: chunkFailure}
}

// errTruncatedAfter reports that chunk i authenticated as a chunk that is
// not the last, yet nothing follows it.
func errTruncatedAfter(i int64) *Error {
	return &Error{Chunk: i, Reason: fmt.Sprintf("truncated after chunk %d", i), kind: truncated}
}

// errTruncatedIn reports that only n < 16 bytes, fewer than a GCM tag,
// remain for chunk i. Even an empty object has one chunk (its tag), so n == 0
// happens only right after the header.
func errTruncatedIn(i int64, n int) *Error {
	if n == 0 {
		return &Error{Chunk: i, Reason: "truncated after header", kind: truncated}
	}
	return &Error{Chunk: i, Reason: fmt.Sprintf("truncated inside chunk %d", i), kind: truncated}
}

// errTrailing reports that chunk i authenticated as the last chunk, yet
// more bytes follow it.
func errTrailing(i int64) *Error {
	return &Error{Chunk: i, Reason: fmt.Sprintf("trailing data after last chunk %d", i), kind: trailingData}
}
