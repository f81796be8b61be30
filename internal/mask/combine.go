package mask

import "math"

// Combine returns an action that reveals no more than a and no more than
// b: its output is a function of a's output and of b's (see the package
// doc). It is commutative and associative, and Keep is its identity.
func Combine(a, b Action) Action {
	if a.Kind == Keep {
		return b
	}
	if b.Kind == Keep {
		return a
	}
	if a.Kind < b.Kind {
		a, b = b, a
	}
	// a.Kind >= b.Kind from here.
	switch {
	case a.Kind >= Redact:
		return Action{Kind: a.Kind}
	case a.Kind == Hash && b.Kind == Hash:
		return a
	case a.Kind == Hash:
		return Action{Kind: Redact} // hash and a generalization: incomparable
	}
	return generalize(a, b)
}

// generalize combines two of partial, round and bin, with a.Kind >= b.Kind.
func generalize(a, b Action) Action {
	switch {
	case a.Kind == Partial: // both partial
		return Action{Kind: Partial, N: min(a.N, b.N)}
	case b.Kind == Partial: // partial with round or bin
		return Action{Kind: Redact}
	case a.Kind == Round: // both round
		step, ok := lcm(a.N, b.N)
		if !ok {
			return Action{Kind: Redact}
		}
		return Action{Kind: Round, N: step}
	case b.Kind == Round: // bin and round
		return binOrRedact(multiplesOf(a.Edges, b.N))
	}
	return binOrRedact(shared(a.Edges, b.Edges))
}

func binOrRedact(edges []float64) Action {
	if len(edges) == 0 {
		return Action{Kind: Redact}
	}
	return Action{Kind: Bin, Edges: edges}
}

// maxStep bounds a combined round step; past it the step hides as much as
// redact does while risking overflow.
const maxStep = 1e15

func lcm(a, b int64) (int64, bool) {
	x, y := a, b
	for y != 0 {
		x, y = y, x%y
	}
	q := a / x
	if q > maxStep/b {
		return 0, false
	}
	return q * b, true
}

func shared(a, b []float64) []float64 {
	var out []float64
	i, j := 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			out = append(out, a[i])
			i, j = i+1, j+1
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return out
}

// multiplesOf keeps the edges on which a floor to a multiple of step
// cannot straddle: the multiples of step.
func multiplesOf(edges []float64, step int64) []float64 {
	var out []float64
	s := float64(step)
	for _, e := range edges {
		if math.Mod(e, s) == 0 {
			out = append(out, e)
		}
	}
	return out
}
