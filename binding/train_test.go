package binding

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// leaf returns a parameter-like tensor that requires gradients, owned by s.
func leaf(s *Scope, v []float32) Tensor {
	t := s.FromFloat32(v, int64(len(v)))
	s.SetRequiresGrad(t, true)
	return t
}

// d(sum(x²))/dx = 2x; gradients accumulate across backwards until ZeroGrad drops them.
func TestBackwardGradZero(t *testing.T) {
	s := NewGradScope()
	defer s.Close()
	x := leaf(s, []float32{1, -2, 3})
	has, err := HasGrad(x)
	require.NoError(t, err)
	require.False(t, has)
	require.True(t, s.GradOf(x).IsNil())
	s.Backward(s.Sum(s.Mul(x, x)))
	require.Equal(t, []float32{2, -4, 6}, s.Float32s(s.GradOf(x)))
	s.Backward(s.Sum(s.Mul(x, x)))
	require.Equal(t, []float32{4, -8, 12}, s.Float32s(s.GradOf(x)))
	require.NoError(t, ZeroGrad(x))
	has, err = HasGrad(x)
	require.NoError(t, err)
	require.False(t, has)
	require.NoError(t, s.Err())

	ev := NewScope() // an eval scope records no graph: backward is an error, not a crash
	defer ev.Close()
	ev.Backward(ev.Sum(ev.Mul(x, x)))
	require.ErrorContains(t, ev.Err(), "records no graph")
}

// Clipping scales every gradient by max_norm/(norm+1e-6) when the global norm exceeds it.
func TestClipGradNorm(t *testing.T) {
	s := NewGradScope()
	defer s.Close()
	a, b := leaf(s, []float32{3, 0}), leaf(s, []float32{0, 4})
	s.Backward(s.Add(s.Sum(s.MulScalar(a, 1)), s.Sum(s.MulScalar(b, 1)))) // grads 1,1 and 1,1
	norm, err := ClipGradNorm([]Tensor{a, b}, 1)
	require.NoError(t, err)
	require.InDelta(t, 2, norm, 1e-6)
	g := s.Float32s(s.GradOf(a))
	require.InDelta(t, 0.5, g[0], 1e-6)
	norm, err = ClipGradNorm([]Tensor{a, b}, 10) // under the limit: unchanged
	require.NoError(t, err)
	require.InDelta(t, 1, norm, 1e-6)
	require.InDelta(t, 0.5, s.Float32s(s.GradOf(b))[1], 1e-6)
	_, err = ClipGradNorm([]Tensor{{}}, 1)
	require.Error(t, err)
}

// One AdamW step against the formula evaluated in float64.
func TestAdamWStep(t *testing.T) {
	s := NewGradScope()
	defer s.Close()
	p := leaf(s, []float32{0.5, -1})
	s.Backward(s.Sum(s.Mul(p, p))) // grad 1, -2
	m, v := s.Zeros(Float32, 2), s.Zeros(Float32, 2)
	h := AdamWHyper{LR: 0.1, Beta1: 0.9, Beta2: 0.999, Eps: 1e-6, WeightDecay: 0.01}
	require.NoError(t, AdamWStep([]Tensor{p}, []Tensor{m}, []Tensor{v}, []float64{1}, h))
	got := s.Float32s(p)
	for i, x := range []float64{0.5, -1} {
		g := 2 * x
		mm, vv := 0.1*g, 0.001*g*g
		want := x*(1-0.1*0.01) - 0.1/0.1*mm/(math.Sqrt(vv)/math.Sqrt(0.001)+1e-6)
		require.InDelta(t, want, got[i], 1e-6)
	}
	require.Error(t, AdamWStep([]Tensor{p}, nil, nil, nil, h))
	require.NoError(t, s.Err())
}

// The generator state round-trips: dropout after a restore repeats.
func TestRNGState(t *testing.T) {
	s := NewScope()
	defer s.Close()
	ManualSeed(7)
	state, err := RNGState()
	require.NoError(t, err)
	x := s.Ones(Float32, 64)
	a := s.Float32s(s.Dropout(x, 0.5, true))
	require.NoError(t, SetRNGState(state))
	require.Equal(t, a, s.Float32s(s.Dropout(x, 0.5, true)), "the same generator state gives the same mask (a byte-exact property)")
	require.Error(t, SetRNGState([]byte{1, 2, 3}))
}

func TestBCEWithLogits(t *testing.T) {
	s := NewScope()
	defer s.Close()
	l := s.Float32s(s.BCEWithLogits(s.FromFloat32([]float32{0, 2}, 2), s.FromFloat32([]float32{1, 0}, 2), ReduceMean))
	want := (math.Log(2) + math.Log(1+math.Exp(2))) / 2
	require.InDelta(t, want, l[0], 1e-6)
}
