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
	l, v, probs := x.VisualAttention.forward(r, lang, visn, langMask, visnMask, wantProbs)
	l, _ = x.LangSelfAtt.forward(r, l, langMask, false)
	v, _ = x.VisnSelfAtt.forward(r, v, visnMask, false)
	langOut = x.LangOutput.forward(r, x.LangInter.forward(r, l), l)
	visnOut = x.VisnOutput.forward(r, x.VisnInter.forward(r, v), v)
	return langOut, visnOut, probs
}
