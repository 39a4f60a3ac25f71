package binding

import (
	"math/rand"
	"testing"

	"github.com/stretchr/testify/require"
)

// stackLayers makes n random layers (attention and FFN blocks) of width h.
func stackLayers(s *Scope, rng *rand.Rand, n int, h int64) (atts []*FastAttention, ffns []*FastFFN) {
	for i := 0; i < n; i++ {
		a, _, _, f, _ := pairLayer(s, rng, h)
		atts, ffns = append(atts, a), append(ffns, f)
	}
	return atts, ffns
}

// A stack on a helper thread gives what the same FastLayer calls give one after another on
// this thread, bit for bit (same kernels, same team size), probabilities included; so does
// its feature encoder, against the calls lxmert composes it from.
func TestFastStackMatchesLayers(t *testing.T) {
	f, err := NewFastContext()
	require.NoError(t, err)
	defer f.Close()
	s := NewScope()
	defer s.Close()
	rng := rand.New(rand.NewSource(5))
	atts, ffns := stackLayers(s, rng, 3, 64)
	x := randTensor(s, rng, 1, 2, 9, 64)
	mask := s.Full(Float32, 0, 2, 1, 1, 9)
	cfg := FastConfig{Heads: 4, Act: ActGELU, Eps: 1e-12, Threads: 1}
	fc := &FastFeatures{Visn: randLinear(s, rng, 64, 40), Box: randLinear(s, rng, 64, 4), VisnNormW: randTensor(s, rng, 1, 64), VisnNormB: randTensor(s, rng, 1, 64),
		BoxNormW: randTensor(s, rng, 1, 64), BoxNormB: randTensor(s, rng, 1, 64), Eps: 1e-12,
		Feats: randTensor(s, rng, 1, 2, 5, 40), Pos: randTensor(s, rng, 1, 2, 5, 4)}
	st := s.StartFastStack(f, cfg, atts, ffns, x, mask, true, fc)
	require.NotNil(t, st)
	feats := s.FastStackFeatures(st)
	outs, probs := s.WaitFastStack(st)
	require.NoError(t, s.Err())
	a := s.FastLayerNorm(f, 1, s.FastLinear(f, PrecisionF32, 1, fc.Feats, fc.Visn, ActNone), fc.VisnNormW, fc.VisnNormB, 1e-12)
	b := s.FastLayerNorm(f, 1, s.FastLinear(f, PrecisionF32, 1, fc.Pos, fc.Box, ActNone), fc.BoxNormW, fc.BoxNormB, 1e-12)
	require.Equal(t, s.Float32s(s.DivScalar(s.Add(a, b), 2)), s.Float32s(feats), "feature encoder")
	require.NoError(t, s.Err())
	require.Len(t, outs, 3)
	require.Len(t, probs, 3)
	h := x
	for i := range atts {
		var p Tensor
		h, p = s.FastLayer(f, cfg, atts[i], ffns[i], h, mask, true)
		require.NoError(t, s.Err())
		require.Equal(t, s.Float32s(h), s.Float32s(outs[i]), "layer %d output", i)
		require.Equal(t, s.Float32s(p), s.Float32s(probs[i]), "layer %d probabilities", i)
	}
	st.Stop() // after the wait: nothing happens
}

// Stop makes a running stack fail at its next layer boundary; the scope reports it, the
// context is still usable, and a wrong layer count is an error, not a crash.
func TestFastStackStop(t *testing.T) {
	f, err := NewFastContext()
	require.NoError(t, err)
	defer f.Close()
	s := NewScope()
	defer s.Close()
	rng := rand.New(rand.NewSource(6))
	atts, ffns := stackLayers(s, rng, 1, 64)
	for len(atts) < 200 { // long enough that Stop comes before the end
		atts, ffns = append(atts, atts[0]), append(ffns, ffns[0])
	}
	x := randTensor(s, rng, 1, 4, 64, 64)
	cfg := FastConfig{Heads: 4, Act: ActGELU, Eps: 1e-12, Threads: 1}
	st := s.StartFastStack(f, cfg, atts, ffns, x, Tensor{}, false, nil)
	require.NotNil(t, st)
	st.Stop()
	outs, _ := s.WaitFastStack(st)
	require.Nil(t, outs)
	require.ErrorContains(t, s.Err(), "stopped before layer")

	s2 := NewScope()
	defer s2.Close()
	require.Nil(t, s2.StartFastStack(f, cfg, atts[:2], ffns[:1], x, Tensor{}, false, nil))
	require.ErrorContains(t, s2.Err(), "2 attention blocks and 1 FFN blocks")
	s3 := NewScope()
	defer s3.Close()
	st3 := s3.StartFastStack(f, cfg, atts[:1], ffns[:1], x, Tensor{}, false, nil)
	require.True(t, s3.FastStackFeatures(st3).IsNil()) // none was asked
	require.ErrorContains(t, s3.Err(), "started without the feature encoder")
	outs, _ = s3.WaitFastStack(st3) // still waits and frees
	require.Nil(t, outs)
}
