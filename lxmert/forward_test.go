package lxmert

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/binding"
)

func tinyQA(t *testing.T) *LxmertForQuestionAnswering {
	m, err := LxmertForQuestionAnsweringFromPretrained(tinyCases + "tiny-qa")
	require.NoError(t, err)
	t.Cleanup(m.Close)
	return m
}

// goodInputs are valid inputs for the tiny config (vocab 120, feat 24, pos 4).
func goodInputs(s *binding.Scope) Inputs {
	return Inputs{
		InputIDs:    s.FromInt64([]int64{101, 5, 7, 102}, 1, 4),
		VisualFeats: s.Full(binding.Float32, 0.5, 1, 3, 24),
		VisualPos:   s.Full(binding.Float32, 0.25, 1, 3, 4),
	}
}

// Bad inputs come back as an InputError naming the tensor and what is wrong.
func TestInputErrors(t *testing.T) {
	m := tinyQA(t)
	cases := []struct {
		name, tensor, msg string
		edit              func(s *binding.Scope, in *Inputs)
	}{
		{"ids out of vocab", "input_ids", "outside [0, 120)", func(s *binding.Scope, in *Inputs) {
			in.InputIDs = s.FromInt64([]int64{1, 500}, 1, 2)
		}},
		{"ids float", "input_ids", "dtype", func(s *binding.Scope, in *Inputs) {
			in.InputIDs = s.Full(binding.Float32, 1, 1, 4)
		}},
		{"ids 1-D", "input_ids", "expected shape [* *]", func(s *binding.Scope, in *Inputs) {
			in.InputIDs = s.FromInt64([]int64{1, 2}, 2)
		}},
		{"too long", "input_ids", "max_position_embeddings 40", func(s *binding.Scope, in *Inputs) {
			in.InputIDs = s.Zeros(binding.Int64, 1, 41)
		}},
		{"feature size", "visual_feats", "expected shape [1 * 24]", func(s *binding.Scope, in *Inputs) {
			in.VisualFeats = s.Zeros(binding.Float32, 1, 3, 2048)
		}},
		{"batch mismatch", "visual_pos", "expected shape [1 3 4]", func(s *binding.Scope, in *Inputs) {
			in.VisualPos = s.Zeros(binding.Float32, 2, 3, 4)
		}},
		{"mask length", "attention_mask", "expected shape [1 4]", func(s *binding.Scope, in *Inputs) {
			in.AttentionMask = s.Ones(binding.Int64, 1, 5)
		}},
		{"token type range", "token_type_ids", "type_vocab_size", func(s *binding.Scope, in *Inputs) {
			in.TokenTypeIDs = s.FromInt64([]int64{0, 0, 2, 0}, 1, 4)
		}},
		{"no visual features", "visual_feats", "required", func(s *binding.Scope, in *Inputs) {
			in.VisualFeats = binding.Tensor{}
		}},
		{"no text", "input_ids", "missing", func(s *binding.Scope, in *Inputs) {
			in.InputIDs = binding.Tensor{}
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := binding.NewScope()
			defer s.Close()
			in := goodInputs(s)
			c.edit(s, &in)
			_, err := m.ForwardScope(s, in, nil, Options{})
			var ie *InputError
			require.ErrorAs(t, err, &ie)
			require.Equal(t, c.tensor, ie.Tensor)
			require.Contains(t, err.Error(), c.msg)
		})
	}
}

// Forward owns its outputs; eval forwards repeat exactly, train-mode forwards apply dropout.
func TestForwardOwnershipAndModes(t *testing.T) {
	m := tinyQA(t)
	s := binding.NewScope()
	defer s.Close()
	in := goodInputs(s)
	first, err := m.Forward(in, nil, Options{OutputAttentions: true})
	require.NoError(t, err)
	require.Len(t, first.CrossEncoderAttentions, 1)
	require.Nil(t, first.LanguageHiddenStates)
	require.True(t, first.Loss.IsNil())
	a := s.Float32s(first.QuestionAnsweringScore)
	rg, err := binding.RequiresGrad(first.QuestionAnsweringScore)
	require.NoError(t, err)
	require.False(t, rg, "an eval forward records no autograd graph")
	first.Close()
	first.Close() // twice is safe
	again, err := m.Forward(in, nil, Options{})
	require.NoError(t, err)
	requireClose(t, a, s.Float32s(again.QuestionAnsweringScore), "repeated eval forward")
	again.Close()

	m.Train()
	defer m.Eval()
	binding.ManualSeed(1)
	t1, err := m.Forward(in, nil, Options{})
	require.NoError(t, err)
	defer t1.Close()
	t2, err := m.Forward(in, nil, Options{})
	require.NoError(t, err)
	defer t2.Close()
	require.NotEqual(t, s.Float32s(t1.QuestionAnsweringScore), s.Float32s(t2.QuestionAnsweringScore))
	rg, err = binding.RequiresGrad(t1.QuestionAnsweringScore)
	require.NoError(t, err)
	require.True(t, rg, "a train-mode forward records the graph for backward")
	require.NoError(t, s.Err())
}

// Visual labels must name the config's visual losses, all of them.
func TestObjLabelErrors(t *testing.T) {
	m, err := LxmertForPreTrainingFromPretrained(tinyCases + "tiny-pretrain")
	require.NoError(t, err)
	defer m.Close()
	s := binding.NewScope()
	defer s.Close()
	conf := s.Ones(binding.Float32, 1, 3)
	_, err = m.ForwardScope(s, goodInputs(s), &PreTrainingLabels{ObjLabels: map[string]ObjLabel{
		"objects": {Label: s.Zeros(binding.Int64, 1, 3), Conf: conf}}}, Options{})
	require.ErrorContains(t, err, `"objects" is not a visual loss`)
	s2 := binding.NewScope()
	defer s2.Close()
	_, err = m.ForwardScope(s2, goodInputs(s2), &PreTrainingLabels{ObjLabels: map[string]ObjLabel{
		"obj": {Label: s2.Zeros(binding.Int64, 1, 3), Conf: s2.Ones(binding.Float32, 1, 3)}}}, Options{})
	require.ErrorContains(t, err, `missing label or confidence for "attr"`)
}

// A tensor that failed to build is reported as the cause, not as a missing input.
func TestInputBuildErrorIsTheCause(t *testing.T) {
	m := tinyQA(t)
	s := binding.NewScope()
	defer s.Close()
	in := goodInputs(s)
	in.VisualPos = s.FromFloat32(make([]float32, 10), 1, 36, 4)
	_, err := m.ForwardScope(s, in, nil, Options{})
	require.ErrorContains(t, err, "building the inputs failed")
	require.ErrorContains(t, err, "shape [1 36 4] holds 144 elements, data has 10")
}

// Close twice, or on a zero value, is safe.
func TestCloseIsSafe(t *testing.T) {
	var zero LxmertModel
	zero.Close()
	var zqa LxmertForQuestionAnswering
	zqa.Close()
	m := tinyQA(t)
	m.Close()
	m.Close()
}
