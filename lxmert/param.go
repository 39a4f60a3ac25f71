package lxmert

import (
	"fmt"

	"github.com/lxmert-go/golxmert/binding"
)

// Param is one named parameter. Modules hold *Param rather than tensors so that loading,
// resizing and tying can swap the tensor in one place. Treat the fields as read-only: the
// model's exclusive operations (LoadStateDict, Resize*, Set*) replace T and Shape, so read
// them while none runs. T's tensor belongs to the model: binding.Free and scopes cannot free
// it, and it dies with Close.
type Param struct {
	Name  string         // HF state-dict key
	Shape []int64        // current shape
	T     binding.Tensor // owned by the model's sealed parameter scope
	kind  initKind
}

// WeightDecay reports whether the parameter belongs in the weight-decay group: the weights of
// linear and embedding layers, not biases and not LayerNorm weights (the usual BERT recipe,
// decided by module rather than by name, since LXMERT's visn_layer_norm and answer_head's
// logit_fc.2 are LayerNorms whose names do not say so).
func (p *Param) WeightDecay() bool { return p.kind == initNormal || p.kind == initEmbedding }

type initKind int

const (
	initNormal    initKind = iota // N(0, initializer_range), as HF's Linear and Embedding
	initZeros                     // biases
	initOnes                      // LayerNorm weights
	initEmbedding                 // normal, then the padding row (0) zeroed
)

// params creates and owns a model's parameters in registration order (HF's module order).
type params struct {
	g      guard
	scope  *binding.Scope
	order  []*Param
	byName map[string]*Param
	tied   map[string]string // alias key -> owner key (not saved, as save_pretrained does)
	std    float64
	// placeholders skips initialisation (and leaves memory untouched) for a model whose
	// every parameter a checkpoint is about to replace.
	placeholders bool
	// fast is the model's state for the inference fast path (buffer pool, bf16 weights).
	fast *binding.FastContext
}

func newParams(std float64, placeholders bool) *params {
	s := binding.NewScope()
	s.Seal() // parameters are freed by the model alone, never through binding.Free
	p := &params{scope: s, byName: map[string]*Param{}, tied: map[string]string{}, std: std, placeholders: placeholders}
	f, err := binding.NewFastContext()
	p.scope.Fail(err)
	p.fast = f
	return p
}

// isLinearWeight reports whether prm is an nn.Linear weight [out, in]: those are stored
// transposed in memory, the layout the fast path's GEMMs read without repacking.
func isLinearWeight(prm *Param) bool { return prm.kind == initNormal && len(prm.Shape) == 2 }

// add creates a float32 parameter initialised as HF's _init_weights does.
func (p *params) add(name string, kind initKind, shape ...int64) *Param {
	var t binding.Tensor
	if p.placeholders {
		t = p.scope.Empty(binding.Float32, shape...)
	} else {
		t = p.scope.Zeros(binding.Float32, shape...)
		p.init(t, kind)
	}
	p.scope.SetRequiresGrad(t, true) // a leaf, as nn.Parameter; eval scopes still record nothing
	prm := &Param{Name: name, Shape: shape, T: t, kind: kind}
	if isLinearWeight(prm) {
		p.scope.RelayoutLinear(t, !p.placeholders)
	}
	p.order = append(p.order, prm)
	p.byName[name] = prm
	return prm
}

func (p *params) init(t binding.Tensor, kind initKind) { initTensor(p.scope, t, kind, p.std) }

// initTensor fills t in s as HF's _init_weights does for kind.
func initTensor(s *binding.Scope, t binding.Tensor, kind initKind, std float64) {
	switch kind {
	case initNormal:
		s.NormalInit(t, 0, std)
	case initOnes:
		s.FillInit(t, 1)
	case initEmbedding:
		s.NormalInit(t, 0, std)
		row := s.Select(t, 0, 0)
		s.FillInit(row, 0)
		s.Free(row)
	}
}

// tie registers alias as another name of owner's tensor (HF's tied decoder weight).
func (p *params) tie(alias string, owner *Param) *Param {
	p.tied[alias] = owner.Name
	return owner
}

// err reports the first failure while creating or changing parameters.
func (p *params) err() error {
	if err := p.scope.Err(); err != nil {
		return fmt.Errorf("lxmert parameters: %w", err)
	}
	return nil
}

// close frees the parameters once running forwards are done; a nil store (a zero-value
// model) has nothing to free, and a second close does nothing.
func (p *params) close() {
	unlock, err := p.exclusive()
	if err != nil {
		return
	}
	defer unlock()
	p.g.closed = true
	p.fast.Close()
	p.scope.Close()
}
