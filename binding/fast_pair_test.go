package binding

import (
	"math"
	"math/rand"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// pairLayer is random X-layer weights of hidden size h (4 heads) and FFN width 2h, the
// linear weights stored transposed as models store them.
func pairLayer(s *Scope, rng *rand.Rand, h int64) (cross, ls, vs *FastAttention, lf, vf *FastFFN) {
	randT := func(shape ...int64) Tensor { return randTensor(s, rng, 0.1, shape...) }
	lin := func(out, in int64) FastLinear { return randLinear(s, rng, out, in) }
	att := func() *FastAttention {
		return &FastAttention{Query: lin(h, h), Key: lin(h, h), Value: lin(h, h), Dense: lin(h, h), NormW: randT(h), NormB: randT(h)}
	}
	ffn := func() *FastFFN {
		return &FastFFN{Intermediate: lin(2*h, h), Output: lin(h, 2*h), NormW: randT(h), NormB: randT(h)}
	}
	return att(), att(), att(), ffn(), ffn()
}

// randLinear is a random linear layer [out, in] stored transposed, as models store them.
func randLinear(s *Scope, rng *rand.Rand, out, in int64) FastLinear {
	w := randTensor(s, rng, 0.1, out, in)
	s.RelayoutLinear(w, true)
	return FastLinear{W: w, B: randTensor(s, rng, 0.1, out)}
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
func hasAVX512(t *testing.T) bool { return cpuHas(t, "avx512f") }

func cpuHas(t *testing.T, flag string) bool {
	b, err := os.ReadFile("/proc/cpuinfo")
	require.NoError(t, err)
	return strings.Contains(string(b), " "+flag+" ") || strings.Contains(string(b), " "+flag+"\n")
}

func shapeOf(t *testing.T, x Tensor) []int64 {
	sh, err := Shape(x)
	require.NoError(t, err)
	return sh
}

// A linear layer on few rows computed by two threads (FastLinearPair, half the columns each)
// equals ATen's within the parity tolerance in fp32 and the one-thread call within bf16
// rounding; activations apply to both halves; widths too narrow to split are declined.
func TestFastLinearPairMatches(t *testing.T) {
	f, err := NewFastContext()
	require.NoError(t, err)
	defer f.Close()
	rng := rand.New(rand.NewSource(9))
	randT := func(s *Scope, scale float64, shape ...int64) Tensor { return randTensor(s, rng, scale, shape...) }
	for _, c := range []struct{ m, k, n int64 }{{1, 768, 3129}, {1, 768, 1536}, {3, 64, 100}, {2, 1536, 200}} {
		for _, act := range []Activation{ActNone, ActGELU, ActTanh} {
			s := NewScope()
			x, w, b := randT(s, 1, c.m, c.k), randT(s, 1/math.Sqrt(float64(c.k)), c.n, c.k), randT(s, 1, c.n)
			want := s.Linear(x, w, b)
			switch act {
			case ActGELU:
				want = s.GELU(want)
			case ActTanh:
				want = s.Tanh(want)
			}
			s.RelayoutLinear(w, true)
			got, ok := s.FastLinearPair(f, PrecisionF32, x, FastLinear{W: w, B: b}, act)
			require.NoError(t, s.Err())
			if !hasAVX512(t) {
				require.False(t, ok)
				s.Close()
				continue
			}
			require.True(t, ok, "%v", c)
			wv, gv := s.Float32s(want), s.Float32s(got)
			require.Len(t, gv, len(wv))
			for i := range wv {
				require.LessOrEqual(t, math.Abs(float64(gv[i]-wv[i])), 1e-5+1e-4*math.Abs(float64(wv[i])), "%v act %d [%d]", c, act, i)
			}
			one := s.Float32s(s.FastLinear(f, PrecisionBF16, 1, x, FastLinear{W: w, B: b}, act))
			two, ok := s.FastLinearPair(f, PrecisionBF16, x, FastLinear{W: w, B: b}, act)
			require.NoError(t, s.Err())
			if c.n >= 1536 && cpuHas(t, "avx512_bf16") {
				require.True(t, ok, "%v bf16", c)
			}
			if ok { // bf16 splits at 64 columns: 100 and 200 wide do not
				for i, v := range s.Float32s(two) {
					require.InDelta(t, one[i], v, 1e-3+1e-3*math.Abs(float64(one[i])), "%v bf16 [%d]", c, i)
				}
			}
			s.Close()
		}
	}
	s := NewScope()
	defer s.Close()
	x, w := randT(s, 1, 1, 32), randT(s, 0.1, 16, 32)
	s.RelayoutLinear(w, true)
	_, ok := s.FastLinearPair(f, PrecisionF32, x, FastLinear{W: w}, ActNone)
	require.False(t, ok, "16 columns do not split in two 16-column blocks")
	require.NoError(t, s.Err())
}
