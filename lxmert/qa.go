package lxmert

import (
	"github.com/lxmert-go/golxmert/binding"
)

// LxmertForQuestionAnswering is the backbone with the visual answer head.
//
// Concurrency: as LxmertModel's (many forwards at once; Close, LoadStateDict, Resize*, Set*,
// Train, Eval and ZeroGrad exclusive; ErrClosed after Close).
type LxmertForQuestionAnswering struct {
	headModel
	AnswerHead *LxmertVisualAnswerHead
}

// NewLxmertForQuestionAnswering builds a randomly initialised QA model for c.
func NewLxmertForQuestionAnswering(c *LxmertConfig) (*LxmertForQuestionAnswering, error) {
	return newLxmertForQuestionAnswering(c, false)
}

func newLxmertForQuestionAnswering(c *LxmertConfig, placeholders bool) (*LxmertForQuestionAnswering, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	m := &LxmertForQuestionAnswering{headModel: newHeadModel(c, placeholders)}
	m.AnswerHead = newAnswerHead(m.params, "answer_head", c, c.NumQALabels)
	if err := m.params.err(); err != nil {
		m.Close()
		return nil, err
	}
	return m, nil
}

// QuestionAnsweringLabels are LxmertForQuestionAnswering's optional labels (HF's `labels`
// argument), a struct like PreTrainingLabels so the three models' forwards share one shape:
// (inputs, optional labels, options). A nil pointer or a zero Labels means no loss.
type QuestionAnsweringLabels struct {
	Labels binding.Tensor // [batch] answer ids
}

func (l *QuestionAnsweringLabels) tensor() binding.Tensor {
	if l == nil {
		return binding.Tensor{}
	}
	return l.Labels
}

// Forward scores every answer; with labels ([batch] answer ids) it adds the cross-entropy loss.
func (m *LxmertForQuestionAnswering) Forward(in Inputs, labels *QuestionAnsweringLabels, opts Options) (*LxmertForQuestionAnsweringOutput, error) {
	unlock, err := m.store().shared()
	if err != nil {
		return nil, err
	}
	defer unlock()
	return forwardOwned(m.params.g.training, func(s *binding.Scope) (*LxmertForQuestionAnsweringOutput, error) {
		return m.forward(m.params.run(s, opts), in, labels.tensor(), opts)
	})
}

// ForwardScope is Forward inside the caller's scope, which owns every tensor made.
func (m *LxmertForQuestionAnswering) ForwardScope(s *binding.Scope, in Inputs, labels *QuestionAnsweringLabels, opts Options) (*LxmertForQuestionAnsweringOutput, error) {
	if s == nil {
		return nil, errNilScope
	}
	unlock, err := m.store().shared()
	if err != nil {
		return nil, err
	}
	defer unlock()
	return m.forward(m.params.run(s, opts), in, labels.tensor(), opts)
}

func (m *LxmertForQuestionAnswering) forward(r run, in Inputs, labels binding.Tensor, opts Options) (*LxmertForQuestionAnsweringOutput, error) {
	s := r.s
	r, err := m.Lxmert.prepare(r, opts)
	if err != nil {
		return nil, err
	}
	// Only the pooled output feeds the answer head unless hidden states or attentions are asked.
	r.firstOnly = !opts.hiddenStates(m.Config) && !opts.attentions(m.Config)
	r, leave := r.enter(in)
	defer leave()
	base, err := m.Lxmert.forward(r, in, opts)
	if err != nil {
		return nil, err
	}
	r.check()
	out := &LxmertForQuestionAnsweringOutput{
		QuestionAnsweringScore: m.AnswerHead.forward(r, base.PooledOutput),
		LanguageHiddenStates:   base.LanguageHiddenStates,
		VisionHiddenStates:     base.VisionHiddenStates,
		LanguageAttentions:     base.LanguageAttentions,
		VisionAttentions:       base.VisionAttentions,
		CrossEncoderAttentions: base.CrossEncoderAttentions,
	}
	if present(labels) {
		out.Loss = ce(r, out.QuestionAnsweringScore, labels, int64(m.Config.NumQALabels), binding.ReduceMean)
	}
	if err := s.Err(); err != nil {
		return nil, forwardError("lxmert question answering forward", err)
	}
	return out, nil
}
