package lxmert

import (
	"errors"
	"fmt"

	"github.com/lxmert-go/golxmert/binding"
)

// ErrNoAnswerHead is returned by QA-head operations on a pretraining model built with
// task_qa false.
var ErrNoAnswerHead = errors.New("lxmert: the model has no answer head (task_qa is false)")

// resizeRows stages prm with n rows: the first min(old, n) rows are kept, new rows are
// initialised with kind (HF's _init_weights for the new module).
func (st *stage) resizeRows(prm *Param, n int64, kind initKind) error {
	if n < 1 {
		return fmt.Errorf("lxmert resize: %s: size must be positive, got %d", prm.Name, n)
	}
	shape := append([]int64{n}, prm.Shape[1:]...)
	s := st.s
	t := s.Zeros(binding.Float32, shape...)
	initTensor(s, t, kind, st.p.std)
	keep := min(n, prm.Shape[0])
	dst, src := s.Narrow(t, 0, 0, keep), s.Narrow(prm.T, 0, 0, keep)
	s.CopyInto(dst, src)
	s.Free(dst, src)
	st.put(prm, t, shape)
	if err := s.Err(); err != nil {
		return fmt.Errorf("lxmert resize: %s to %d rows: %w (the model is unchanged)", prm.Name, n, err)
	}
	return nil
}

// resize runs the staging steps under the exclusive lock and commits them all, or nothing;
// then it applies the config change.
func (p *params) resize(steps func(st *stage) error, after func()) error {
	unlock, err := p.exclusive()
	if err != nil {
		return err
	}
	defer unlock()
	st := p.newStage()
	defer st.close()
	if err := steps(st); err != nil {
		return err
	}
	st.commit()
	after()
	return nil
}

// resizeLinearOut stages a Linear's new output size (weight rows and bias).
func (st *stage) resizeLinearOut(l *Linear, n int) error {
	if err := st.resizeRows(l.Weight, int64(n), initNormal); err != nil {
		return err
	}
	if l.Bias != nil {
		return st.resizeRows(l.Bias, int64(n), initZeros)
	}
	return nil
}

// setLinear replaces a Linear's tensors with copies of weight and bias, which must have the
// same input size; the output size may change. after runs under the lock once they are in.
func (p *params) setLinear(l *Linear, weight, bias binding.Tensor, after func()) error {
	ws, err := binding.Shape(weight)
	if err != nil {
		return fmt.Errorf("lxmert: %s: %w", l.Weight.Name, err)
	}
	if len(ws) != 2 || ws[1] != l.Weight.Shape[1] {
		return fmt.Errorf("lxmert: %s: expected shape [* %d], got %v", l.Weight.Name, l.Weight.Shape[1], ws)
	}
	if l.Bias == nil {
		return fmt.Errorf("lxmert: %s: the layer has no bias to set", l.Weight.Name)
	}
	if bs, err := binding.Shape(bias); err != nil || len(bs) != 1 || bs[0] != ws[0] {
		return fmt.Errorf("lxmert: %s: expected shape [%d], got %v (%v)", l.Bias.Name, ws[0], bs, err)
	}
	return p.resize(func(st *stage) error {
		s := st.s
		st.put(l.Weight, s.Clone(s.ToDType(weight, binding.Float32)), ws)
		st.put(l.Bias, s.Clone(s.ToDType(bias, binding.Float32)), []int64{ws[0]})
		if err := s.Err(); err != nil {
			return fmt.Errorf("lxmert: %s: %w", l.Weight.Name, err)
		}
		return nil
	}, after)
}
