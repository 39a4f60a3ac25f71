package binding

// #include "lx.h"
import "C"

import "runtime"

// FastLinear is a linear layer's [out, in] weight and optional bias.
type FastLinear struct{ W, B Tensor }

func (l FastLinear) c() C.lx_lin { return C.lx_lin{w: ptr(l.W), b: ptr(l.B)} }

// FastAttention is HF's LxmertAttention (query, key, value) plus LxmertAttentionOutput
// (dense, residual, LayerNorm).
type FastAttention struct {
	Query, Key, Value, Dense FastLinear
	NormW, NormB             Tensor
}

func (a *FastAttention) c() C.lx_fast_att {
	return C.lx_fast_att{q: a.Query.c(), k: a.Key.c(), v: a.Value.c(), o: a.Dense.c(), lnw: ptr(a.NormW), lnb: ptr(a.NormB)}
}

// FastFFN is HF's LxmertIntermediate (dense, activation) plus LxmertOutput (dense,
// residual, LayerNorm).
type FastFFN struct {
	Intermediate, Output FastLinear
	NormW, NormB         Tensor
}

func (f *FastFFN) c() C.lx_fast_ffn {
	return C.lx_fast_ffn{inter: f.Intermediate.c(), out: f.Output.c(), lnw: ptr(f.NormW), lnb: ptr(f.NormB)}
}

// FastConfig is what every fast layer call needs besides weights.
type FastConfig struct {
	Heads     int
	Act       Activation // the FFN's activation
	Precision Precision
	Eps       float64 // LayerNorm epsilon
	// Threads is the OpenMP team size of the call; 0 is the process setting (NumThreads).
	// Two calls may run at once from two goroutines, each with its share of the threads.
	Threads int
}

func (c FastConfig) c() C.lx_fast_cfg {
	return C.lx_fast_cfg{heads: C.int(c.Heads), act: C.int(c.Act), precision: C.int(c.Precision), threads: C.int(c.Threads), eps: C.double(c.Eps)}
}

// FastLinear returns act(x·wᵀ + b) over the last dimension of x, computed by oneDNN with a
// team of threads threads (0: the process setting).
func (s *Scope) FastLinear(f *FastContext, p Precision, threads int, x Tensor, l FastLinear, act Activation) Tensor {
	if !s.ok("FastLinear", x, l.W) || !s.optOK("FastLinear", l.B) {
		return Tensor{}
	}
	var out C.lx_tensor
	var e C.lx_err
	cl := l.c()
	f.use(s, "FastLinear", func(c C.lx_fast_ctx) {
		e = C.lx_fast_linear(c, C.int(p), C.int(threads), ptr(x), &cl, C.int(act), &out)
	})
	return s.done("FastLinear", e, out, x, l.W, l.B)
}

// FastLinearOptions are the rarer inputs of FastLinearWith.
type FastLinearOptions struct {
	// Resid, if set, is added to the output after the activation (shaped like the output).
	Resid Tensor
	// Portable runs int8 layers on the portable kernels even where the CPU has VNNI
	// (tests of the two paths' agreement).
	Portable bool
}

// FastLinearWith is FastLinear with a residual and a kernel choice (FastLinearOptions).
func (s *Scope) FastLinearWith(f *FastContext, p Precision, threads int, x Tensor, l FastLinear, act Activation, o FastLinearOptions) Tensor {
	if !s.ok("FastLinearWith", x, l.W) || !s.optOK("FastLinearWith", l.B, o.Resid) {
		return Tensor{}
	}
	var out C.lx_tensor
	var e C.lx_err
	cl := l.c()
	f.use(s, "FastLinearWith", func(c C.lx_fast_ctx) {
		e = C.lx_fast_linear_ex(c, C.int(p), C.int(threads), ptr(x), &cl, C.int(act), ptr(o.Resid), cbool(o.Portable), &out)
	})
	return s.done("FastLinearWith", e, out, x, l.W, l.B, o.Resid)
}

