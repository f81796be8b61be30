package view

import (
	"bytes"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/operators"
	"github.com/google/cel-go/common/types"

	"github.com/coffer-vault/coffer/internal/tabular"
)

// The commonest row filter compares one column with a string that is
// fixed for the request: row.department == principal.department, or
// row.region == "EU". CEL spends most of its time per row resolving the
// two attributes; such a filter is instead compiled to a byte comparison
// with the same result (TestFastPathMatchesCEL checks it against CEL on
// every kind of cell).

// eqShape is a filter of the form row.C == X (either order), where X is a
// string literal, purpose, or principal.id, .role or .department.
type eqShape struct {
	column string
	lit    string // X when it is a literal
	ref    string // "purpose" or the principal field X names
}

// eqShapeOf recognizes the shape in a checked expression, or returns nil.
func eqShapeOf(a *cel.Ast) *eqShape {
	e := a.NativeRep().Expr()
	if e.Kind() != ast.CallKind || e.AsCall().FunctionName() != operators.Equals || len(e.AsCall().Args()) != 2 {
		return nil
	}
	l, r := e.AsCall().Args()[0], e.AsCall().Args()[1]
	col, ok := rowColumn(l)
	if !ok {
		l, r = r, l
		if col, ok = rowColumn(l); !ok {
			return nil
		}
	}
	switch r.Kind() {
	case ast.LiteralKind:
		if s, ok := r.AsLiteral().(types.String); ok {
			return &eqShape{column: col, lit: string(s)}
		}
	case ast.IdentKind:
		if r.AsIdent() == "purpose" {
			return &eqShape{column: col, ref: "purpose"}
		}
	case ast.SelectKind:
		sel := r.AsSelect()
		if sel.Operand().Kind() == ast.IdentKind && sel.Operand().AsIdent() == "principal" && !sel.IsTestOnly() {
			switch f := sel.FieldName(); f {
			case "id", "role", "department":
				return &eqShape{column: col, ref: f}
			}
		}
	}
	return nil
}

// rowColumn recognizes row.C and row["C"].
func rowColumn(e ast.Expr) (string, bool) {
	switch e.Kind() {
	case ast.SelectKind:
		sel := e.AsSelect()
		if !sel.IsTestOnly() && sel.Operand().Kind() == ast.IdentKind && sel.Operand().AsIdent() == "row" {
			return sel.FieldName(), true
		}
	case ast.CallKind:
		c := e.AsCall()
		if c.FunctionName() == operators.Index && len(c.Args()) == 2 &&
			c.Args()[0].Kind() == ast.IdentKind && c.Args()[0].AsIdent() == "row" && c.Args()[1].Kind() == ast.LiteralKind {
			if s, ok := c.Args()[1].AsLiteral().(types.String); ok {
				return string(s), true
			}
		}
	}
	return "", false
}

// bind resolves X for one request.
func (e *eqShape) bind(sub Subject, purpose string) *eqFilter {
	want := e.lit
	switch e.ref {
	case "purpose":
		want = purpose
	case "id":
		want = sub.ID
	case "role":
		want = sub.Role
	case "department":
		want = sub.Department
	}
	return &eqFilter{column: e.column, want: []byte(want)}
}

// eqFilter is a bound row.C == "want".
type eqFilter struct {
	column string
	want   []byte
}

// eval is CEL's answer for the row: a string cell (or JSON text, which
// the row map shows as a string) equal to want; null, numbers and bools
// are never equal to a string, and equality never fails.
func (f *eqFilter) eval(r *rowVal) bool {
	i, ok := r.index[f.column]
	if !ok || i >= len(r.row) {
		return false
	}
	v := r.row[i]
	switch v.Kind() {
	case tabular.String:
		if r.sniff[i] {
			if _, isNum := number(v.Bytes()); isNum {
				return false
			}
		}
		return bytes.Equal(v.Bytes(), f.want)
	case tabular.JSON:
		return bytes.Equal(v.Bytes(), f.want)
	}
	return false
}
