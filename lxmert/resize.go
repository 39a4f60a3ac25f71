package lxmert

import (
	"errors"
	"fmt"

	"github.com/lxmert-go/golxmert/binding"
)

// ErrNoAnswerHead is returned by QA-head operations on a pretraining model built with
// task_qa false.
var ErrNoAnswerHead = errors.New("lxmert: the model has no answer head (task_qa is false)")

// resizeRows gives prm n rows: the first min(old, n) rows are kept, new rows are initialised
// with kind (HF's _init_weights for the new module).
func (p *params) resizeRows(prm *Param, n int64, kind initKind) error {
	if n < 1 {
		return fmt.Errorf("lxmert resize: %s: size must be positive, got %d", prm.Name, n)
	}
	shape := append([]int64{n}, prm.Shape[1:]...)
	s := p.scope
	t := s.Zeros(binding.Float32, shape...)
	p.init(t, kind)
	keep := min(n, prm.Shape[0])
	dst, src := s.Narrow(t, 0, 0, keep), s.Narrow(prm.T, 0, 0, keep)
	s.CopyInto(dst, src)
	s.Free(dst, src)
	if err := p.err(); err != nil {
		return err
	}
	p.replace(prm, t, shape)
	return nil
}

// resizeLinearOut resizes a Linear's output dimension (weight rows and bias).
func (p *params) resizeLinearOut(l *Linear, n int) error {
	if err := p.resizeRows(l.Weight, int64(n), initNormal); err != nil {
		return err
	}
	if l.Bias != nil {
		return p.resizeRows(l.Bias, int64(n), initZeros)
	}
	return nil
}

// setLinear replaces a Linear's tensors with copies of weight and bias, which must have the
// same input size; the output size may change.
func (p *params) setLinear(l *Linear, weight, bias binding.Tensor) error {
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
	// Convert in a scope of its own: a failure on the caller's tensors must not become the
	// parameter store's sticky error.
	s := binding.NewScope()
	defer s.Close()
	w, b := s.Clone(s.ToDType(weight, binding.Float32)), s.Clone(s.ToDType(bias, binding.Float32))
	if err := s.Err(); err != nil {
		return fmt.Errorf("lxmert: %s: %w", l.Weight.Name, err)
	}
	p.take(s, l.Weight, w, ws)
	p.take(s, l.Bias, b, []int64{ws[0]})
	return nil
}

// ResizeNumQALabels gives the answer head n labels, keeping the first min(old, n) rows and
// initialising the rest, and updates num_qa_labels.
func (m *LxmertForQuestionAnswering) ResizeNumQALabels(n int) error {
	if err := m.params.resizeLinearOut(m.AnswerHead.LogitFC3, n); err != nil {
		return err
	}
	m.Config.NumQALabels = n
	return nil
}

// GetQALogitLayer returns the answer head's last Linear (answer_head.logit_fc.3).
func (m *LxmertForQuestionAnswering) GetQALogitLayer() *Linear { return m.AnswerHead.LogitFC3 }

// SetQALogitLayer replaces the answer head's last Linear with copies of weight [n, 2·hidden]
// and bias [n], and sets num_qa_labels to n.
func (m *LxmertForQuestionAnswering) SetQALogitLayer(weight, bias binding.Tensor) error {
	if err := m.params.setLinear(m.AnswerHead.LogitFC3, weight, bias); err != nil {
		return err
	}
	m.Config.NumQALabels = int(m.AnswerHead.LogitFC3.Weight.Shape[0])
	return nil
}

// ResizeNumQALabels is the pretraining model's version; ErrNoAnswerHead without task_qa.
func (m *LxmertForPreTraining) ResizeNumQALabels(n int) error {
	if m.AnswerHead == nil {
		return ErrNoAnswerHead
	}
	if err := m.params.resizeLinearOut(m.AnswerHead.LogitFC3, n); err != nil {
		return err
	}
	m.Config.NumQALabels = n
	return nil
}

// GetQALogitLayer returns answer_head.logit_fc.3, or nil without task_qa.
func (m *LxmertForPreTraining) GetQALogitLayer() *Linear {
	if m.AnswerHead == nil {
		return nil
	}
	return m.AnswerHead.LogitFC3
}

// SetQALogitLayer replaces answer_head.logit_fc.3 with copies of weight and bias.
func (m *LxmertForPreTraining) SetQALogitLayer(weight, bias binding.Tensor) error {
	if m.AnswerHead == nil {
		return ErrNoAnswerHead
	}
	if err := m.params.setLinear(m.AnswerHead.LogitFC3, weight, bias); err != nil {
		return err
	}
	m.Config.NumQALabels = int(m.AnswerHead.LogitFC3.Weight.Shape[0])
	return nil
}

// ResizeTokenEmbeddings gives the word embeddings (and so the tied LM decoder) n rows and
// resizes cls.predictions.bias (kept entries, zeros appended), updating vocab_size.
func (m *LxmertForPreTraining) ResizeTokenEmbeddings(n int) error {
	if err := m.Lxmert.ResizeTokenEmbeddings(n); err != nil {
		return err
	}
	return m.params.resizeRows(m.Cls.Predictions.Bias, int64(n), initZeros)
}

// ResizeTokenEmbeddings gives the word embeddings n rows (new rows initialised) and updates
// vocab_size.
func (m *LxmertModel) ResizeTokenEmbeddings(n int) error {
	if err := m.params.resizeRows(m.Embeddings.WordEmbeddings, int64(n), initNormal); err != nil {
		return err
	}
	m.Config.VocabSize = n
	return nil
}
