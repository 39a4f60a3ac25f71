package binding

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestGradReducer: with buckets small enough to split the parameters, an armed backward
// leaves every rank the mean of the ranks' gradients (the accumulated ones included); an
// unarmed backward only accumulates locally.
func TestGradReducer(t *testing.T) {
	onRanks(t, 2, 30*time.Second, func(t *testing.T, g *ProcessGroup) {
		s := NewScope()
		defer s.Close()
		w1 := s.Ones(Float32, 3)
		w2 := s.Ones(Float32, 2, 2)
		w3 := s.Ones(Float32, 5)
		for _, w := range []Tensor{w1, w2, w3} {
			s.SetRequiresGrad(w, true)
		}
		require.NoError(t, s.Err())
		r, err := g.NewGradReducer([]Tensor{w1, w2, w3}, 16, 8)
		require.NoError(t, err)
		defer r.Close()
		counts, bytes, err := r.Buckets()
		require.NoError(t, err)
		require.Equal(t, []int{1, 1, 1}, counts, "a 20-byte parameter fills the first bucket (8 bytes) alone")
		require.Equal(t, []int64{20, 16, 12}, bytes)

		k := float32(g.Rank() + 1) // rank 0's data is 1s, rank 1's 2s
		backward := func(armed bool) {
			gs := NewGradScope()
			defer gs.Close()
			x1, x2, x3 := gs.Full(Float32, float64(k), 3), gs.Full(Float32, float64(2*k), 2, 2), gs.Full(Float32, float64(3*k), 5)
			loss := gs.Add(gs.Add(gs.Sum(gs.Mul(w1, x1)), gs.Sum(gs.Mul(w2, x2))), gs.Sum(gs.Mul(w3, x3)))
			if armed {
				require.NoError(t, r.Prepare(loss))
			}
			gs.Backward(loss)
			require.NoError(t, gs.Err())
		}
		backward(false)
		require.Equal(t, []float32{k, k, k}, s.Float32s(s.GradOf(w1)), "unarmed: local gradient")
		backward(true)
		// Each rank holds 2k (two backwards); the mean over k = 1, 2 is 3.
		require.Equal(t, []float32{3, 3, 3}, s.Float32s(s.GradOf(w1)))
		require.Equal(t, []float32{6, 6, 6, 6}, s.Float32s(s.GradOf(w2)))
		require.Equal(t, []float32{9, 9, 9, 9, 9}, s.Float32s(s.GradOf(w3)))
		require.NoError(t, ZeroGrad(w1, w2, w3))
		backward(true)
		require.Equal(t, []float32{1.5, 1.5, 1.5}, s.Float32s(s.GradOf(w1)), "after zero_grad(set_to_none)")
		require.NoError(t, s.Err())
	})
}

// TestGradReducerUnusedParameters: a parameter the loss does not use on any rank keeps no
// gradient (as in one process, so AdamW skips it); one used on rank 1 only gets rank 1's
// gradient over 2 on both ranks; neither holds back the others' buckets.
func TestGradReducerUnusedParameters(t *testing.T) {
	onRanks(t, 2, 30*time.Second, func(t *testing.T, g *ProcessGroup) {
		s := NewScope()
		defer s.Close()
		used, unused, sometimes := s.Ones(Float32, 3), s.Ones(Float32, 3), s.Ones(Float32, 2)
		for _, w := range []Tensor{used, unused, sometimes} {
			s.SetRequiresGrad(w, true)
		}
		r, err := g.NewGradReducer([]Tensor{unused, used, sometimes}, 4, 4)
		require.NoError(t, err)
		defer r.Close()
		gs := NewGradScope()
		defer gs.Close()
		loss := gs.Sum(gs.Mul(used, used))
		if g.Rank() == 1 {
			loss = gs.Add(loss, gs.Sum(gs.MulScalar(sometimes, 4)))
		}
		require.NoError(t, r.Prepare(loss))
		gs.Backward(loss)
		require.NoError(t, gs.Err())
		require.True(t, s.GradOf(unused).IsNil(), "no rank has a gradient for it")
		require.Equal(t, []float32{2, 2, 2}, s.Float32s(s.GradOf(used)))
		require.Equal(t, []float32{2, 2}, s.Float32s(s.GradOf(sometimes)))
		require.NoError(t, s.Err())
	})
}