// FastLayer runs one LxmertLayer (self-attention block then FFN block) in one call; mask is
// an extended mask or a zero Tensor. With wantProbs it also returns the attention
// probabilities [batch, heads, len, len].
func (s *Scope) FastLayer(f *FastContext, cfg FastConfig, att *FastAttention, ffn *FastFFN, x, mask Tensor, wantProbs bool) (out, probs Tensor) {
	if !s.check("FastLayer", layerArgs(att, ffn, x, mask)) {
		return Tensor{}, Tensor{}
	}
	ca, cf, cc := att.c(), ffn.c(), cfg.c()
	var o, p C.lx_tensor
	pp := &p
	if !wantProbs {
		pp = nil
	}
	var e C.lx_err
	f.use(s, "FastLayer", func(c C.lx_fast_ctx) { e = C.lx_fast_layer(c, &cc, &ca, &cf, ptr(x), ptr(mask), &o, pp) })
	runtime.KeepAlive(att)
	runtime.KeepAlive(ffn)
	if s.err != nil {
		return Tensor{}, Tensor{}
	}
	out = s.done("FastLayer", e, o, x, mask)
	if !out.IsNil() && wantProbs {
		probs = s.done("FastLayer", nil, p)
	}
	return out, probs
}

// FastXLayer runs one LxmertXLayer in one call: the shared cross-attention both ways
// (language and vision rows stacked through its GEMMs), each side's self-attention and FFN.
// Only the language-to-vision probabilities are returned, as HF does.
func (s *Scope) FastXLayer(f *FastContext, cfg FastConfig, cross, langSelf, visnSelf *FastAttention, langFFN, visnFFN *FastFFN, lang, visn, langMask, visnMask Tensor, wantProbs bool) (langOut, visnOut, probs Tensor) {
	args := xlayerArgs(cross, langSelf, visnSelf, langFFN, visnFFN, lang, visn, langMask, visnMask)
	if !s.check("FastXLayer", args) {
		return Tensor{}, Tensor{}, Tensor{}
	}
	cx, cl, cv, fl, fv, cc := cross.c(), langSelf.c(), visnSelf.c(), langFFN.c(), visnFFN.c(), cfg.c()
	var lo, vo, p C.lx_tensor
	pp := &p
	if !wantProbs {
		pp = nil
	}
	var e C.lx_err
	f.use(s, "FastXLayer", func(c C.lx_fast_ctx) {
		e = C.lx_fast_xlayer(c, &cc, &cx, &cl, &cv, &fl, &fv, ptr(lang), ptr(visn), ptr(langMask), ptr(visnMask), &lo, &vo, pp)
	})
	runtime.KeepAlive(args)
	if s.err != nil {
		return Tensor{}, Tensor{}, Tensor{}
	}
	langOut = s.done("FastXLayer", e, lo, langMask, visnMask)
	if langOut.IsNil() {
		return Tensor{}, Tensor{}, Tensor{}
	}
	visnOut = s.done("FastXLayer", nil, vo)
	if wantProbs {
		probs = s.done("FastXLayer", nil, p)
	}
	return langOut, visnOut, probs
}

// FastCross runs an X-layer's shared cross-attention block in both directions in one call:
// language attends to vision under visnMask, vision to language under langMask, the rows of
// both stacked through the shared GEMMs. Each side's self-attention and FFN then make one
// FastLayer each (they are independent: two goroutines may run them at once).
func (s *Scope) FastCross(f *FastContext, cfg FastConfig, cross *FastAttention, lang, visn, langMask, visnMask Tensor, wantProbs bool) (langOut, visnOut, probs Tensor) {
	if !s.check("FastCross", crossArgs(cross, lang, visn, langMask, visnMask)) {
		return Tensor{}, Tensor{}, Tensor{}
	}
	cx, cc := cross.c(), cfg.c()
	var lo, vo, p C.lx_tensor
	pp := &p
	if !wantProbs {
		pp = nil
	}
	var e C.lx_err
	f.use(s, "FastCross", func(c C.lx_fast_ctx) {
		e = C.lx_fast_cross(c, &cc, &cx, ptr(lang), ptr(visn), ptr(langMask), ptr(visnMask), &lo, &vo, pp)
	})
	runtime.KeepAlive(cross)
	if s.err != nil {
		return Tensor{}, Tensor{}, Tensor{}
	}
	langOut = s.done("FastCross", e, lo, lang, visn, langMask, visnMask)
	if langOut.IsNil() {
		return Tensor{}, Tensor{}, Tensor{}
	}
	visnOut = s.done("FastCross", nil, vo)
	if wantProbs {
		probs = s.done("FastCross", nil, p)
	}
	return langOut, visnOut, probs
}
