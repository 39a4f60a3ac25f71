package lxmert

import (
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// New models are initialised as HF's _init_weights: weights N(0, initializer_range), biases 0,
// LayerNorm 1/0, embedding padding rows 0, and the LM decoder tied to the word embeddings.
func TestInitLikeHF(t *testing.T) {
	c := DefaultConfig()
	c.HiddenSize, c.NumAttentionHeads, c.IntermediateSize = 64, 4, 96
	c.LLayers, c.XLayers, c.RLayers, c.VocabSize, c.VisualFeatDim = 1, 1, 1, 500, 40
	m, err := NewLxmertForPreTraining(c)
	require.NoError(t, err)
	defer m.Close()
	sd, err := m.StateDict()
	require.NoError(t, err)
	_, hasDecoder := sd.Get("cls.predictions.decoder.weight")
	require.False(t, hasDecoder)
	for _, name := range sd.Names {
		v := values(t, sd, name)
		isNorm := strings.Contains(name, "LayerNorm") || strings.Contains(name, "layer_norm") || strings.Contains(name, "logit_fc.2")
		switch {
		case isNorm && strings.HasSuffix(name, ".weight"):
			for _, x := range v {
				require.Equal(t, float32(1), x, name)
			}
		case strings.HasSuffix(name, "bias"):
			for _, x := range v {
				require.Equal(t, float32(0), x, name)
			}
		default:
			var sum, sq float64
			for _, x := range v {
				sum += float64(x)
				sq += float64(x) * float64(x)
			}
			n := float64(len(v))
			std := math.Sqrt(sq/n - (sum/n)*(sum/n))
			if len(v) >= 4000 {
				require.InDelta(t, 0.02, std, 0.002, name)
				require.InDelta(t, 0, sum/n, 0.002, name)
			}
			if strings.Contains(name, "embeddings") {
				h, _ := sd.Get(name)
				row := v[:h.Shape[1]]
				require.Equal(t, make([]float32, len(row)), row, "%s padding row", name)
			}
		}
	}
}
