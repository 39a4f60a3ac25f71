package lxmert

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/binding"
	"github.com/lxmert-go/golxmert/lxmert/weights"
)

// requireSameState asserts two state dicts hold the same names, shapes and bytes (a copy
// in and out of LibTorch, so exact equality is the claim).
func requireSameState(t *testing.T, want, got *weights.StateDict) {
	t.Helper()
	require.Equal(t, want.Names, got.Names)
	for _, n := range want.Names {
		w, _ := want.Get(n)
		g, _ := got.Get(n)
		require.Equal(t, w.Shape, g.Shape, n)
		require.Equal(t, w.Data, g.Data, n)
	}
}

// A load that fails on any tensor (not floating point, bytes that do not match the shape)
// changes nothing: every check runs before the first parameter is swapped.
func TestLoadIsAtomic(t *testing.T) {
	m := tinyQA(t)
	before, err := m.StateDict()
	require.NoError(t, err)
	last := before.Names[len(before.Names)-1]
	cases := map[string]func(sd *weights.StateDict){
		"integer tensor": func(sd *weights.StateDict) {
			h, _ := sd.Get(last)
			c := *h
			c.DType = weights.I32 // same byte count, not a floating type
			sd.Set(&c)
		},
		"short data": func(sd *weights.StateDict) {
			h, _ := sd.Get(last)
			c := *h
			c.Data = c.Data[:len(c.Data)-4]
			sd.Set(&c)
		},
	}
	for name, spoil := range cases {
		t.Run(name, func(t *testing.T) {
			sd, err := m.StateDict()
			require.NoError(t, err)
			for _, n := range sd.Names { // every other tensor changes, so a partial load would show
				h, _ := sd.Get(n)
				for i := range h.Data {
					h.Data[i] ^= 0x01
				}
			}
			spoil(sd)
			err = m.LoadStateDict(sd)
			require.ErrorContains(t, err, last)
			after, err := m.StateDict()
			require.NoError(t, err)
			requireSameState(t, before, after)
		})
	}
	require.Error(t, m.LoadStateDict(nil))
	s := binding.NewScope()
	defer s.Close()
	_, err = m.ForwardScope(s, goodInputs(s), nil, Options{})
	require.NoError(t, err)
}

// A resize that cannot be done (an absurd size) returns an error and leaves the model, its
// config and its parameter store usable; a two-tensor resize is all or nothing.
func TestFailedResizeKeepsModel(t *testing.T) {
	m := tinyQA(t)
	before, err := m.StateDict()
	require.NoError(t, err)
	for _, n := range []int{0, -3, 1 << 40} {
		require.Error(t, m.ResizeNumQALabels(n), n)
	}
	require.Equal(t, 9, m.Config.NumQALabels)
	after, err := m.StateDict()
	require.NoError(t, err)
	requireSameState(t, before, after)
	require.NoError(t, m.ResizeNumQALabels(4))
	s := binding.NewScope()
	defer s.Close()
	out, err := m.ForwardScope(s, goodInputs(s), nil, Options{})
	require.NoError(t, err)
	require.Equal(t, []int64{1, 4}, s.Shape(out.QuestionAnsweringScore))

	dir, _, _ := tinyCase(t, "tiny-pretrain")
	p, err := LxmertForPreTrainingFromPretrained(dir)
	require.NoError(t, err)
	defer p.Close()
	pb, err := p.StateDict()
	require.NoError(t, err)
	require.Error(t, p.ResizeTokenEmbeddings(1<<40))
	pa, err := p.StateDict()
	require.NoError(t, err)
	requireSameState(t, pb, pa)
	require.Equal(t, 120, p.Config.VocabSize)
}

// countdown is a context whose Err turns to Canceled after n calls: it stops a forward at a
// chosen layer boundary, deterministically.
type countdown struct {
	context.Context
	n int
}

func (c *countdown) Err() error {
	if c.n <= 0 {
		return context.Canceled
	}
	c.n--
	return nil
}

