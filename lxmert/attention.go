package lxmert

import "github.com/lxmert-go/golxmert/binding"

// LxmertAttention holds the query, key and value projections (keys NAME.query/key/value).
type LxmertAttention struct {
	Query, Key, Value *Linear
}

func newAttention(p *params, name string, c *LxmertConfig) *LxmertAttention {
	h := c.HiddenSize
	return &LxmertAttention{
		Query: newLinear(p, name+".query", h, h, true),
		Key:   newLinear(p, name+".key", h, h, true),
		Value: newLinear(p, name+".value", h, h, true),
	}
}

// LxmertAttentionOutput is dense, dropout, then LayerNorm of the residual sum.
type LxmertAttentionOutput struct {
	Dense     *Linear
	LayerNorm *LayerNorm
}

func newAttentionOutput(p *params, name string, c *LxmertConfig) *LxmertAttentionOutput {
	return &LxmertAttentionOutput{
		Dense:     newLinear(p, name+".dense", c.HiddenSize, c.HiddenSize, true),
		LayerNorm: newLayerNorm(p, name+".LayerNorm", c.HiddenSize),
	}
}

// fused packs an attention and its output block for csrc's one-call attention layer.
func fused(a *LxmertAttention, o *LxmertAttentionOutput, c *LxmertConfig) *binding.AttentionLayer {
	return &binding.AttentionLayer{
		QueryW: a.Query.Weight.T, QueryB: a.Query.Bias.T, KeyW: a.Key.Weight.T, KeyB: a.Key.Bias.T,
		ValueW: a.Value.Weight.T, ValueB: a.Value.Bias.T, DenseW: o.Dense.Weight.T,
		DenseB: o.Dense.Bias.T, NormW: o.LayerNorm.Weight.T, NormB: o.LayerNorm.Bias.T,
		Heads: c.NumAttentionHeads, AttnDropout: c.AttentionProbsDropoutProb,
		HiddenDropout: c.HiddenDropoutProb, Eps: layerNormEps,
	}
}

// fastAttention packs the same weights for the fast path's one-call layers.
func fastAttention(a *LxmertAttention, o *LxmertAttentionOutput) *binding.FastAttention {
	return &binding.FastAttention{
		Query: a.Query.fast(), Key: a.Key.fast(), Value: a.Value.fast(), Dense: o.Dense.fast(),
		NormW: o.LayerNorm.Weight.T, NormB: o.LayerNorm.Bias.T,
	}
}

// fastConfig is what the fast path's layer calls need from the config.
func fastConfig(r run, c *LxmertConfig) binding.FastConfig {
	return binding.FastConfig{Heads: c.NumAttentionHeads, Act: actCode(c.HiddenAct), Precision: r.prec, Eps: layerNormEps, Threads: r.threads}
}

// LxmertSelfAttentionLayer is self-attention plus its output block (keys NAME.self, NAME.output).
type LxmertSelfAttentionLayer struct {
	Self   *LxmertAttention
	Output *LxmertAttentionOutput
	cfg    *LxmertConfig
}

func newSelfAttentionLayer(p *params, name string, c *LxmertConfig) *LxmertSelfAttentionLayer {
	return &LxmertSelfAttentionLayer{
		Self:   newAttention(p, name+".self", c),
		Output: newAttentionOutput(p, name+".output", c),
		cfg:    c,
	}
}

func (l *LxmertSelfAttentionLayer) forward(r run, x, mask binding.Tensor, wantProbs bool) (out, probs binding.Tensor) {
	return r.s.AttentionLayer(fused(l.Self, l.Output, l.cfg), x, x, mask, r.train, wantProbs)
}

// LxmertCrossAttentionLayer is the X-layer's cross-attention (keys NAME.att, NAME.output),
// one set of weights serving both directions.
type LxmertCrossAttentionLayer struct {
	Att    *LxmertAttention
	Output *LxmertAttentionOutput
	cfg    *LxmertConfig
}

func newCrossAttentionLayer(p *params, name string, c *LxmertConfig) *LxmertCrossAttentionLayer {
	return &LxmertCrossAttentionLayer{
		Att:    newAttention(p, name+".att", c),
		Output: newAttentionOutput(p, name+".output", c),
		cfg:    c,
	}
}

// forward runs language→vision then vision→language in one fused call.
func (l *LxmertCrossAttentionLayer) forward(r run, lang, visn, langMask, visnMask binding.Tensor, wantProbs bool) (langOut, visnOut, langProbs binding.Tensor) {
	return r.s.CrossAttentionLayer(fused(l.Att, l.Output, l.cfg), lang, visn, langMask, visnMask, r.train, wantProbs)
}
