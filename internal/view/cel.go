package view

import (
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"sync"
	"unsafe"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/google/cel-go/interpreter"

	"github.com/coffer-vault/coffer/internal/tabular"
)

// envKind selects the variables an expression may use.
type envKind int

const (
	whenEnv envKind = iota // principal, purpose, dataset
	rowsEnv                // and row
)

var principalFields = map[string]bool{"id": true, "role": true, "department": true, "clearance": true, "groups": true}
var datasetFields = map[string]bool{"name": true, "classification": true, "tags": true}

var envs = sync.OnceValues(func() ([2]*cel.Env, error) {
	common := []cel.EnvOption{
		cel.Variable("principal", cel.MapType(cel.StringType, cel.DynType)),
		cel.Variable("purpose", cel.StringType),
		cel.Variable("dataset", cel.MapType(cel.StringType, cel.DynType)),
		cel.CrossTypeNumericComparisons(true),
		cel.OptionalTypes(),
	}
	w, err := cel.NewEnv(common...)
	if err != nil {
		return [2]*cel.Env{}, err
	}
	r, err := w.Extend(cel.Variable("row", cel.MapType(cel.StringType, cel.DynType)))
	return [2]*cel.Env{w, r}, err
})

// program is a compiled, checked CEL expression.
type program struct {
	src string
	prg cel.Program
	eq  *eqShape // non-nil: a filter the fast path evaluates
}

// compile checks src in env: it must compile, name only known fields of
// principal and dataset, and be a bool.
func compile(env envKind, src string) (*program, error) {
	e, err := envs()
	if err != nil {
		return nil, err
	}
	checked, iss := e[env].Compile(src)
	if iss != nil && iss.Err() != nil {
		first := iss.Errors()[0]
		loc := first.Location
		return nil, fmt.Errorf("line %d, column %d of the expression: %s", loc.Line(), loc.Column()+1, first.Message)
	}
	if !checked.OutputType().IsExactType(cel.BoolType) {
		return nil, fmt.Errorf("is a %s, not a bool", checked.OutputType())
	}
	if err := checkFields(checked); err != nil {
		return nil, err
	}
	prg, err := e[env].Program(checked, cel.EvalOptions(cel.OptOptimize))
	if err != nil {
		return nil, err
	}
	return &program{src: src, prg: prg, eq: eqShapeOf(checked)}, nil
}

// checkFields refuses principal.x and dataset.x for an unknown x: a typo
// would otherwise only fail at evaluation time.
func checkFields(a *cel.Ast) error {
	var bad error
	ast.PostOrderVisit(a.NativeRep().Expr(), ast.NewExprVisitor(func(e ast.Expr) {
		if bad != nil || e.Kind() != ast.SelectKind {
			return
		}
		sel := e.AsSelect()
		if sel.Operand().Kind() != ast.IdentKind {
			return
		}
		f := sel.FieldName()
		switch sel.Operand().AsIdent() {
		case "principal":
			if !principalFields[f] {
				bad = fmt.Errorf("principal has no field %q (it has id, role, department, clearance, groups)", f)
			}
		case "dataset":
			if !datasetFields[f] {
				bad = fmt.Errorf("dataset has no field %q (it has name, classification, tags)", f)
			}
		}
	}))
	return bad
}

// eval runs p and reports whether it returned true. An error or a
// non-bool result is false with failed set: callers fail closed.
func (p *program) eval(act interpreter.Activation) (ok, failed bool) {
	out, _, err := p.prg.Eval(act)
	if err != nil {
		return false, true
	}
	b, isBool := out.(types.Bool)
	if !isBool {
		return false, true
	}
	return bool(b), false
}

// activation resolves the variables of an expression without building a
// map per row: principal, purpose and dataset are converted once per
// plan, row reads the current row's cells when a filter asks for them.
type activation struct {
	principal, purpose, dataset ref.Val
	row                         *rowVal
}

func (a *activation) ResolveName(name string) (any, bool) {
	switch name {
	case "principal":
		return a.principal, true
	case "purpose":
		return a.purpose, true
	case "dataset":
		return a.dataset, true
	case "row":
		if a.row != nil {
			return a.row, true
		}
	}
	return nil, false
}

func (a *activation) Parent() interpreter.Activation { return nil }

