package pii

import (
	"errors"
	"regexp/syntax"
	"slices"
	"strconv"
)

// A digitDFA is a deterministic automaton over the ten ASCII digits,
// compiled from up to 32 regular expressions at once (the phone number
// patterns of libphonenumber's metadata). Running it over a digit string
// costs one table lookup per digit and allocates nothing; the state it
// ends in says which of the expressions matched the whole string.
type digitDFA struct {
	next [][10]int32 // state 0 is the dead state
	acc  []uint32    // bit i: expression i matches the input read so far
}

const maxDFAStates = 1 << 15

var errDFATooBig = errors.New("pii: phone pattern automaton too large")

// run returns the accept bits of the state reached after the digits of s.
// s must hold only ASCII digits.
func (d *digitDFA) run(s []byte) uint32 {
	st := int32(1)
	for _, c := range s {
		st = d.next[st][c-'0']
		if st == 0 {
			return 0
		}
	}
	return d.acc[st]
}

// prefixes returns the accept bits of every prefix of s (the empty one
// included) or-ed together: bit i says expression i matches some prefix,
// as a regexp anchored only at the start would.
func (d *digitDFA) prefixes(s []byte) uint32 {
	st := int32(1)
	acc := d.acc[st]
	for _, c := range s {
		if st = d.next[st][c-'0']; st == 0 {
			break
		}
		acc |= d.acc[st]
	}
	return acc
}

// compileDigitDFA builds the automaton for patterns; pattern i sets accept
// bit i. An empty pattern never matches (as libphonenumber's "^(?:)$"
// matches only the empty string, which is never a number).
func compileDigitDFA(patterns []string) (*digitDFA, error) {
	if len(patterns) > 32 {
		return nil, errors.New("pii: too many patterns for one automaton")
	}
	progs := make([]*syntax.Prog, len(patterns))
	for i, p := range patterns {
		if p == "" {
			continue
		}
		re, err := syntax.Parse(p, syntax.Perl)
		if err != nil {
			return nil, err
		}
		if progs[i], err = syntax.Compile(re.Simplify()); err != nil {
			return nil, err
		}
	}
	b := &dfaBuilder{progs: progs, ids: map[string]int32{}}
	return b.build()
}

type nfaState struct{ prog, pc uint32 }

type dfaBuilder struct {
	progs []*syntax.Prog
	ids   map[string]int32
	sets  [][]nfaState // NFA state set of each DFA state
	mark  [][]uint32   // per program and pc: gen when last added
	gen   uint32
	d     digitDFA
}

func (b *dfaBuilder) build() (*digitDFA, error) {
	b.mark = make([][]uint32, len(b.progs))
	for i, p := range b.progs {
		if p != nil {
			b.mark[i] = make([]uint32, len(p.Inst))
		}
	}
	b.d.next = append(b.d.next, [10]int32{}) // dead state
	b.d.acc = append(b.d.acc, 0)
	b.sets = append(b.sets, nil)
	var start []nfaState
	b.gen++
	for i, p := range b.progs {
		if p != nil {
			start = b.closure(start, nfaState{uint32(i), uint32(p.Start)})
		}
	}
	if _, err := b.intern(start); err != nil {
		return nil, err
	}
	for s := 1; s < len(b.d.next); s++ {
		for digit := range 10 {
			var nxt []nfaState
			b.gen++
			for _, ns := range b.sets[s] {
				in := &b.progs[ns.prog].Inst[ns.pc]
				if in.Op != syntax.InstMatch && in.MatchRune(rune('0'+digit)) {
					nxt = b.closure(nxt, nfaState{ns.prog, in.Out})
				}
			}
			id, err := b.intern(nxt)
			if err != nil {
				return nil, err
			}
			b.d.next[s][digit] = id
		}
	}
	return &b.d, nil
}

// closure adds s and every state reachable from it without reading input.
func (b *dfaBuilder) closure(set []nfaState, s nfaState) []nfaState {
	if b.mark[s.prog][s.pc] == b.gen {
		return set
	}
	b.mark[s.prog][s.pc] = b.gen
	set = append(set, s)
	in := &b.progs[s.prog].Inst[s.pc]
	switch in.Op {
	case syntax.InstAlt, syntax.InstAltMatch:
		set = b.closure(set, nfaState{s.prog, in.Out})
		set = b.closure(set, nfaState{s.prog, in.Arg})
	case syntax.InstCapture, syntax.InstNop:
		set = b.closure(set, nfaState{s.prog, in.Out})
	}
	return set
}

// intern returns the DFA state for an NFA state set, adding it if new.
func (b *dfaBuilder) intern(set []nfaState) (int32, error) {
	var acc uint32
	live := set[:0:0]
	for _, s := range set {
		switch b.progs[s.prog].Inst[s.pc].Op {
		case syntax.InstMatch:
			acc |= 1 << s.prog
			live = append(live, s)
		case syntax.InstRune, syntax.InstRune1, syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			live = append(live, s)
		}
	}
	if len(live) == 0 {
		return 0, nil
	}
	slices.SortFunc(live, func(x, y nfaState) int {
		if x.prog != y.prog {
			return int(x.prog) - int(y.prog)
		}
		return int(x.pc) - int(y.pc)
	})
	key := make([]byte, 0, len(live)*6)
	for _, s := range live {
		key = strconv.AppendUint(key, uint64(s.prog)<<20|uint64(s.pc), 36)
		key = append(key, ',')
	}
	if id, ok := b.ids[string(key)]; ok {
		return id, nil
	}
	if len(b.d.next) >= maxDFAStates {
		return 0, errDFATooBig
	}
	id := int32(len(b.d.next))
	b.ids[string(key)] = id
	b.sets = append(b.sets, live)
	b.d.next = append(b.d.next, [10]int32{})
	b.d.acc = append(b.d.acc, acc)
	return id, nil
}
