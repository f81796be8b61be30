package catalog

import (
	"fmt"
	"io/fs"
	"regexp"
	"strconv"
)

// A Migration is one versioned schema change, a file named
// NNNN_description.sql in a backend's embedded migrations directory.
type Migration struct {
	Version int
	Name    string // the file name
	SQL     string
}

var migrationName = regexp.MustCompile(`^([0-9]{4})_[a-z0-9_]+\.sql$`)

// Migrations reads the migrations in the root of fsys. Their versions must
// run 1, 2, 3, ... without gaps or repeats; they are returned in that order.
func Migrations(fsys fs.FS) ([]Migration, error) {
	names, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, fmt.Errorf("catalog: migrations: %v", err)
	}
	var ms []Migration
	for _, name := range names { // fs.Glob returns names sorted
		m := migrationName.FindStringSubmatch(name)
		if m == nil {
			return nil, fmt.Errorf("catalog: migration %s: name must be NNNN_description.sql", name)
		}
		v, _ := strconv.Atoi(m[1])
		if v != len(ms)+1 {
			return nil, fmt.Errorf("catalog: migration %s: version %d, want %d (no gaps or repeats)", name, v, len(ms)+1)
		}
		b, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("catalog: migration %s: %v", name, err)
		}
		ms = append(ms, Migration{Version: v, Name: name, SQL: string(b)})
	}
	if len(ms) == 0 {
		return nil, fmt.Errorf("catalog: no migrations found")
	}
	return ms, nil
}

// Pending returns the migrations after version current, the schema version
// a database records. A database newer than all migrations is an error: an
// older coffer must not write to a schema it does not know.
func Pending(ms []Migration, current int) ([]Migration, error) {
	if last := ms[len(ms)-1].Version; current > last {
		return nil, fmt.Errorf("catalog: database schema version %d is newer than this coffer's (%d); upgrade coffer", current, last)
	}
	return ms[current:], nil
}
