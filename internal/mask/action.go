package mask

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/coffer-vault/coffer/internal/tabular"
)

// Kind is one column action. The order of the constants is the order of
// restriction used by Combine: a higher Kind reveals less, except that
// Partial, Round and Bin are incomparable generalizations.
type Kind uint8

const (
	Keep    Kind = iota // the cell as stored
	Partial             // partial(N): the last N characters (at most half), "***" before them
	Round               // round(N): down to a multiple of N (floor), N a positive integer
	Bin                 // bin(e1, e2, ...): the interval of ascending edges the number falls in
	Hash                // hash: HMAC-SHA256 under the vault key, hex
	Redact              // redact: the constant Redacted
	Null                // null: no value (an empty field in CSV)
	Drop                // drop: the column is not written at all
)

// Redacted is the text a redacted cell becomes.
const Redacted = "REDACTED"

// MaxEdges bounds the edges of one bin action.
const MaxEdges = 1000

var kindNames = [...]string{"keep", "partial", "round", "bin", "hash", "redact", "null", "drop"}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "kind(" + strconv.Itoa(int(k)) + ")"
}

// Action is a column action with its parameters. The zero Action is Keep.
type Action struct {
	Kind  Kind
	N     int64     // Partial: characters kept; Round: the step
	Edges []float64 // Bin: strictly ascending, finite
}

// String returns the action in the syntax Parse reads.
func (a Action) String() string {
	switch a.Kind {
	case Partial, Round:
		return a.Kind.String() + "(" + strconv.FormatInt(a.N, 10) + ")"
	case Bin:
		parts := make([]string, len(a.Edges))
		for i, e := range a.Edges {
			parts[i] = formatNum(e)
		}
		return "bin(" + strings.Join(parts, ", ") + ")"
	}
	return a.Kind.String()
}

// Equal reports whether a and b are the same action.
func (a Action) Equal(b Action) bool {
	return a.Kind == b.Kind && a.N == b.N && slices.Equal(a.Edges, b.Edges)
}

// Parse reads an action: drop, null, redact, hash, partial(N), round(N)
// or bin(e1, e2, ...) (brackets around the edges are allowed:
// bin([0, 18, 65])). Errors say what is accepted.
func Parse(s string) (Action, error) {
	s = strings.TrimSpace(s)
	name, args, hasArgs := strings.Cut(s, "(")
	name = strings.TrimSpace(name)
	if hasArgs {
		var ok bool
		if args, ok = strings.CutSuffix(strings.TrimSpace(args), ")"); !ok {
			return Action{}, fmt.Errorf("action %q: missing closing parenthesis (in a YAML [...] or {...}, quote an action with commas: \"bin(0, 18)\")", s)
		}
	}
	var k Kind
	switch name {
	case "drop":
		k = Drop
	case "null":
		k = Null
	case "redact":
		k = Redact
	case "hash":
		k = Hash
	case "partial":
		k = Partial
	case "round":
		k = Round
	case "bin":
		k = Bin
	default:
		return Action{}, fmt.Errorf("unknown action %q: use drop, null, redact, hash, partial(N), round(N) or bin(edges)", s)
	}
	switch k {
	case Partial, Round:
		if !hasArgs {
			return Action{}, fmt.Errorf("action %q needs a parameter: %s(N)", s, name)
		}
		n, err := strconv.ParseInt(strings.TrimSpace(args), 10, 64)
		if err != nil || n < 1 || n > 1e15 {
			return Action{}, fmt.Errorf("action %q: N must be an integer from 1 to 1e15", s)
		}
		return Action{Kind: k, N: n}, nil
	case Bin:
		if !hasArgs {
			return Action{}, fmt.Errorf("action %q needs edges: bin(0, 18, 30, 50, 65)", s)
		}
		edges, err := parseEdges(args)
		if err != nil {
			return Action{}, fmt.Errorf("action %q: %v", s, err)
		}
		return Action{Kind: Bin, Edges: edges}, nil
	}
	if hasArgs {
		return Action{}, fmt.Errorf("action %q takes no parameter", s)
	}
	return Action{Kind: k}, nil
}

func parseEdges(args string) ([]float64, error) {
	args = strings.TrimSpace(args)
	if b, ok := strings.CutPrefix(args, "["); ok {
		if args, ok = strings.CutSuffix(b, "]"); !ok {
			return nil, fmt.Errorf("missing closing bracket")
		}
	}
	fields := strings.Split(args, ",")
	if len(fields) > MaxEdges {
		return nil, fmt.Errorf("more than %d edges", MaxEdges)
	}
	edges := make([]float64, 0, len(fields))
	for _, f := range fields {
		e, err := strconv.ParseFloat(strings.TrimSpace(f), 64)
		if err != nil || math.IsInf(e, 0) || math.IsNaN(e) {
			return nil, fmt.Errorf("edges must be finite numbers separated by commas")
		}
		if n := len(edges); n > 0 && e <= edges[n-1] {
			return nil, fmt.Errorf("edges must be strictly ascending")
		}
		edges = append(edges, e)
	}
	return edges, nil
}

// OutKind is the kind of the cells a column of kind in holds after a:
// round keeps Int and Float, null is Null, and every other action except
// keep makes text.
func (a Action) OutKind(in tabular.Kind) tabular.Kind {
	switch a.Kind {
	case Keep:
		return in
	case Null:
		return tabular.Null
	case Round:
		if in == tabular.Int || in == tabular.Float {
			return in
		}
	}
	return tabular.String
}

func formatNum(f float64) string { return strconv.FormatFloat(f, 'g', -1, 64) }
