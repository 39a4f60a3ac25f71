package lxmert

import "github.com/lxmert-go/golxmert/binding"

// LxmertPredictionHeadTransform is dense, activation, LayerNorm.
type LxmertPredictionHeadTransform struct {
	Dense     *Linear
	LayerNorm *LayerNorm
	act       string
}

func newHeadTransform(p *params, name string, c *LxmertConfig) *LxmertPredictionHeadTransform {
	return &LxmertPredictionHeadTransform{
		Dense:     newLinear(p, name+".dense", c.HiddenSize, c.HiddenSize, true),
		LayerNorm: newLayerNorm(p, name+".LayerNorm", c.HiddenSize),
		act:       c.HiddenAct,
	}
}

func (t *LxmertPredictionHeadTransform) forward(r run, x binding.Tensor) binding.Tensor {
	return t.LayerNorm.forward(r, activation(r, t.act, t.Dense.forward(r.int8Layers(), x)))
}

// LxmertLMPredictionHead scores every vocabulary word: the transform, then the word-embedding
// matrix (tied: Decoder is the embeddings' own Param) plus an output-only Bias.
type LxmertLMPredictionHead struct {
	Transform *LxmertPredictionHeadTransform
	Decoder   *Param // tied to lxmert.embeddings.word_embeddings.weight
	Bias      *Param
}

func (h *LxmertLMPredictionHead) forward(r run, x binding.Tensor) binding.Tensor {
	// decoder(x) + bias, as two steps like HF (the decoder Linear has no bias of its own).
	return r.s.Add(r.s.Linear(h.Transform.forward(r, x), h.Decoder.T, binding.Tensor{}), h.Bias.T)
}

// LxmertPreTrainingHeads holds the masked-LM head and the matched (seq_relationship) head.
type LxmertPreTrainingHeads struct {
	Predictions     *LxmertLMPredictionHead
	SeqRelationship *Linear
}

func newPreTrainingHeads(p *params, name string, c *LxmertConfig, wordEmb *Param) *LxmertPreTrainingHeads {
	pred := &LxmertLMPredictionHead{Transform: newHeadTransform(p, name+".predictions.transform", c)}
	pred.Bias = p.add(name+".predictions.bias", initZeros, int64(c.VocabSize))
	pred.Decoder = p.tie(name+".predictions.decoder.weight", wordEmb)
	return &LxmertPreTrainingHeads{
		Predictions:     pred,
		SeqRelationship: newLinear(p, name+".seq_relationship", c.HiddenSize, 2, true),
	}
}

// LxmertVisualAnswerHead is logit_fc: Linear(h, 2h), GELU (always erf), LayerNorm(2h),
// Linear(2h, labels); keys logit_fc.0, logit_fc.2, logit_fc.3 (1 is the GELU).
type LxmertVisualAnswerHead struct {
	LogitFC0 *Linear
	LogitFC2 *LayerNorm
	LogitFC3 *Linear
}

func newAnswerHead(p *params, name string, c *LxmertConfig, labels int) *LxmertVisualAnswerHead {
	h := c.HiddenSize
	return &LxmertVisualAnswerHead{
		LogitFC0: newLinear(p, name+".logit_fc.0", h, 2*h, true),
		LogitFC2: newLayerNorm(p, name+".logit_fc.2", 2*h),
		LogitFC3: newLinear(p, name+".logit_fc.3", 2*h, labels, true),
	}
}

func (a *LxmertVisualAnswerHead) forward(r run, pooled binding.Tensor) binding.Tensor {
	return a.LogitFC3.forward(r.int8Layers(), a.LogitFC2.forward(r, a.LogitFC0.forwardAct(r.int8Layers(), pooled, binding.ActGELU)))
}

// visualLoss describes one visual prediction task, in HF's order obj, attr, feat.
type visualLoss struct {
	key  string
	num  int
	feat bool // regression (SmoothL1) rather than classification
}

func visualLosses(c *LxmertConfig) []visualLoss {
	var v []visualLoss
	if c.VisualObjLoss {
		v = append(v, visualLoss{"obj", c.NumObjectLabels, false})
	}
	if c.VisualAttrLoss {
		v = append(v, visualLoss{"attr", c.NumAttrLabels, false})
	}
	if c.VisualFeatLoss {
		v = append(v, visualLoss{"feat", c.VisualFeatDim, true})
	}
	return v
}

// LxmertVisualObjHead predicts object classes, attributes and features per region.
type LxmertVisualObjHead struct {
	Transform   *LxmertPredictionHeadTransform
	DecoderDict map[string]*Linear // keys decoder_dict.obj, .attr, .feat
	losses      []visualLoss
}

func newVisualObjHead(p *params, name string, c *LxmertConfig) *LxmertVisualObjHead {
	h := &LxmertVisualObjHead{Transform: newHeadTransform(p, name+".transform", c), DecoderDict: map[string]*Linear{}, losses: visualLosses(c)}
	for _, l := range h.losses {
		h.DecoderDict[l.key] = newLinear(p, name+".decoder_dict."+l.key, c.HiddenSize, l.num, true)
	}
	return h
}

func (h *LxmertVisualObjHead) forward(r run, visn binding.Tensor) map[string]binding.Tensor {
	x := h.Transform.forward(r, visn)
	out := map[string]binding.Tensor{}
	for _, l := range h.losses {
		out[l.key] = h.DecoderDict[l.key].forward(r.int8Layers(), x)
	}
	return out
}
