package lxmert

import "github.com/lxmert-go/golxmert/binding"

// LxmertIntermediate is dense then the configured activation (keys NAME.dense).
type LxmertIntermediate struct {
	Dense *Linear
	act   string
}

func newIntermediate(p *params, name string, c *LxmertConfig) *LxmertIntermediate {
	return &LxmertIntermediate{Dense: newLinear(p, name+".dense", c.HiddenSize, c.IntermediateSize, true), act: c.HiddenAct}
}

func (m *LxmertIntermediate) forward(r run, x binding.Tensor) binding.Tensor {
	return activation(r, m.act, m.Dense.forward(r, x))
}

// LxmertOutput is the FFN's dense, dropout and LayerNorm of the residual sum.
type LxmertOutput struct {
	Dense     *Linear
	LayerNorm *LayerNorm
	dropout   float64
}

func newOutput(p *params, name string, c *LxmertConfig) *LxmertOutput {
	return &LxmertOutput{
		Dense:     newLinear(p, name+".dense", c.IntermediateSize, c.HiddenSize, true),
		LayerNorm: newLayerNorm(p, name+".LayerNorm", c.HiddenSize),
		dropout:   c.HiddenDropoutProb,
	}
}

func (m *LxmertOutput) forward(r run, x, residual binding.Tensor) binding.Tensor {
	h := r.dropout(m.Dense.forward(r, x), m.dropout)
	return m.LayerNorm.forward(r, r.s.Add(h, residual))
}

// LxmertLayer is one language or relation (vision) layer: self-attention then FFN.
type LxmertLayer struct {
	Attention    *LxmertSelfAttentionLayer
	Intermediate *LxmertIntermediate
	Output       *LxmertOutput
}

func newLayer(p *params, name string, c *LxmertConfig) *LxmertLayer {
	return &LxmertLayer{
		Attention:    newSelfAttentionLayer(p, name+".attention", c),
		Intermediate: newIntermediate(p, name+".intermediate", c),
		Output:       newOutput(p, name+".output", c),
	}
}

func (m *LxmertIntermediate) fastFFN(o *LxmertOutput) *binding.FastFFN {
	return &binding.FastFFN{Intermediate: m.Dense.fast(), Output: o.Dense.fast(), NormW: o.LayerNorm.Weight.T, NormB: o.LayerNorm.Bias.T}
}

func (l *LxmertLayer) forward(r run, x, mask binding.Tensor, wantProbs bool) (out, probs binding.Tensor) {
	if r.fast != nil { // inference: the whole layer in one call
		c := l.Attention.cfg
		return r.s.FastLayer(r.fast, fastConfig(r, c), fastAttention(l.Attention.Self, l.Attention.Output),
			l.Intermediate.fastFFN(l.Output), x, mask, wantProbs)
	}
	a, probs := l.Attention.forward(r, x, mask, wantProbs)
	return l.Output.forward(r, l.Intermediate.forward(r, a), a), probs
}
