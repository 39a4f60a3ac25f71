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
	langSide := func(r run) []binding.Tensor {
		for _, l := range e.Layer {
			r.check()
			lang, probs = l.forward(r, lang, langMask, wantProbs)
			st.langHidden = append(st.langHidden, lang)
			if wantProbs {
				st.langAttn = append(st.langAttn, probs)
			}
		}
		return append(append([]binding.Tensor{lang}, st.langHidden...), st.langAttn...)
	}
	visnSide := func(r run) []binding.Tensor {
		var p binding.Tensor // not probs: the other side may be writing it
		if visn.IsNil() {
			visn = e.VisnFC.forward(r, feats, pos)
		}
		for _, l := range e.RLayers {
			r.check()
			visn, p = l.forward(r, visn, visnMask, wantProbs)
			st.visnHidden = append(st.visnHidden, visn)
			if wantProbs {
				st.visnAttn = append(st.visnAttn, p)
			}
		}
		return append(append([]binding.Tensor{visn}, st.visnHidden...), st.visnAttn...)
	}
	if r.twoBranches() {
		if n := visnSplit(feats); n > 0 { // both sides project half the examples' regions first
			half := make(chan binding.Tensor, 1)
			r.branches(func(r run) []binding.Tensor {
				half <- e.VisnFC.forward(r, r.s.Narrow(feats, 0, 0, n), r.s.Narrow(pos, 0, 0, n))
				return langSide(r)
			}, func(r run) []binding.Tensor {
				b := batchOf(feats)
				mine := e.VisnFC.forward(r, r.s.Narrow(feats, 0, n, b-n), r.s.Narrow(pos, 0, n, b-n))
				visn = r.s.Cat(0, <-half, mine)
				return visnSide(r)
			})
		} else {
			r.branches(langSide, visnSide)
		}
	} else {
		visn = e.VisnFC.forward(r, feats, pos) // first, as HF: train-mode dropout draws in its order
		langSide(r)
		visnSide(r)
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

// visnSplit is how many examples' regions the language branch projects (the visual feature
// encoder) for the vision branch before its own layers, 0 for none. From batch 4 the two
// sides' layers cost the same (same FLOPs, both compute-bound), so the feature encoder alone
// made the vision branch the longer: 216-227 against 212-215 ms at batch 8. Below, the
// language side's few-row GEMMs wait on memory and it is the longer one.
func visnSplit(feats binding.Tensor) int64 {
	if b := batchOf(feats); b >= 4 {
		return b / 2
	}
	return 0
}

// batchOf is a [batch, ...] tensor's batch size, 0 if it has no shape.
func batchOf(t binding.Tensor) int64 {
	sh, err := binding.Shape(t)
	if err != nil || len(sh) == 0 {
		return 0
	}
	return sh[0]
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
