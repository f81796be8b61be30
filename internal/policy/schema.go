package policy

import (
	"embed"
	"io/fs"
	"sync"

	"github.com/cedar-policy/cedar-go/x/exp/schema"
	"github.com/cedar-policy/cedar-go/x/exp/schema/resolved"
	"github.com/cedar-policy/cedar-go/x/exp/schema/validate"
)

// SchemaFile is the name of the schema among the Starter files.
const SchemaFile = "coffer.cedarschema"

//go:embed starter
var starterFS embed.FS

var schemaText = mustRead("starter/" + SchemaFile)

func mustRead(name string) []byte {
	b, err := starterFS.ReadFile(name)
	if err != nil {
		panic(err) // embedded at build time; cannot happen
	}
	return b
}

func starterFiles() map[string][]byte {
	out := map[string][]byte{}
	entries, _ := fs.ReadDir(starterFS, "starter")
	for _, e := range entries {
		out[e.Name()] = mustRead("starter/" + e.Name())
	}
	return out
}

// resolvedSchema parses the shipped schema once. A failure is a bug in
// coffer (the schema is embedded), reported by every Load and Parse.
var resolvedSchema = sync.OnceValues(func() (*resolved.Schema, error) {
	var s schema.Schema
	s.SetFilename(SchemaFile)
	if err := s.UnmarshalCedar(schemaText); err != nil {
		return nil, err
	}
	return s.Resolve()
})

func validator() (*validate.Validator, error) {
	r, err := resolvedSchema()
	if err != nil {
		return nil, err
	}
	return validate.New(r, validate.WithStrict()), nil
}
