package lxmert

import (
	"fmt"

	"github.com/lxmert-go/golxmert/binding"
)

// LxmertVisualFeatureEncoder projects region features and boxes into the hidden space:
// (LayerNorm(visn_fc(feats)) + LayerNorm(box_fc(pos))) / 2, then dropout.
type LxmertVisualFeatureEncoder struct {
	VisnFC        *Linear
	VisnLayerNorm *LayerNorm
	BoxFC         *Linear
	BoxLayerNorm  *LayerNorm
	dropout       float64
}

func newVisualFeatureEncoder(p *params, name string, c *LxmertConfig) *LxmertVisualFeatureEncoder {
	return &LxmertVisualFeatureEncoder{
		VisnFC:        newLinear(p, name+".visn_fc", c.VisualFeatDim, c.HiddenSize, true),
		VisnLayerNorm: newLayerNorm(p, name+".visn_layer_norm", c.HiddenSize),
		BoxFC:         newLinear(p, name+".box_fc", c.VisualPosDim, c.HiddenSize, true),
		BoxLayerNorm:  newLayerNorm(p, name+".box_layer_norm", c.HiddenSize),
		dropout:       c.HiddenDropoutProb,
	}
}

// fast is the encoder's weights and inputs for a language stack to run (eval, fast path),
// in the precision forward gives its linear layers.
func (v *LxmertVisualFeatureEncoder) fast(r run, feats, pos binding.Tensor) *binding.FastFeatures {
	return &binding.FastFeatures{Visn: v.VisnFC.fast(), Box: v.BoxFC.fast(),
		VisnNormW: v.VisnLayerNorm.Weight.T, VisnNormB: v.VisnLayerNorm.Bias.T, BoxNormW: v.BoxLayerNorm.Weight.T, BoxNormB: v.BoxLayerNorm.Bias.T,
		Eps: layerNormEps, Precision: r.int8Layers().prec, Feats: feats, Pos: pos}
}

func (v *LxmertVisualFeatureEncoder) forward(r run, feats, pos binding.Tensor) binding.Tensor {
	x := v.VisnLayerNorm.forward(r, v.VisnFC.forward(r.int8Layers(), feats))
	y := v.BoxLayerNorm.forward(r, v.BoxFC.forward(r, pos))
	return r.dropout(r.s.DivScalar(r.s.Add(x, y), 2), v.dropout)
}

// LxmertEncoder runs all language layers, then all relation (vision) layers, then the
// cross-modality layers (keys NAME.visn_fc, NAME.layer.N, NAME.x_layers.N, NAME.r_layers.N).
type LxmertEncoder struct {
	VisnFC  *LxmertVisualFeatureEncoder
	Layer   []*LxmertLayer
	XLayers []*LxmertXLayer
	RLayers []*LxmertLayer
}

func newEncoder(p *params, name string, c *LxmertConfig) *LxmertEncoder {
	e := &LxmertEncoder{VisnFC: newVisualFeatureEncoder(p, name+".visn_fc", c)}
	for i := 0; i < c.LLayers; i++ {
		e.Layer = append(e.Layer, newLayer(p, fmt.Sprintf("%s.layer.%d", name, i), c))
	}
	for i := 0; i < c.XLayers; i++ {
		e.XLayers = append(e.XLayers, newXLayer(p, fmt.Sprintf("%s.x_layers.%d", name, i), c))
	}
	for i := 0; i < c.RLayers; i++ {
		e.RLayers = append(e.RLayers, newLayer(p, fmt.Sprintf("%s.r_layers.%d", name, i), c))
	}
	return e
}

// encoderStates collects what the encoder produces; the hidden-state lists hold one entry per
// language (or relation) layer plus one per cross layer, without the embedding output.
type encoderStates struct {
	lang, visn                    binding.Tensor
	langHidden, visnHidden        []binding.Tensor
	langAttn, visnAttn, crossAttn []binding.Tensor
}

func (e *LxmertEncoder) forward(r run, lang, langMask, feats, pos, visnMask binding.Tensor, wantProbs bool) *encoderStates {
	st := &encoderStates{}
	var visn, probs binding.Tensor
	visnLayers := func(r run) {
		visn = layers(r, e.RLayers, visn, visnMask, wantProbs, &st.visnHidden, &st.visnAttn)
	}
	if r.twoBranches() && len(e.Layer) > 0 {
		var fc *binding.FastFeatures
		n, b := visnSplit(feats), batchOf(feats)
		if n > 0 { // the stack projects the first n examples' regions
			fc = e.VisnFC.fast(r, r.s.Narrow(feats, 0, 0, n), r.s.Narrow(pos, 0, 0, n))
		}
		lang = e.langBeside(r, st, lang, langMask, wantProbs, fc, func(r run, job *binding.FastStack) {
			if n > 0 {
				mine := e.VisnFC.forward(r, r.s.Narrow(feats, 0, n, b-n), r.s.Narrow(pos, 0, n, b-n))
				visn = r.s.Cat(0, r.s.FastStackFeatures(job), mine)
			} else {
				visn = e.VisnFC.forward(r, feats, pos)
			}
			visnLayers(r)
		})
	} else {
		visn = e.VisnFC.forward(r, feats, pos) // first, as HF: train-mode dropout draws in its order
		lang = layers(r, e.Layer, lang, langMask, wantProbs, &st.langHidden, &st.langAttn)
		visnLayers(r)
	}
	for i, x := range e.XLayers {
		r.check()
		if r.firstOnly && r.fast != nil && !wantProbs && i == len(e.XLayers)-1 {
			st.lang, st.visn = x.forwardFirst(r, lang, langMask, visn, visnMask), binding.Tensor{}
			return st
		}
		lang, visn, probs = x.forward(r, lang, langMask, visn, visnMask, wantProbs)
		st.langHidden = append(st.langHidden, lang)
		st.visnHidden = append(st.visnHidden, visn)
		if wantProbs {
			st.crossAttn = append(st.crossAttn, probs)
		}
	}
	st.lang, st.visn = lang, visn
	return st
}

// layers runs ls on x in order, appending each output to hidden and, when wanted, each
// layer's attention probabilities to attn, and returns the last output.
func layers(r run, ls []*LxmertLayer, x, mask binding.Tensor, wantProbs bool, hidden, attn *[]binding.Tensor) binding.Tensor {
	for _, l := range ls {
		r.check()
		var p binding.Tensor
		x, p = l.forward(r, x, mask, wantProbs)
		*hidden = append(*hidden, x)
		if wantProbs {
			*attn = append(*attn, p)
		}
	}
	return x
}

// LxmertPooler is tanh(dense(language_output[:, 0])).
type LxmertPooler struct {
	Dense *Linear
}

func newPooler(p *params, name string, c *LxmertConfig) *LxmertPooler {
	return &LxmertPooler{Dense: newLinear(p, name+".dense", c.HiddenSize, c.HiddenSize, true)}
}

func (m *LxmertPooler) forward(r run, lang binding.Tensor) binding.Tensor {
	return m.Dense.forwardAct(r.int8Layers(), r.s.Select(lang, 1, 0), binding.ActTanh)
}
