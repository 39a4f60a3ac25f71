// Package lxmert is LXMERT (Tan & Bansal, 2019) in Go on LibTorch: the configuration, the
// module tree (named like HuggingFace's state-dict keys), the three models LxmertModel,
// LxmertForPreTraining and LxmertForQuestionAnswering, their outputs and checkpoint I/O.
package lxmert

import (
	"encoding/json"
	"fmt"
)

// LxmertConfig mirrors HF's LxmertConfig field by field (JSON names are config.json's keys).
type LxmertConfig struct {
	VocabSize                 int     `json:"vocab_size"`
	HiddenSize                int     `json:"hidden_size"`
	NumAttentionHeads         int     `json:"num_attention_heads"`
	NumQALabels               int     `json:"num_qa_labels"`
	NumObjectLabels           int     `json:"num_object_labels"`
	NumAttrLabels             int     `json:"num_attr_labels"`
	IntermediateSize          int     `json:"intermediate_size"`
	HiddenAct                 string  `json:"hidden_act"`
	HiddenDropoutProb         float64 `json:"hidden_dropout_prob"`
	AttentionProbsDropoutProb float64 `json:"attention_probs_dropout_prob"`
	MaxPositionEmbeddings     int     `json:"max_position_embeddings"`
	TypeVocabSize             int     `json:"type_vocab_size"`
	InitializerRange          float64 `json:"initializer_range"`
	// LayerNormEps is kept for round trips; like HF, every LayerNorm uses 1e-12 regardless.
	LayerNormEps         float64 `json:"layer_norm_eps"`
	LLayers              int     `json:"l_layers"`
	XLayers              int     `json:"x_layers"`
	RLayers              int     `json:"r_layers"`
	VisualFeatDim        int     `json:"visual_feat_dim"`
	VisualPosDim         int     `json:"visual_pos_dim"`
	VisualLossNormalizer float64 `json:"visual_loss_normalizer"`
	TaskMatched          bool    `json:"task_matched"`
	TaskMaskLM           bool    `json:"task_mask_lm"`
	TaskObjPredict       bool    `json:"task_obj_predict"`
	TaskQA               bool    `json:"task_qa"`
	VisualObjLoss        bool    `json:"visual_obj_loss"`
	VisualAttrLoss       bool    `json:"visual_attr_loss"`
	VisualFeatLoss       bool    `json:"visual_feat_loss"`
	OutputAttentions     bool    `json:"output_attentions"`
	OutputHiddenStates   bool    `json:"output_hidden_states"`

	Architectures []string          `json:"architectures,omitempty"`
	ID2Label      map[string]string `json:"id2label,omitempty"`
	Label2ID      map[string]int    `json:"label2id,omitempty"`

	// Extra holds config.json keys this type does not know, written back unchanged on save.
	Extra map[string]json.RawMessage `json:"-"`
}

// layerNormEps is the epsilon of every LayerNorm in HF's LXMERT (hard-coded there).
const layerNormEps = 1e-12

// DefaultConfig returns HF's defaults (lxmert-base-uncased's architecture).
func DefaultConfig() *LxmertConfig {
	return &LxmertConfig{
		VocabSize: 30522, HiddenSize: 768, NumAttentionHeads: 12, NumQALabels: 9500,
		NumObjectLabels: 1600, NumAttrLabels: 400, IntermediateSize: 3072, HiddenAct: "gelu",
		HiddenDropoutProb: 0.1, AttentionProbsDropoutProb: 0.1, MaxPositionEmbeddings: 512,
		TypeVocabSize: 2, InitializerRange: 0.02, LayerNormEps: 1e-12, LLayers: 9, XLayers: 5,
		RLayers: 5, VisualFeatDim: 2048, VisualPosDim: 4, VisualLossNormalizer: 6.67,
		TaskMatched: true, TaskMaskLM: true, TaskObjPredict: true, TaskQA: true,
		VisualObjLoss: true, VisualAttrLoss: true, VisualFeatLoss: true,
	}
}

// ConfigError reports a configuration field HF would fail on later.
type ConfigError struct {
	Field string
	Msg   string
}

func (e *ConfigError) Error() string { return "lxmert config: " + e.Field + ": " + e.Msg }

// activations are the hidden_act values this port implements.
var activations = map[string]bool{"gelu": true, "relu": true, "tanh": true, "sigmoid": true}

// Validate rejects configurations that cannot build a working model, naming the field.
func (c *LxmertConfig) Validate() error {
	positive := []struct {
		name string
		v    int
	}{
		{"vocab_size", c.VocabSize}, {"hidden_size", c.HiddenSize},
		{"num_attention_heads", c.NumAttentionHeads}, {"num_qa_labels", c.NumQALabels},
		{"num_object_labels", c.NumObjectLabels}, {"num_attr_labels", c.NumAttrLabels},
		{"intermediate_size", c.IntermediateSize}, {"max_position_embeddings", c.MaxPositionEmbeddings},
		{"type_vocab_size", c.TypeVocabSize}, {"l_layers", c.LLayers}, {"x_layers", c.XLayers},
		{"r_layers", c.RLayers}, {"visual_feat_dim", c.VisualFeatDim}, {"visual_pos_dim", c.VisualPosDim},
	}
	for _, p := range positive {
		if p.v <= 0 {
			return &ConfigError{p.name, fmt.Sprintf("must be positive, got %d", p.v)}
		}
	}
	if c.HiddenSize%c.NumAttentionHeads != 0 {
		return &ConfigError{"hidden_size", fmt.Sprintf("%d is not a multiple of num_attention_heads %d", c.HiddenSize, c.NumAttentionHeads)}
	}
	if !activations[c.HiddenAct] {
		return &ConfigError{"hidden_act", fmt.Sprintf("%q is not supported (gelu, relu, tanh, sigmoid)", c.HiddenAct)}
	}
	for _, p := range []struct {
		name string
		v    float64
	}{{"hidden_dropout_prob", c.HiddenDropoutProb}, {"attention_probs_dropout_prob", c.AttentionProbsDropoutProb}} {
		if p.v < 0 || p.v >= 1 {
			return &ConfigError{p.name, fmt.Sprintf("must be in [0, 1), got %v", p.v)}
		}
	}
	if c.InitializerRange < 0 {
		return &ConfigError{"initializer_range", fmt.Sprintf("must not be negative, got %v", c.InitializerRange)}
	}
	return nil
}

// Architecture returns the first entry of architectures, or "" when there is none.
func (c *LxmertConfig) Architecture() string {
	if len(c.Architectures) == 0 {
		return ""
	}
	return c.Architectures[0]
}
