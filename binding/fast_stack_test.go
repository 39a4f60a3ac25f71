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
// this thread, bit for bit (same kernels, same team size), probabilities included.
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
	st := s.StartFastStack(f, cfg, atts, ffns, x, mask, true)
	require.NotNil(t, st)
	outs, probs := s.WaitFastStack(st)
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
	st := s.StartFastStack(f, cfg, atts, ffns, x, Tensor{}, false)
	require.NotNil(t, st)
	st.Stop()
	outs, _ := s.WaitFastStack(st)
	require.Nil(t, outs)
	require.ErrorContains(t, s.Err(), "stopped before layer")

	s2 := NewScope()
	defer s2.Close()
	require.Nil(t, s2.StartFastStack(f, cfg, atts[:2], ffns[:1], x, Tensor{}, false))
	require.ErrorContains(t, s2.Err(), "2 attention blocks and 1 FFN blocks")
	s3 := NewScope()
	defer s3.Close()
	outs, _ = s3.WaitFastStack(s3.StartFastStack(f, cfg, atts[:1], ffns[:1], x, Tensor{}, false))
	require.Len(t, outs, 1)
	require.NoError(t, s3.Err())
}
