package weights

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func TestTFWeightToPT(t *testing.T) {
	for _, c := range []struct {
		tf, pt    string
		transpose bool
	}{
		{"tf_lxmert_model/lxmert/encoder/layer_._3/attention/self/query/kernel:0", "lxmert.encoder.layer.3.attention.self.query.weight", true},
		{"s/lxmert/encoder/x_layers_._0/visual_attention/output/LayerNorm/gamma:0", "lxmert.encoder.x_layers.0.visual_attention.output.LayerNorm.weight", false},
		{"s/lxmert/encoder/visn_fc/box_layer_norm/beta:0", "lxmert.encoder.visn_fc.box_layer_norm.bias", false},
		{"s/lxmert/embeddings/token_type_embeddings/embeddings:0", "lxmert.embeddings.token_type_embeddings.weight", false},
		{"s/lxmert/embeddings/word_embeddings/weight:0", "lxmert.embeddings.word_embeddings.weight", false},
		{"s/obj_predict_head/decoder_dict.obj/kernel:0", "obj_predict_head.decoder_dict.obj.weight", true},
		{"s/answer_head/logit_fc_._2/gamma:0", "answer_head.logit_fc.2.weight", false},
		{"s/cls/predictions/bias:0", "cls.predictions.bias", false},
		{"s/outer___inner/dense/bias:0", "inner.dense.bias", false}, // HF's "A___B" rule
	} {
		pt, tr := TFWeightToPT(c.tf)
		require.Equal(t, c.pt, pt, c.tf)
		require.Equal(t, c.transpose, tr, c.tf)
	}
	_, _, err := TFDatasetToPT("lonely:0")
	require.Error(t, err)
	require.Equal(t, "tf_lxmert_model", TFScopeOf("lxmert/tf_lxmert_model/lxmert/pooler/dense/bias:0"))
}

func TestPTToTFWeight(t *testing.T) {
	for pt, tf := range map[string]string{
		"encoder.r_layers.1.output.dense.weight":            "sc/lxmert/encoder/r_layers_._1/output/dense/kernel:0", // bare-model name
		"lxmert.embeddings.position_embeddings.weight":      "sc/lxmert/embeddings/position_embeddings/embeddings:0",
		"lxmert.embeddings.word_embeddings.weight":          "sc/lxmert/embeddings/word_embeddings/weight:0",
		"obj_predict_head.decoder_dict.feat.bias":           "sc/obj_predict_head/decoder_dict.feat/bias:0",
		"answer_head.logit_fc.2.bias":                       "sc/answer_head/logit_fc_._2/beta:0",
		"cls.predictions.transform.LayerNorm.weight":        "sc/cls/predictions/transform/LayerNorm/gamma:0",
		"lxmert.encoder.visn_fc.visn_layer_norm.weight":     "sc/lxmert/encoder/visn_fc/visn_layer_norm/gamma:0",
		"lxmert.encoder.x_layers.0.lang_inter.dense.weight": "sc/lxmert/encoder/x_layers_._0/lang_inter/dense/kernel:0",
	} {
		got, _ := PTToTFWeight(pt, "sc")
		require.Equal(t, tf, got, pt)
	}
}

// FromTF transposes kernels, merges identical copies and refuses differing ones.
func TestFromTF(t *testing.T) {
	k, err := FromFloat32("L/s/d/kernel:0", []int64{2, 3}, []float32{1, 2, 3, 4, 5, 6})
	require.NoError(t, err)
	e1, _ := FromFloat32("L/s/e/word_embeddings/weight:0", []int64{2}, []float32{1, 2})
	e2, _ := FromFloat32("cls/s/e/word_embeddings/weight:0", []int64{2}, []float32{1, 2})
	sd := NewStateDict()
	for _, x := range []*Tensor{k, e1, e2} {
		sd.Set(x)
	}
	out, src, err := FromTF(sd)
	require.NoError(t, err)
	require.Equal(t, 2, out.Len())
	w, _ := out.Get("d.weight")
	require.Equal(t, []int64{3, 2}, w.Shape)
	v, _ := w.Float32()
	require.Equal(t, []float32{1, 4, 2, 5, 3, 6}, v)
	require.Equal(t, "L/s/d/kernel:0", src["d.weight"])
	e3, _ := FromFloat32("cls/s/e/word_embeddings/weight:0", []int64{2}, []float32{1, 3})
	sd.Set(e3)
	_, _, err = FromTF(sd)
	require.ErrorContains(t, err, "both hold e.word_embeddings.weight but differ")
}