// A context stops the forward at the next layer boundary with the context's own error; the
// same forward with a context that stays live gives the normal result.
func TestForwardContext(t *testing.T) {
	m := tinyQA(t)
	s := binding.NewScope()
	defer s.Close()
	in := goodInputs(s)
	want, err := m.ForwardScope(s, in, nil, Options{})
	require.NoError(t, err)
	wantScores := s.Float32s(want.QuestionAnsweringScore)

	done, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = m.ForwardContext(done, in, nil, Options{})
	require.ErrorIs(t, err, context.Canceled)
	expired, cancel2 := context.WithTimeout(context.Background(), 0)
	defer cancel2()
	_, err = m.Forward(in, nil, Options{Context: expired})
	require.ErrorIs(t, err, context.DeadlineExceeded)

	checks := 0
	for n := 0; ; n++ { // every boundary in turn, until one forward runs to the end
		fs := binding.NewScope()
		out, err := m.ForwardScope(fs, goodInputs(fs), nil, Options{Context: &countdown{context.Background(), n}})
		if err == nil {
			requireClose(t, wantScores, fs.Float32s(out.QuestionAnsweringScore), "uncancelled scores")
			fs.Close()
			break
		}
		require.True(t, errors.Is(err, context.Canceled), "boundary %d: %v", n, err)
		fs.Close()
		checks++
	}
	// the tiny model has 2+1+1 layers: the start, each layer, the end of the encoder, the head
	require.GreaterOrEqual(t, checks, 6)
}

// IgnoreConfigOutputs turns off attentions a config asks for; without it the config wins.
func TestOptionsOverrideConfig(t *testing.T) {
	m := tinyQA(t)
	m.Config.OutputAttentions = true
	defer func() { m.Config.OutputAttentions = false }()
	s := binding.NewScope()
	defer s.Close()
	in := goodInputs(s)
	out, err := m.ForwardScope(s, in, nil, Options{})
	require.NoError(t, err)
	require.Len(t, out.CrossEncoderAttentions, 1)
	out, err = m.ForwardScope(s, in, nil, Options{IgnoreConfigOutputs: true})
	require.NoError(t, err)
	require.Empty(t, out.CrossEncoderAttentions)
	require.Empty(t, out.LanguageAttentions)
}

// Zero-value, nil and closed models return errors from every method; none panics.
func TestUnusableModelsFailCleanly(t *testing.T) {
	s := binding.NewScope()
	defer s.Close()
	in := goodInputs(s)
	var zero LxmertModel
	_, err := zero.Forward(in, Options{})
	require.Error(t, err)
	var nilQA *LxmertForQuestionAnswering
	_, err = nilQA.ForwardScope(s, in, nil, Options{})
	require.Error(t, err)
	nilQA.Close()
	require.Error(t, nilQA.ResizeNumQALabels(3))
	var zeroPT LxmertForPreTraining
	_, err = zeroPT.Forward(in, nil, Options{})
	require.Error(t, err)
	require.Nil(t, zeroPT.Parameters())
	_, err = zeroPT.StateDict()
	require.Error(t, err)
	zeroPT.Train()
	require.False(t, zeroPT.Training())

	m := tinyQA(t)
	m.Close()
	_, err = m.ForwardScope(s, in, nil, Options{})
	require.ErrorIs(t, err, ErrClosed)
	_, err = m.Forward(in, nil, Options{})
	require.ErrorIs(t, err, ErrClosed)
	require.ErrorIs(t, m.LoadStateDict(weights.NewStateDict()), ErrClosed)
	require.ErrorIs(t, m.ResizeNumQALabels(3), ErrClosed)
	require.ErrorIs(t, m.SetQALogitLayer(s.Zeros(binding.Float32, 3, 64), s.Zeros(binding.Float32, 3)), ErrClosed)
	require.ErrorIs(t, m.ZeroGrad(), ErrClosed)
	require.ErrorIs(t, m.SavePretrained(t.TempDir()), ErrClosed)
	_, err = m.Grads()
	require.ErrorIs(t, err, ErrClosed)
	m.Train()
	m.Eval()
	require.NoError(t, s.Err(), "the caller's scope is not poisoned by a closed model")
}

// The parameters of a model cannot be freed from outside it: binding.Free and Keep/Adopt on
// them leave the model working.
func TestParametersCannotBeFreedFromOutside(t *testing.T) {
	m := tinyQA(t)
	s := binding.NewScope()
	defer s.Close()
	for _, p := range m.Parameters() {
		binding.Free(p.T)
		s.Keep(p.T)
	}
	_, err := m.ForwardScope(s, goodInputs(s), nil, Options{})
	require.NoError(t, err)
}
