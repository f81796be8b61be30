package catalog

import "fmt"

// notFound is a not-found error that names what was missing and matches
// ErrNotFound under errors.Is.
type notFound struct{ what string }

func (e *notFound) Error() string { return "catalog: " + e.what + ": not found" }
func (e *notFound) Unwrap() error { return ErrNotFound }

// DatasetNotFound returns the error for a dataset name that does not
// exist: `catalog: dataset "x": not found`.
func DatasetNotFound(name string) error {
	return &notFound{fmt.Sprintf("dataset %q", name)}
}

// VersionNotFound returns the error for a missing version number of a
// dataset: `catalog: dataset "x" version 3: not found`. Number 0 (latest)
// gives DatasetNotFound's message.
func VersionNotFound(name string, number int64) error {
	if number == 0 {
		return DatasetNotFound(name)
	}
	return &notFound{fmt.Sprintf("dataset %q version %d", name, number)}
}

// IDNotFound returns the error for a version id that does not exist.
func IDNotFound(id string) error {
	return &notFound{fmt.Sprintf("version id %q", id)}
}
