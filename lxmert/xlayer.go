package lxmert

import "github.com/lxmert-go/golxmert/binding"

// LxmertXLayer is one cross-modality layer: the shared cross-attention in both directions,
// then each side's self-attention, then each side's FFN.
type LxmertXLayer struct {
	VisualAttention          *LxmertCrossAttentionLayer
	LangSelfAtt, VisnSelfAtt *LxmertSelfAttentionLayer
	LangInter, VisnInter     *LxmertIntermediate
	LangOutput, VisnOutput   *LxmertOutput
}

func newXLayer(p *params, name string, c *LxmertConfig) *LxmertXLayer {
	return &LxmertXLayer{
		VisualAttention: newCrossAttentionLayer(p, name+".visual_attention", c),
		LangSelfAtt:     newSelfAttentionLayer(p, name+".lang_self_att", c),
		VisnSelfAtt:     newSelfAttentionLayer(p, name+".visn_self_att", c),
		LangInter:       newIntermediate(p, name+".lang_inter", c),
		LangOutput:      newOutput(p, name+".lang_output", c),
		VisnInter:       newIntermediate(p, name+".visn_inter", c),
		VisnOutput:      newOutput(p, name+".visn_output", c),
	}
}

// forward returns both sides' outputs and, when asked, the language→vision probabilities.
func (x *LxmertXLayer) forward(r run, lang, langMask, visn, visnMask binding.Tensor, wantProbs bool) (langOut, visnOut, probs binding.Tensor) {
	if r.pair && r.twoBranches() { // alone and lone (rows < 1024): two threads share every step
		if l, v, p, ok := x.forwardPair(r, lang, langMask, visn, visnMask, wantProbs); ok {
			return l, v, p
		}
	}
	if r.twoBranches() && xBranches(lang, visn) {
		// The cross-attention, then each side's self-attention and FFN at once: the language
		// side's as a one-layer stack on a helper thread (binding.FastStack), the vision
		// side's on this goroutine.
		va := x.VisualAttention
		rc := r
		rc.threads = crossThreads(lang, visn)
		l, v, probs := r.s.FastCross(r.fast, fastConfig(rc, va.cfg), fastAttention(va.Att, va.Output), lang, visn, langMask, visnMask, wantProbs)
		rl, rv := r.sideRuns()
		job := r.s.StartFastStack(r.fast, fastConfig(rl, va.cfg), []*binding.FastAttention{fastAttention(x.LangSelfAtt.Self, x.LangSelfAtt.Output)},
			[]*binding.FastFFN{x.LangInter.fastFFN(x.LangOutput)}, l, langMask, false, nil)
		visnOut, _ = r.s.FastLayer(r.fast, fastConfig(rv, va.cfg), fastAttention(x.VisnSelfAtt.Self, x.VisnSelfAtt.Output),
			x.VisnInter.fastFFN(x.VisnOutput), v, visnMask, false)
		if outs, _ := r.s.WaitFastStack(job); len(outs) == 1 {
			langOut = outs[0]
		}
		r.s.Free(l, v)
		return langOut, visnOut, probs
	}
	if r.fast != nil { // inference: the whole layer in one call
		va := x.VisualAttention
		return r.s.FastXLayer(r.fast, fastConfig(r, va.cfg), fastAttention(va.Att, va.Output),
			fastAttention(x.LangSelfAtt.Self, x.LangSelfAtt.Output), fastAttention(x.VisnSelfAtt.Self, x.VisnSelfAtt.Output),
			x.LangInter.fastFFN(x.LangOutput), x.VisnInter.fastFFN(x.VisnOutput), lang, visn, langMask, visnMask, wantProbs)
	}
	l, v, probs := x.VisualAttention.forward(r, lang, visn, langMask, visnMask, wantProbs)
	l, _ = x.LangSelfAtt.forward(r, l, langMask, false)
	v, _ = x.VisnSelfAtt.forward(r, v, visnMask, false)
	langOut = x.LangOutput.forward(r, x.LangInter.forward(r, l), l)
	visnOut = x.VisnOutput.forward(r, x.VisnInter.forward(r, v), v)
	return langOut, visnOut, probs
}

// forwardPair is forward with two threads sharing every step (binding.FastXLayerPair); ok is
// false where its kernels cannot run.
func (x *LxmertXLayer) forwardPair(r run, lang, langMask, visn, visnMask binding.Tensor, wantProbs bool) (langOut, visnOut, probs binding.Tensor, ok bool) {
	va := x.VisualAttention
	return r.s.FastXLayerPair(r.fast, fastConfig(r, va.cfg), fastAttention(va.Att, va.Output),
		fastAttention(x.LangSelfAtt.Self, x.LangSelfAtt.Output), fastAttention(x.VisnSelfAtt.Self, x.VisnSelfAtt.Output),
		x.LangInter.fastFFN(x.LangOutput), x.VisnInter.fastFFN(x.VisnOutput), lang, visn, langMask, visnMask, wantProbs)
}

// forwardFirst is forward on the fast path for a pooled output alone: the language output at
// the first token of each example, [batch, 1, hidden], without the vision side's work.
func (x *LxmertXLayer) forwardFirst(r run, lang, langMask, visn, visnMask binding.Tensor) binding.Tensor {
	va, rc := x.VisualAttention, r
	if r.pair && r.twoBranches() { // alone and lone (rows < 1024): two threads share every step
		out, ok := r.s.FastXLayerFirstPair(r.fast, fastConfig(r, va.cfg), fastAttention(va.Att, va.Output),
			fastAttention(x.LangSelfAtt.Self, x.LangSelfAtt.Output), x.LangInter.fastFFN(x.LangOutput), lang, visn, langMask, visnMask)
		if ok {
			return out
		}
	}
	if r.twoBranches() { // between two-branch phases: a team that suits the size
		rc.threads = crossThreads(lang, visn)
	}
	return r.s.FastXLayerFirst(r.fast, fastConfig(rc, va.cfg), fastAttention(va.Att, va.Output),
		fastAttention(x.LangSelfAtt.Self, x.LangSelfAtt.Output), x.LangInter.fastFFN(x.LangOutput),
		lang, visn, langMask, visnMask)
}
