package view

import (
	"context"
	"errors"
	"io"

	"github.com/coffer-vault/coffer/internal/fault"
	"github.com/coffer-vault/coffer/internal/mask"
	"github.com/coffer-vault/coffer/internal/tabular"
)

// checkEvery is how many rows pass between checks of the context.
const checkEvery = 1024

// stream is one run of Apply: the output columns it derived from the
// reader's columns so far, and a Masker per masked output column.
type stream struct {
	p       *Plan
	r       tabular.Reader
	w       tabular.Writer
	act     activation
	row     rowVal
	seen    int              // reader columns bound so far
	outCols []tabular.Column // written columns
	src     []int            // per output column, its reader column
	maskers []*mask.Masker   // per output column; nil keeps the cell
	out     tabular.Row
	stats   Stats
}

func (p *Plan) apply(ctx context.Context, r tabular.Reader, dst io.Writer) (Stats, error) {
	s := &stream{p: p, r: r, act: p.act, row: rowVal{index: map[string]int{}}}
	s.act.row = &s.row
	s.stats.Masked = map[string]string{}
	if err := s.bind(); err != nil {
		return s.stats, err
	}
	if len(s.outCols) == 0 && r.Format() != tabular.JSONL {
		return s.stats, fault.E(fault.Denied, "view: the views %q drop every column of dataset %q", p.views, p.ds.Name)
	}
	opts := r.Options()
	w, err := tabular.NewWriter(dst, r.Format(), s.outCols, &opts)
	if err != nil {
		return s.stats, fault.Wrap(fault.Other, err, "view: write")
	}
	s.w = w
	if err := s.run(ctx); err != nil {
		return s.stats, err
	}
	if err := w.Close(); err != nil {
		return s.stats, fault.Wrap(fault.Other, err, "view: write")
	}
	return s.stats, nil
}

func (s *stream) run(ctx context.Context) error {
	for {
		if s.stats.RowsRead%checkEvery == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		row, err := s.r.Read()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fault.Wrap(fault.Other, err, "view: read")
		}
		s.stats.RowsRead++
		if len(s.r.Columns()) > s.seen {
			if err := s.grow(); err != nil {
				return err
			}
		}
		if !s.pass(row) {
			s.stats.RowsWithheld++
			continue
		}
		if err := s.w.Write(s.transform(row)); err != nil {
			return fault.Wrap(fault.Other, err, "view: write")
		}
		s.stats.RowsWritten++
	}
}

// pass evaluates every row filter; all must return true. A filter that
// fails withholds the row (fail closed).
func (s *stream) pass(row tabular.Row) bool {
	if len(s.p.filters) == 0 {
		return true
	}
	s.row.row = row
	for _, f := range s.p.filters {
		if f.eq != nil {
			if !f.eq.eval(&s.row) {
				return false
			}
			continue
		}
		ok, failed := f.prg.eval(&s.act)
		if failed {
			s.stats.RowsFailed++
		}
		if !ok {
			return false
		}
	}
	return true
}

// transform builds the output row: kept columns, masked or as read.
func (s *stream) transform(row tabular.Row) tabular.Row {
	s.out = s.out[:0]
	for j, i := range s.src {
		var v tabular.Value
		if i < len(row) {
			v = row[i]
		}
		if m := s.maskers[j]; m != nil {
			var ok bool
			if v, ok = m.Apply(v); !ok {
				s.stats.CellsNulled++
			}
		}
		s.out = append(s.out, v)
	}
	return s.out
}

// grow binds the columns the reader found since the last call and widens
// the writer (JSON Lines).
func (s *stream) grow() error {
	if err := s.bind(); err != nil {
		return err
	}
	if err := s.w.Grow(s.outCols); err != nil {
		return fault.Wrap(fault.Other, err, "view: write")
	}
	return nil
}

// bind decides the action of each reader column not yet seen.
func (s *stream) bind() error {
	cols := s.r.Columns()
	s.row.setColumns(cols, s.r.Format())
	for i := s.seen; i < len(cols); i++ {
		c := cols[i]
		a, _ := s.p.decide(s.p.column(c.Name))
		switch a.Kind {
		case mask.Drop:
			s.stats.Dropped = append(s.stats.Dropped, c.Name)
			continue
		case mask.Keep:
			s.outCols = append(s.outCols, c)
			s.maskers = append(s.maskers, nil)
		default:
			m, err := a.Masker(s.p.key.bytes())
			if err != nil {
				return fault.Wrap(fault.Invalid, err, "view: column %q", c.Name)
			}
			// A new Column, not a copy: the output type is the action's,
			// not the stored one (a Parquet int column hashed is text).
			s.outCols = append(s.outCols, tabular.Column{Name: c.Name, Path: c.Path, Type: a.OutKind(c.Type)})
			s.maskers = append(s.maskers, m)
			s.stats.Masked[c.Name] = a.String()
		}
		s.src = append(s.src, i)
	}
	s.seen = len(cols)
	return nil
}
