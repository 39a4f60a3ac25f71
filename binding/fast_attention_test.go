package binding

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	"github.com/stretchr/testify/require"
)

// The fast path's cross-attention block (its attention core on oneDNN's batched matmul and
// softmax) gives what the ATen attention block gives, outputs and probabilities, in both
// directions: head sizes 12, 16, 64 and 128; key counts from 1 to 65; padded positions and
// a fully masked example; one thread and two (large enough to split).
func TestFastCrossMatchesATen(t *testing.T) {
	f, err := NewFastContext()
	require.NoError(t, err)
	defer f.Close()
	rng := rand.New(rand.NewSource(11))
	for _, c := range []struct {
		h       int64
		heads   int
		b, l, v int64
	}{
		{64, 4, 2, 20, 36}, {64, 4, 3, 1, 17}, {64, 4, 2, 16, 64}, {64, 4, 2, 15, 65},
		{128, 2, 3, 20, 36}, {128, 1, 2, 7, 15}, {128, 2, 16, 20, 36}, {48, 4, 2, 5, 9},
	} {
		for _, threads := range []int{1, 2} {
			name := fmt.Sprintf("h%d/heads%d/b%d/%dx%d/threads%d", c.h, c.heads, c.b, c.l, c.v, threads)
			s := NewScope()
			cross, _, _, _, _ := pairLayer(s, rng, c.h)
			lang, visn := randTensor(s, rng, 1, c.b, c.l, c.h), randTensor(s, rng, 1, c.b, c.v, c.h)
			lm, vm := s.ExtendMask(keepMask(s, rng, c.b, c.l)), s.ExtendMask(keepMask(s, rng, c.b, c.v))
			cfg := FastConfig{Heads: c.heads, Act: ActGELU, Eps: 1e-12, Threads: threads}
			lo, vo, probs := s.FastCross(f, cfg, cross, lang, visn, lm, vm, true)
			require.NoError(t, s.Err(), name)
			w := &AttentionLayer{QueryW: cross.Query.W, QueryB: cross.Query.B, KeyW: cross.Key.W, KeyB: cross.Key.B,
				ValueW: cross.Value.W, ValueB: cross.Value.B, DenseW: cross.Dense.W, DenseB: cross.Dense.B,
				NormW: cross.NormW, NormB: cross.NormB, Heads: c.heads, Eps: 1e-12}
			wantL, wantP := s.AttentionLayer(w, lang, visn, vm, false, true)
			wantV, _ := s.AttentionLayer(w, visn, lang, lm, false, false)
			require.NoError(t, s.Err(), name)
			requireClose(t, s, wantL, lo, name+" language")
			requireClose(t, s, wantV, vo, name+" vision")
			requireClose(t, s, wantP, probs, name+" probabilities")
			s.Close()
		}
	}
}

// keepMask is a random [b, n] 1/0 mask whose first position is kept, except in the last
// example, which is masked everywhere (HF then attends uniformly).
func keepMask(s *Scope, rng *rand.Rand, b, n int64) Tensor {
	m := make([]float32, b*n)
	for i := range m {
		if i%int(n) == 0 || rng.Intn(4) > 0 {
			m[i] = 1
		}
	}
	if b > 1 {
		clear(m[(b-1)*n:])
	}
	return s.FromFloat32(m, b, n)
}

func requireClose(t *testing.T, s *Scope, want, got Tensor, what string) {
	t.Helper()
	wv, gv := s.Float32s(want), s.Float32s(got)
	require.NoError(t, s.Err(), what)
	require.Len(t, gv, len(wv), what)
	for i := range wv {
		require.LessOrEqual(t, math.Abs(float64(gv[i]-wv[i])), 1e-5+1e-4*math.Abs(float64(wv[i])), "%s [%d]: %g against %g", what, i, gv[i], wv[i])
	}
}
