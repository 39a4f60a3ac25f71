package weights

import (
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Original LXMERT key names (github.com/airsplay/lxmert, src/lxrt/modeling.py
// and src/tasks/vqa_model.py) and their HF names.
func TestMapOriginalKey(t *testing.T) {
	for _, tc := range []struct{ original, hf string }{
		// model_LXRT.pth (pre-training, saved from DataParallel)
		{"module.bert.embeddings.word_embeddings.weight", "lxmert.embeddings.word_embeddings.weight"},
		{"module.bert.encoder.layer.0.attention.self.query.weight", "lxmert.encoder.layer.0.attention.self.query.weight"},
		{"module.bert.encoder.r_layers.4.output.LayerNorm.bias", "lxmert.encoder.r_layers.4.output.LayerNorm.bias"},
		{"module.bert.encoder.x_layers.2.visual_attention.att.key.bias", "lxmert.encoder.x_layers.2.visual_attention.att.key.bias"},
		{"module.bert.encoder.visn_fc.visn_fc.weight", "lxmert.encoder.visn_fc.visn_fc.weight"},
		{"module.bert.encoder.visn_fc.box_layer_norm.weight", "lxmert.encoder.visn_fc.box_layer_norm.weight"},
		{"module.bert.pooler.dense.weight", "lxmert.pooler.dense.weight"},
		{"module.cls.predictions.transform.dense.weight", "cls.predictions.transform.dense.weight"},
		{"module.cls.predictions.decoder.weight", "cls.predictions.decoder.weight"},
		{"module.cls.predictions.bias", "cls.predictions.bias"},
		{"module.cls.seq_relationship.weight", "cls.seq_relationship.weight"},
		{"module.obj_predict_head.decoder_dict.obj.weight", "obj_predict_head.decoder_dict.obj.weight"},
		{"module.answer_head.logit_fc.3.bias", "answer_head.logit_fc.3.bias"},
		// the same without DataParallel
		{"bert.encoder.layer.8.intermediate.dense.bias", "lxmert.encoder.layer.8.intermediate.dense.bias"},
		// fine-tuned VQA/GQA models (VQAModel: lxrt_encoder + logit_fc)
		{"lxrt_encoder.model.bert.encoder.x_layers.0.lang_self_att.output.dense.weight", "lxmert.encoder.x_layers.0.lang_self_att.output.dense.weight"},
		{"lxrt_encoder.model.module.bert.embeddings.LayerNorm.weight", "lxmert.embeddings.LayerNorm.weight"},
		{"logit_fc.0.weight", "answer_head.logit_fc.0.weight"},
		{"logit_fc.2.bias", "answer_head.logit_fc.2.bias"},
		{"module.logit_fc.3.weight", "answer_head.logit_fc.3.weight"},
		// TensorFlow-style LayerNorm names
		{"bert.embeddings.LayerNorm.gamma", "lxmert.embeddings.LayerNorm.weight"},
		{"bert.encoder.layer.0.output.LayerNorm.beta", "lxmert.encoder.layer.0.output.LayerNorm.bias"},
		// already HF, or unknown: unchanged
		{"lxmert.encoder.layer.0.output.dense.weight", "lxmert.encoder.layer.0.output.dense.weight"},
		{"answer_head.logit_fc.0.weight", "answer_head.logit_fc.0.weight"},
		{"something.else", "something.else"},
		{"gamma", "gamma"},
	} {
		t.Run(tc.original, func(t *testing.T) {
			require.Equal(t, tc.hf, MapOriginalKey(tc.original))
		})
	}
}

// Every key of a real HF model survives unchanged, and its DataParallel /
// original-repo spelling maps back to it.
func TestMapOriginalKeysOnTinyModel(t *testing.T) {
	raw, err := os.ReadFile(fixture("tiny_lxmert_keys.json"))
	require.NoError(t, err)
	var keys struct {
		Shapes map[string][]int64 `json:"shapes"`
	}
	require.NoError(t, json.Unmarshal(raw, &keys))
	hf, orig := NewStateDict(), NewStateDict()
	for name, shape := range keys.Shapes {
		n, err := numElements(shape)
		require.NoError(t, err)
		data := make([]byte, 4*n)
		hf.Set(&Tensor{Name: name, DType: F32, Shape: shape, Data: data})
		o := "module." + strings.Replace(name, "lxmert.", "bert.", 1)
		orig.Set(&Tensor{Name: o, DType: F32, Shape: shape, Data: data})
	}
	for _, sd := range []*StateDict{hf, orig} {
		mapped, err := MapOriginalKeys(sd)
		require.NoError(t, err)
		require.NoError(t, CheckKeys(mapped, keys.Shapes, nil))
	}
}

func TestMapOriginalKeysCollision(t *testing.T) {
	sd := NewStateDict()
	sd.Set(&Tensor{Name: "bert.pooler.dense.bias", DType: U8, Shape: []int64{1}, Data: []byte{1}})
	sd.Set(&Tensor{Name: "module.bert.pooler.dense.bias", DType: U8, Shape: []int64{1}, Data: []byte{2}})
	_, err := MapOriginalKeys(sd)
	require.ErrorContains(t, err, `keys "bert.pooler.dense.bias" and "module.bert.pooler.dense.bias" both map to "lxmert.pooler.dense.bias"`)
}
