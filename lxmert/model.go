package lxmert

import (
	"errors"

	"github.com/lxmert-go/golxmert/binding"
)

// LxmertModel is the bare encoder: embeddings, the three encoders and the pooler. Its
// parameter names are HF's LxmertModel keys ("embeddings.…", "encoder.…", "pooler.…"), or
// those with the "lxmert." prefix when it is the backbone of a head model.
//
// Concurrency: any number of goroutines may run Forward, ForwardScope, StateDict, Grads and
// SavePretrained at once. Close, LoadStateDict, ResizeTokenEmbeddings, Train, Eval and
// ZeroGrad are exclusive: they wait for running forwards, and forwards that start meanwhile
// wait for them. After Close every method returns ErrClosed (Train and Eval do nothing).
// The same holds for the head models. Backward passes and optimizer steps on Parameters()
// run outside the model's lock: a training loop owns its model and runs them in sequence.
type LxmertModel struct {
	Config     *LxmertConfig
	Embeddings *LxmertEmbeddings
	Encoder    *LxmertEncoder
	Pooler     *LxmertPooler
	params     *params
}

// NewLxmertModel builds a randomly initialised model (HF's _init_weights) for c.
func NewLxmertModel(c *LxmertConfig) (*LxmertModel, error) { return newLxmertModel(c, false) }

func newLxmertModel(c *LxmertConfig, placeholders bool) (*LxmertModel, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	p := newParams(c.InitializerRange, placeholders)
	m := buildBackbone(p, "", c)
	if err := p.err(); err != nil {
		p.close()
		return nil, err
	}
	return m, nil
}

func buildBackbone(p *params, prefix string, c *LxmertConfig) *LxmertModel {
	return &LxmertModel{
		Config:     c,
		Embeddings: newEmbeddings(p, prefix+"embeddings", c),
		Encoder:    newEncoder(p, prefix+"encoder", c),
		Pooler:     newPooler(p, prefix+"pooler", c),
		params:     p,
	}
}

// store is the model's parameter store (nil for a nil or zero-value model).
func (m *LxmertModel) store() *params {
	if m == nil {
		return nil
	}
	return m.params
}

// Train turns dropout on for later forwards (after running ones finish).
func (m *LxmertModel) Train() { m.store().setTraining(true) }

// Eval turns dropout off (the state after loading).
func (m *LxmertModel) Eval() { m.store().setTraining(false) }

// Training reports whether the model is in train mode (dropout on).
func (m *LxmertModel) Training() bool { return m.store().isTraining() }

// Close frees the model's parameters once running forwards finish. Safe to call twice, on a
// zero value or on nil.
func (m *LxmertModel) Close() { m.store().close() }

// Forward runs the model; the output owns its tensors (Close it). In eval mode no autograd
// state is recorded and every intermediate is freed before Forward returns.
func (m *LxmertModel) Forward(in Inputs, opts Options) (*LxmertModelOutput, error) {
	unlock, err := m.store().shared()
	if err != nil {
		return nil, err
	}
	defer unlock()
	return forwardOwned(m.params.g.training, func(s *binding.Scope) (*LxmertModelOutput, error) {
		return m.forward(m.params.run(s, opts), in, opts)
	})
}

// ForwardScope runs the model inside the caller's scope, which owns every tensor made, the
// outputs included: the form a training step uses (forward, loss, backward, one scope).
func (m *LxmertModel) ForwardScope(s *binding.Scope, in Inputs, opts Options) (*LxmertModelOutput, error) {
	if s == nil {
		return nil, errNilScope
	}
	unlock, err := m.store().shared()
	if err != nil {
		return nil, err
	}
	defer unlock()
	return m.forward(m.params.run(s, opts), in, opts)
}

var errNilScope = errors.New("lxmert: ForwardScope needs a scope (binding.NewScope)")

// forwardOwned runs forward in a scope of its own (recording autograd in training mode) and
// hands the outputs out of it, so that they outlive the freed intermediates.
func forwardOwned[O interface{ all() []binding.Tensor }](training bool, forward func(*binding.Scope) (O, error)) (O, error) {
	s := binding.NewScope()
	if training {
		s = binding.NewGradScope()
	}
	defer s.Close()
	out, err := forward(s)
	if err == nil {
		s.Keep(out.all()...)
	}
	return out, err
}

func (m *LxmertModel) forward(r run, in Inputs, opts Options) (*LxmertModelOutput, error) {
	if r.ctx != nil && r.ctx.Err() != nil {
		return nil, r.ctx.Err()
	}
	c := m.Config
	r, err := m.prepare(r, opts)
	if err != nil {
		return nil, err
	}
	b, l, _, err := in.validate(r.s, c)
	if err != nil {
		return nil, err
	}
	wantProbs := opts.attentions(c)
	r, leave := r.enter(in)
	defer leave()
	s := r.s
	var langMask, visnMask binding.Tensor
	if present(in.AttentionMask) {
		langMask = s.ExtendMask(in.AttentionMask)
	}
	if present(in.VisualAttentionMask) {
		visnMask = s.ExtendMask(in.VisualAttentionMask)
	}
	r.check()
	emb := m.Embeddings.forward(r, in.InputIDs, in.TokenTypeIDs, in.InputsEmbeds, b, l)
	st := m.Encoder.forward(r, emb, langMask, in.VisualFeats, in.VisualPos, visnMask, wantProbs)
	out := &LxmertModelOutput{
		LanguageOutput: st.lang,
		VisionOutput:   st.visn,
		PooledOutput:   m.Pooler.forward(r, st.lang),
	}
	if opts.hiddenStates(c) {
		out.LanguageHiddenStates, out.VisionHiddenStates = st.langHidden, st.visnHidden
	}
	if wantProbs {
		out.LanguageAttentions, out.VisionAttentions, out.CrossEncoderAttentions = st.langAttn, st.visnAttn, st.crossAttn
	}
	if err := s.Err(); err != nil {
		return nil, forwardError("lxmert forward", err)
	}
	return out, nil
}
