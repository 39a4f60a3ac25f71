package lxmert

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/binding"
)

// Answer rows are independent, so after a resize the kept labels score as before: within the
// parity tolerance, since a GEMM of another shape may take another kernel path.
func TestResizeNumQALabels(t *testing.T) {
	for _, n := range []int{5, 9, 14} {
		m := tinyQA(t)
		s := binding.NewScope()
		in := goodInputs(s)
		before, err := m.ForwardScope(s, in, nil, Options{})
		require.NoError(t, err)
		old := s.Float32s(before.QuestionAnsweringScore)
		require.NoError(t, m.ResizeNumQALabels(n))
		require.Equal(t, n, m.Config.NumQALabels)
		require.Equal(t, []int64{int64(n), 64}, m.GetQALogitLayer().Weight.Shape)
		after, err := m.ForwardScope(s, in, nil, Options{})
		require.NoError(t, err)
		require.Equal(t, []int64{1, int64(n)}, s.Shape(after.QuestionAnsweringScore))
		got := s.Float32s(after.QuestionAnsweringScore)
		k := min(n, 9)
		requireClose(t, old[:k], got[:k], "kept answer scores")
		require.NoError(t, s.Err())
		s.Close()
	}
}

func TestSetQALogitLayer(t *testing.T) {
	m := tinyQA(t)
	s := binding.NewScope()
	defer s.Close()
	require.Error(t, m.SetQALogitLayer(s.Zeros(binding.Float32, 3, 10), s.Zeros(binding.Float32, 3)))
	require.NoError(t, m.SetQALogitLayer(s.Zeros(binding.Float32, 3, 64), s.Full(binding.Float32, 2, 3)))
	require.Equal(t, 3, m.Config.NumQALabels)
	out, err := m.ForwardScope(s, goodInputs(s), nil, Options{})
	require.NoError(t, err)
	require.Equal(t, []float32{2, 2, 2}, s.Float32s(out.QuestionAnsweringScore))
}

// Growing the vocabulary keeps every old word's logit (the decoder is tied to the embeddings).
func TestResizeTokenEmbeddings(t *testing.T) {
	m, err := LxmertForPreTrainingFromPretrained(tinyCases + "tiny-pretrain")
	require.NoError(t, err)
	defer m.Close()
	s := binding.NewScope()
	defer s.Close()
	in := goodInputs(s)
	before, err := m.ForwardScope(s, in, nil, Options{})
	require.NoError(t, err)
	old := s.Float32s(before.PredictionLogits)
	require.NoError(t, m.ResizeTokenEmbeddings(130))
	require.Equal(t, 130, m.Config.VocabSize)
	require.Same(t, m.Lxmert.Embeddings.WordEmbeddings, m.Cls.Predictions.Decoder)
	after, err := m.ForwardScope(s, in, nil, Options{})
	require.NoError(t, err)
	require.Equal(t, []int64{1, 4, 130}, s.Shape(after.PredictionLogits))
	got := s.Float32s(after.PredictionLogits)
	for pos := 0; pos < 4; pos++ {
		requireClose(t, old[pos*120:(pos+1)*120], got[pos*130:pos*130+120], "kept word logits")
	}
	sd, err := m.StateDict()
	require.NoError(t, err)
	bias, _ := sd.Get("cls.predictions.bias")
	require.Equal(t, []int64{130}, bias.Shape)
}

// A failed SetQALogitLayer leaves the model usable: the caller's bad tensor must not poison
// the parameter store.
func TestSetQALogitLayerFailureKeepsModel(t *testing.T) {
	m := tinyQA(t)
	s := binding.NewScope()
	defer s.Close()
	err := m.SetQALogitLayer(s.Zeros(binding.Float32, 3, 64), s.Zeros(binding.Int64, 3))
	require.NoError(t, err) // ints convert
	freed := s.Zeros(binding.Float32, 3)
	s.Keep(freed)
	binding.Free(freed)
	require.Error(t, m.SetQALogitLayer(s.Zeros(binding.Float32, 3, 64), freed))
	require.NoError(t, m.ResizeNumQALabels(4))
	out, err := m.ForwardScope(s, goodInputs(s), nil, Options{})
	require.NoError(t, err)
	require.Equal(t, []int64{1, 4}, s.Shape(out.QuestionAnsweringScore))
}
