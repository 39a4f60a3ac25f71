package lxmert

import (
	"math/rand"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/binding"
)

// The QA model without hidden states or attentions computes only the last X-layer's first
// language token (the pooler's input); its scores stay within the parity tolerance of HF's
// on the committed case (padding in both masks), in fp32, at one and two threads.
func TestQAFirstTokenPathMatchesReference(t *testing.T) {
	dir, in, want := tinyCase(t, "tiny-qa")
	m, err := LxmertForQuestionAnsweringFromPretrained(dir)
	require.NoError(t, err)
	defer m.Close()
	for _, threads := range []int{1, 2} {
		withThreads(t, threads)
		got, err := ForwardNamed(m, in, Options{IgnoreConfigOutputs: true})
		require.NoError(t, err)
		require.Contains(t, got.Names, "question_answering_score")
		require.NotContains(t, got.Names, "language_hidden_states.0")
		for _, n := range got.Names { // the scores and, with the case's labels, the loss
			requireClose(t, values(t, want, n), values(t, got, n), n)
		}
	}
}

// forwardFirst equals the full X-layer's language output at the first token, with padded
// masks on both sides, in fp32 (parity tolerance), bf16 and int8 (close), at batch 1 and 3.
func TestXLayerFirstMatchesFullLayer(t *testing.T) {
	dir, _, _ := tinyCase(t, "tiny-qa")
	m, err := LxmertForQuestionAnsweringFromPretrained(dir)
	require.NoError(t, err)
	defer m.Close()
	x := m.Lxmert.Encoder.XLayers[len(m.Lxmert.Encoder.XLayers)-1]
	h := int64(m.Config.HiddenSize)
	rng := rand.New(rand.NewSource(3))
	for _, batch := range []int64{1, 3} {
		for _, prec := range []binding.Precision{binding.PrecisionF32, binding.PrecisionBF16, binding.PrecisionInt8} {
			s := binding.NewScope()
			lang, visn := randRows(s, rng, batch, 7, h), randRows(s, rng, batch, 5, h)
			lm, vm := padMask(s, batch, 7, 2), padMask(s, batch, 5, 1)
			r := run{s: s, fast: m.params.fast, prec: prec}
			full, _, _ := x.forward(r, lang, lm, visn, vm, false)
			first := x.forwardFirst(r, lang, lm, visn, vm)
			want := s.Float32s(s.Narrow(full, 1, 0, 1))
			got := s.Float32s(first)
			require.NoError(t, s.Err())
			shape, err := binding.Shape(first)
			require.NoError(t, err)
			require.Equal(t, []int64{batch, 1, h}, shape)
			if prec == binding.PrecisionF32 {
				requireClose(t, want, got, "first token")
			} else {
				require.InDeltaSlice(t, want, got, 0.05, "first token (precision %d)", prec)
			}
			s.Close()
		}
	}
}

func randRows(s *binding.Scope, rng *rand.Rand, b, l, h int64) binding.Tensor {
	v := make([]float32, b*l*h)
	for i := range v {
		v[i] = float32(rng.NormFloat64())
	}
	return s.FromFloat32(v, b, l, h)
}

// padMask is an extended mask over l positions whose last pad are padding (example 0 keeps
// all positions, so both kinds of rows are covered).
func padMask(s *binding.Scope, b, l, pad int64) binding.Tensor {
	v := make([]float32, b*l)
	for i := int64(0); i < b; i++ {
		for j := int64(0); j < l; j++ {
			if i == 0 || j < l-pad {
				v[i*l+j] = 1
			}
		}
	}
	return s.ExtendMask(s.FromFloat32(v, b, l))
}