func newActivation(sub Subject, purpose string, ds Dataset) activation {
	adapter := types.DefaultTypeAdapter
	groups := make([]string, len(sub.Groups))
	copy(groups, sub.Groups)
	tags := map[string]string{}
	for k, v := range ds.Tags {
		tags[k] = v
	}
	return activation{
		principal: types.NewRefValMap(adapter, map[ref.Val]ref.Val{
			types.String("id"):         types.String(sub.ID),
			types.String("role"):       types.String(sub.Role),
			types.String("department"): types.String(sub.Department),
			types.String("clearance"):  types.Int(sub.Clearance),
			types.String("groups"):     types.NewStringList(adapter, groups),
		}),
		purpose: types.String(purpose),
		dataset: types.NewRefValMap(adapter, map[ref.Val]ref.Val{
			types.String("name"):           types.String(ds.Name),
			types.String("classification"): types.String(ds.Classification),
			types.String("tags"):           types.NewStringStringMap(adapter, tags),
		}),
	}
}

// rowVal is the current row as a CEL map from column name to cell. A
// name that is not a column, or a cell the row does not have, is null.
type rowVal struct {
	index map[string]int
	names []string
	row   tabular.Row
	sniff []bool // per column: text that reads as a number is a number
}

var errRowConvert = errors.New("row cannot be converted")

func (r *rowVal) setColumns(cols []tabular.Column, format string) {
	text := format == tabular.CSV || format == tabular.TSV
	for i := len(r.names); i < len(cols); i++ {
		r.index[cols[i].Name] = i
		r.names = append(r.names, cols[i].Name)
		r.sniff = append(r.sniff, text || isDecimal(cols[i].Logical))
	}
}

func isDecimal(logical string) bool {
	return len(logical) >= 7 && logical[:7] == "decimal"
}

func (r *rowVal) cell(i int) ref.Val {
	if i >= len(r.row) {
		return types.NullValue
	}
	v := r.row[i]
	switch v.Kind() {
	case tabular.String:
		if r.sniff[i] {
			if n, ok := number(v.Bytes()); ok {
				return n
			}
		}
		return types.String(v.Bytes())
	case tabular.Int:
		return types.Int(v.Int())
	case tabular.Float:
		return types.Double(v.Float())
	case tabular.Bool:
		return types.Bool(v.Bool())
	case tabular.JSON:
		return types.String(v.Bytes())
	}
	return types.NullValue
}

// number reads text in JSON number syntax (no leading zeros, so "007"
// and zip codes stay text) as an int or a double.
func number(b []byte) (ref.Val, bool) {
	p := 0
	if p < len(b) && b[p] == '-' {
		p++
	}
	digits := p
	for p < len(b) && b[p] >= '0' && b[p] <= '9' {
		p++
	}
	if p == digits || (b[digits] == '0' && p-digits > 1) {
		return nil, false
	}
	integer := p == len(b)
	if p < len(b) && b[p] == '.' {
		p++
		frac := p
		for p < len(b) && b[p] >= '0' && b[p] <= '9' {
			p++
		}
		if p == frac {
			return nil, false
		}
	}
	if p < len(b) && (b[p] == 'e' || b[p] == 'E') {
		p++
		if p < len(b) && (b[p] == '+' || b[p] == '-') {
			p++
		}
		exp := p
		for p < len(b) && b[p] >= '0' && b[p] <= '9' {
			p++
		}
		if p == exp {
			return nil, false
		}
	}
	if p != len(b) {
		return nil, false
	}
	s := unsafeString(b)
	if integer {
		if i, err := strconv.ParseInt(s, 10, 64); err == nil {
			return types.Int(i), true
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return nil, false
	}
	return types.Double(f), true
}

// ref.Val and traits.Mapper.

func (r *rowVal) ConvertToNative(reflect.Type) (any, error) { return nil, errRowConvert }
func (r *rowVal) ConvertToType(t ref.Type) ref.Val {
	switch t {
	case types.MapType:
		return r
	case types.TypeType:
		return types.MapType
	}
	return types.NewErr("type conversion error from row to '%s'", t)
}
func (r *rowVal) Equal(other ref.Val) ref.Val { return types.Bool(other == ref.Val(r)) }
func (r *rowVal) Type() ref.Type              { return types.MapType }
func (r *rowVal) Value() any                  { return r }
func (r *rowVal) Size() ref.Val               { return types.Int(len(r.names)) }

func (r *rowVal) Contains(key ref.Val) ref.Val {
	v, _ := r.Find(key)
	return types.Bool(v != types.NullValue)
}

func (r *rowVal) Get(key ref.Val) ref.Val {
	v, _ := r.Find(key)
	return v
}

func (r *rowVal) Find(key ref.Val) (ref.Val, bool) {
	k, ok := key.(types.String)
	if !ok {
		return types.NullValue, true
	}
	i, ok := r.index[string(k)]
	if !ok {
		return types.NullValue, true
	}
	return r.cell(i), true
}

func (r *rowVal) Iterator() traits.Iterator {
	return types.NewStringList(types.DefaultTypeAdapter, r.names).Iterator()
}

func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }
