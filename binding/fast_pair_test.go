package binding

import (
	"math/rand"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// pairLayer is random X-layer weights of hidden size h (4 heads) and FFN width 2h, the
// linear weights stored transposed as models store them.
func pairLayer(s *Scope, rng *rand.Rand, h int64) (cross, ls, vs *FastAttention, lf, vf *FastFFN) {
	randT := func(shape ...int64) Tensor {
		n := int64(1)
		for _, d := range shape {
			n *= d
		}
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.NormFloat64() * 0.1)
		}
		return s.FromFloat32(v, shape...)
	}
	lin := func(out, in int64) FastLinear {
		w := randT(out, in)
		s.RelayoutLinear(w, true)
		return FastLinear{W: w, B: randT(out)}
	}
	att := func() *FastAttention {
		return &FastAttention{Query: lin(h, h), Key: lin(h, h), Value: lin(h, h), Dense: lin(h, h), NormW: randT(h), NormB: randT(h)}
	}
	ffn := func() *FastFFN {
		return &FastFFN{Intermediate: lin(2*h, h), Output: lin(h, 2*h), NormW: randT(h), NormB: randT(h)}
	}
	return att(), att(), att(), ffn(), ffn()
}

// When one of the two threads fails, the other, waiting for it at the first barrier, is
// released: the call returns the failure (the thread that failed first, not the one that
// reports its partner's failure) instead of hanging, and the scope keeps working.
func TestXLayerPairReleasesWaitingThread(t *testing.T) {
	f, err := NewFastContext()
	require.NoError(t, err)
	defer f.Close()
	s := NewScope()
	defer s.Close()
	rng := rand.New(rand.NewSource(3))
	cross, ls, vs, lf, vf := pairLayer(s, rng, 64)
	lang, visn := s.Full(Float32, 0.1, 1, 5, 64), s.Full(Float32, 0.2, 1, 7, 64)
	cfg := FastConfig{Heads: 4, Act: ActGELU, Eps: 1e-12}
	_, _, _, ok := s.fastXLayerPair(f, cfg, cross, ls, vs, lf, vf, lang, visn, Tensor{}, Tensor{}, false, true)
	if !hasAVX512(t) { // the kernels decline: nothing ran, no error; callers take another path
		require.False(t, ok)
		require.NoError(t, s.Err())
		return
	}
	require.True(t, ok)
	require.ErrorContains(t, s.Err(), "a failure injected by a test")
	require.NotContains(t, s.Err().Error(), "other half")

	s2 := NewScope()
	defer s2.Close()
	l, v, _, ok := s2.FastXLayerPair(f, cfg, cross, ls, vs, lf, vf, lang, visn, Tensor{}, Tensor{}, false)
	require.True(t, ok)
	require.NoError(t, s2.Err())
	require.Equal(t, []int64{1, 5, 64}, shapeOf(t, l))
	require.Equal(t, []int64{1, 7, 64}, shapeOf(t, v))
}

// hasAVX512 reads the CPU's flags as the kernels' run-time check does.
func hasAVX512(t *testing.T) bool {
	b, err := os.ReadFile("/proc/cpuinfo")
	require.NoError(t, err)
	return strings.Contains(string(b), " avx512f")
}

func shapeOf(t *testing.T, x Tensor) []int64 {
	sh, err := Shape(x)
	require.NoError(t, err)
	return sh
}
