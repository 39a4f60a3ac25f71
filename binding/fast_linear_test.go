package binding

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	"github.com/stretchr/testify/require"
)

// The fast path's float32 linear (one thread: our own kernel up to 150 rows on AVX-512 CPUs,
// oneDNN's sgemm kernels otherwise; two threads: oneDNN's matmul, or its sgemm kernels for
// 2,048 or more columns or input features) equals ATen's linear within the parity tolerance,
// over row counts on both sides of the kernel's limits, widths that are and are not multiples
// of its 16- and 64-column blocks, deep and shallow inputs, with and without bias and
// activation. In bf16 (our kernel up to 192 rows on AVX512-BF16 CPUs against oneDNN's) the
// two agree closely and both stay near float32.
func TestFastLinearMatchesATen(t *testing.T) {
	f, err := NewFastContext()
	require.NoError(t, err)
	defer f.Close()
	old := NumThreads()
	defer func() { _ = SetNumThreads(old) }()
	require.NoError(t, SetNumThreads(2))
	rng := rand.New(rand.NewSource(5))
	// Values of a model's scale: outputs of order one (weights ~ N(0, 1/fan-in)).
	randT := func(s *Scope, scale float64, shape ...int64) Tensor { return randTensor(s, rng, scale, shape...) }
	for _, c := range []struct{ m, k, n int64 }{
		{1, 768, 768}, {7, 37, 9}, {20, 768, 3072}, {20, 3072, 768}, {36, 4, 100}, {64, 1000, 80}, {65, 64, 64}, {3, 1536, 3129}, {160, 768, 100}, {321, 64, 64}, {400, 768, 3072},
	} {
		for _, act := range []Activation{ActNone, ActTanh, ActGELU} {
			for _, bias := range []bool{true, false} {
				name := fmt.Sprintf("%dx%dx%d/act%d/bias=%v", c.m, c.k, c.n, act, bias)
				s := NewScope()
				x, w := randT(s, 1, c.m, c.k), randT(s, 1/math.Sqrt(float64(c.k)), c.n, c.k)
				var b Tensor
				if bias {
					b = randT(s, 1, c.n)
				}
				want := s.Linear(x, w, b)
				switch act {
				case ActTanh:
					want = s.Tanh(want)
				case ActGELU:
					want = s.GELU(want)
				}
				s.RelayoutLinear(w, true)
				if c.k >= 16 { // bf16 applies to inputs of 16 features or more
					one := s.Float32s(s.FastLinear(f, PrecisionBF16, 1, x, FastLinear{W: w, B: b}, act))
					two := s.Float32s(s.FastLinear(f, PrecisionBF16, 2, x, FastLinear{W: w, B: b}, act))
					wv := s.Float32s(want)
					require.NoError(t, s.Err(), name)
					for i := range wv {
						require.InDelta(t, two[i], one[i], 1e-3+1e-3*math.Abs(float64(two[i])), "%s bf16 [%d]", name, i)
						require.InDelta(t, wv[i], one[i], 0.05+0.02*math.Abs(float64(wv[i])), "%s bf16 vs fp32 [%d]", name, i)
					}
				}
				for _, threads := range []int{1, 2} {
					got := s.FastLinear(f, PrecisionF32, threads, x, FastLinear{W: w, B: b}, act)
					wv, gv := s.Float32s(want), s.Float32s(got)
					require.NoError(t, s.Err(), name)
					require.Len(t, gv, len(wv), name)
					for i := range wv {
						d := math.Abs(float64(gv[i]) - float64(wv[i]))
						require.LessOrEqual(t, d, 1e-5+1e-4*math.Abs(float64(wv[i])),
							"%s threads=%d [%d]: got %v, want %v", name, threads, i, gv[i], wv[i])
					}
				}
				s.Close()
			}
		}
	}
}
