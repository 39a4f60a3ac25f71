package binding

// #include "lx.h"
import "C"

import "runtime"

// AttentionLayer holds the weights of HF's LxmertAttention (query, key, value) followed by
// LxmertAttentionOutput (dense, dropout, residual, LayerNorm), for the fused kernels.
type AttentionLayer struct {
	QueryW, QueryB, KeyW, KeyB, ValueW, ValueB Tensor
	DenseW, DenseB, NormW, NormB               Tensor
	Heads                                      int
	AttnDropout, HiddenDropout, Eps            float64
}

func (w *AttentionLayer) c() C.lx_attn_layer {
	return C.lx_attn_layer{
		qw: ptr(w.QueryW), qb: ptr(w.QueryB), kw: ptr(w.KeyW), kb: ptr(w.KeyB),
		vw: ptr(w.ValueW), vb: ptr(w.ValueB), ow: ptr(w.DenseW), ob: ptr(w.DenseB),
		lnw: ptr(w.NormW), lnb: ptr(w.NormB), heads: C.int(w.Heads),
		attn_dropout: C.double(w.AttnDropout), hidden_dropout: C.double(w.HiddenDropout),
		eps: C.double(w.Eps),
	}
}

// args adds the layer's weights to a (biases and LayerNorm optional) and returns a.
func (w *AttentionLayer) args(a *callArgs) *callArgs {
	a.linear(argName{layer: -1, block: "query"}, FastLinear{w.QueryW, w.QueryB})
	a.linear(argName{layer: -1, block: "key"}, FastLinear{w.KeyW, w.KeyB})
	a.linear(argName{layer: -1, block: "value"}, FastLinear{w.ValueW, w.ValueB})
	a.linear(argName{layer: -1, block: "output dense"}, FastLinear{w.DenseW, w.DenseB})
	a.inputMaybe("LayerNorm weight", w.NormW)
	a.inputMaybe("LayerNorm bias", w.NormB)
	return a
}

// ExtendMask turns a [batch, len] 1/0 mask into HF's additive [batch, 1, 1, len] float mask,
// (1 - mask) * float32 min: a fully masked row gives a uniform softmax, not NaN.
func (s *Scope) ExtendMask(mask Tensor) Tensor {
	if !s.ok("ExtendMask", mask) {
		return Tensor{}
	}
	var out C.lx_tensor
	e := C.lx_extend_mask(ptr(mask), &out)
	return s.done("ExtendMask", e, out, mask)
}

// AttentionLayer runs hidden attending to context (context = hidden for self-attention) with
// an optional extended mask over context. With wantProbs it also returns the attention
// probabilities [batch, heads, len, ctx_len].
func (s *Scope) AttentionLayer(w *AttentionLayer, hidden, context, mask Tensor, train, wantProbs bool) (out, probs Tensor) {
	if w == nil {
		s.Fail(&Error{Op: "AttentionLayer", Msg: "nil weights"})
		return Tensor{}, Tensor{}
	}
	a := &callArgs{}
	a.input("hidden", hidden)
	a.input("context", context)
	a.inputMaybe("mask", mask)
	if !s.check("AttentionLayer", w.args(a)) {
		return Tensor{}, Tensor{}
	}
	cw := w.c()
	var o, p C.lx_tensor
	pp := &p
	if !wantProbs {
		pp = nil
	}
	e := C.lx_attention_layer(s.cgrad(), cbool(train), &cw, ptr(hidden), ptr(context), ptr(mask), &o, pp)
	runtime.KeepAlive(w)
	out = s.done("AttentionLayer", e, o, hidden, context, mask)
	if !out.IsNil() && wantProbs {
		probs = s.done("AttentionLayer", nil, p)
	}
	return out, probs
}

// CrossAttentionLayer runs an X-layer's shared cross-attention in both directions: language
// attends to vision under visnMask, then vision attends to language under langMask, with the
// same weights. Only the language-side probabilities are returned, as HF does.
func (s *Scope) CrossAttentionLayer(w *AttentionLayer, lang, visn, langMask, visnMask Tensor, train, wantProbs bool) (langOut, visnOut, langProbs Tensor) {
	if w == nil {
		s.Fail(&Error{Op: "CrossAttentionLayer", Msg: "nil weights"})
		return Tensor{}, Tensor{}, Tensor{}
	}
	if !s.check("CrossAttentionLayer", w.args(crossInputs(lang, visn, langMask, visnMask))) {
		return Tensor{}, Tensor{}, Tensor{}
	}
	cw := w.c()
	var lo, vo, p C.lx_tensor
	pp := &p
	if !wantProbs {
		pp = nil
	}
	e := C.lx_cross_attention_layer(s.cgrad(), cbool(train), &cw, ptr(lang), ptr(visn), ptr(langMask), ptr(visnMask), &lo, &vo, pp)
	runtime.KeepAlive(w)
	langOut = s.done("CrossAttentionLayer", e, lo, lang, visn, langMask, visnMask)
	if langOut.IsNil() {
		return Tensor{}, Tensor{}, Tensor{}
	}
	visnOut = s.done("CrossAttentionLayer", nil, vo)
	if wantProbs {
		langProbs = s.done("CrossAttentionLayer", nil, p)
	}
	return langOut, visnOut, langProbs
}
