package view

import (
	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/mask"
)

// filter is the row filter of one applied view.
type filter struct {
	view string
	prg  *program
	eq   *eqFilter // the fast path, when prg has its shape
}

// boundRule is a column rule of an applied view.
type boundRule struct {
	view string
	rule *rule
}

// Plan returns what sub, reading ds for purpose, sees: every view whose
// when condition holds applies (a view without one always applies). A
// condition that cannot be evaluated (a missing tag, a type error) counts
// as holding, so that a broken condition restricts rather than reveals;
// Notes says so. Plan fails (fault.Invalid) when a hash action applies
// and opts.HashKey is not 32 bytes. A nil Set plans nothing.
func (s *Set) Plan(sub Subject, purpose string, ds Dataset, opts Options) (*Plan, error) {
	p := &Plan{ds: ds, known: map[string]Column{}, act: newActivation(sub, purpose, ds)}
	for _, c := range ds.Columns {
		p.known[c.Name] = c
	}
	if s == nil {
		return p, nil
	}
	for _, v := range s.views {
		if v.when != nil {
			ok, failed := v.when.eval(&p.act)
			if failed {
				p.notes = append(p.notes, "view "+quote(v.id)+": its when condition could not be evaluated; applied (fail closed)")
			} else if !ok {
				continue
			}
		}
		p.views = append(p.views, v.id)
		if v.rows != nil {
			f := &filter{view: v.id, prg: v.rows}
			if v.rows.eq != nil {
				f.eq = v.rows.eq.bind(sub, purpose)
			}
			p.filters = append(p.filters, f)
		}
		for i := range v.rules {
			p.rules = append(p.rules, boundRule{view: v.id, rule: &v.rules[i]})
		}
	}
	if p.needsKey() {
		if len(opts.HashKey) != mask.KeySize {
			return nil, fault.E(fault.Invalid, "view: a hash action applies but the vault's hash key is missing").
				WithHint("the vault must pass its 32-byte view key in view.Options")
		}
		p.key = &secretKey{b: append([]byte(nil), opts.HashKey...)}
	}
	return p, nil
}

func quote(s string) string { return `"` + s + `"` }

// needsKey reports whether a hash may end up applied: a hash rule that no
// stronger action overrides on every column is enough.
func (p *Plan) needsKey() bool {
	for _, br := range p.rules {
		if br.rule.action.Kind == mask.Hash {
			return true
		}
	}
	return false
}

// decide combines the actions of every rule that matches c, and returns
// the ids of the views whose rules matched.
func (p *Plan) decide(c Column) (mask.Action, []string) {
	var a mask.Action
	var views []string
	for _, br := range p.rules {
		if !br.rule.matches(c) {
			continue
		}
		a = mask.Combine(a, br.rule.action)
		if len(views) == 0 || views[len(views)-1] != br.view {
			views = append(views, br.view)
		}
	}
	return a, views
}

// column returns what the vault knows about a column the reader found:
// the Dataset's entry, or the name alone.
func (p *Plan) column(name string) Column {
	if c, ok := p.known[name]; ok {
		return c
	}
	return Column{Name: name}
}
