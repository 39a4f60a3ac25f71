package lxmert

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDefaultConfigIsHFs(t *testing.T) {
	c := DefaultConfig()
	require.Equal(t, 30522, c.VocabSize)
	require.Equal(t, 768, c.HiddenSize)
	require.Equal(t, 12, c.NumAttentionHeads)
	require.Equal(t, 9500, c.NumQALabels)
	require.Equal(t, 1600, c.NumObjectLabels)
	require.Equal(t, 400, c.NumAttrLabels)
	require.Equal(t, 3072, c.IntermediateSize)
	require.Equal(t, "gelu", c.HiddenAct)
	require.Equal(t, 512, c.MaxPositionEmbeddings)
	require.Equal(t, []int{9, 5, 5}, []int{c.LLayers, c.XLayers, c.RLayers})
	require.Equal(t, 2048, c.VisualFeatDim)
	require.Equal(t, 6.67, c.VisualLossNormalizer)
	require.True(t, c.TaskMatched && c.TaskMaskLM && c.TaskObjPredict && c.TaskQA)
	require.True(t, c.VisualObjLoss && c.VisualAttrLoss && c.VisualFeatLoss)
	require.False(t, c.OutputAttentions || c.OutputHiddenStates)
	require.NoError(t, c.Validate())
}

// HF's save_pretrained output loads with its values, and unknown keys survive a round trip.
func TestConfigRoundTrip(t *testing.T) {
	c, err := LoadConfig("../tests/testdata/parity/tiny-qa")
	require.NoError(t, err)
	require.Equal(t, 32, c.HiddenSize)
	require.Equal(t, []string{ArchQuestionQA}, c.Architectures)
	require.Contains(t, c.Extra, "transformers_version")
	c.Extra["my_custom_key"] = json.RawMessage(`{"a":[1,2]}`)
	path := filepath.Join(t.TempDir(), "config.json")
	require.NoError(t, c.Save(path))
	back, err := LoadConfig(path)
	require.NoError(t, err)
	require.Equal(t, c, back)
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Contains(t, string(raw), `"my_custom_key"`)
	require.Contains(t, string(raw), `"model_type": "lxmert"`)
}

func TestConfigValidateNamesTheField(t *testing.T) {
	cases := []struct {
		field string
		edit  func(c *LxmertConfig)
	}{
		{"hidden_size", func(c *LxmertConfig) { c.HiddenSize = 100 }},
		{"num_attention_heads", func(c *LxmertConfig) { c.NumAttentionHeads = 0 }},
		{"l_layers", func(c *LxmertConfig) { c.LLayers = 0 }},
		{"x_layers", func(c *LxmertConfig) { c.XLayers = -1 }},
		{"vocab_size", func(c *LxmertConfig) { c.VocabSize = 0 }},
		{"hidden_act", func(c *LxmertConfig) { c.HiddenAct = "swish9" }},
		{"hidden_dropout_prob", func(c *LxmertConfig) { c.HiddenDropoutProb = 1.5 }},
	}
	for _, tc := range cases {
		t.Run(tc.field, func(t *testing.T) {
			c := DefaultConfig()
			tc.edit(c)
			err := c.Validate()
			var ce *ConfigError
			require.ErrorAs(t, err, &ce)
			require.Equal(t, tc.field, ce.Field)
			_, err = NewLxmertModel(c)
			require.Error(t, err)
		})
	}
}

func TestLoadConfigErrors(t *testing.T) {
	dir := t.TempDir()
	_, err := LoadConfig(filepath.Join(dir, "missing.json"))
	require.ErrorContains(t, err, "missing.json")
	bad := filepath.Join(dir, "config.json")
	require.NoError(t, os.WriteFile(bad, []byte(`{"hidden_size": "big"}`), 0o644))
	_, err = LoadConfig(dir)
	require.ErrorContains(t, err, "hidden_size")
	require.NoError(t, os.WriteFile(bad, []byte(`{"hidden_size": 30}`), 0o644))
	_, err = LoadConfig(dir)
	require.ErrorContains(t, err, "not a multiple of num_attention_heads")
}
