package view

import (
	_ "embed"
	"slices"
)

//go:embed starter.yaml
var starter []byte

// Starter returns the view file `coffer init` writes: commented examples
// and one active view, the marketing case of docs/views.md.
func Starter() []byte { return slices.Clone(starter) }
