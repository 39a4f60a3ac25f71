package binding

import (
	"fmt"
	"math"
	"math/rand"
	"testing"

	"github.com/stretchr/testify/require"
)

// quantize is int8 dynamic quantization of v as csrc/fast_quant.cc defines it, in the same
// float32 steps: scale max|v|/127, codes round-half-even(v·(127/max)) (0 for all-zero v).
func quantize(v []float32) (q []float64, scale float64) {
	var mx float32
	for _, x := range v {
		mx = max(mx, float32(math.Abs(float64(x))))
	}
	var inv float32
	if mx > 0 {
		inv = float32(127) / mx
	}
	q = make([]float64, len(v))
	for i, x := range v {
		q[i] = math.RoundToEven(float64(float32(x * inv)))
	}
	return q, float64(mx / 127)
}

// int8Linear is the int8 linear in float64 on the quantized values: rows of x [m, k] per
// row, columns of w [n, k] per output column, then bias, activation, residual.
func int8Linear(x []float32, m, k int, w []float32, n int, b []float32, act Activation, resid []float32) []float64 {
	qx, sx := make([][]float64, m), make([]float64, m)
	for i := range qx {
		qx[i], sx[i] = quantize(x[i*k : (i+1)*k])
	}
	qw, sw := make([][]float64, n), make([]float64, n)
	for j := range qw {
		qw[j], sw[j] = quantize(w[j*k : (j+1)*k])
	}
	y := make([]float64, m*n)
	for i := 0; i < m; i++ {
		for j := 0; j < n; j++ {
			acc := 0.0
			for t := 0; t < k; t++ {
				acc += qx[i][t] * qw[j][t]
			}
			v := acc * sx[i] * sw[j]
			if b != nil {
				v += float64(b[j])
			}
			if act == ActTanh {
				v = math.Tanh(v)
			}
			if resid != nil {
				v += float64(resid[i*n+j])
			}
			y[i*n+j] = v
		}
	}
	return y
}

// The int8 fast linear (VNNI kernels where the CPU has them, and the portable ones) equals
// its own quantized arithmetic done in float64 within the parity tolerance: rows 1 to 13
// and 200 (partial 6-row tiles, several 96-row blocks), widths off the 16- and 64-column
// blocks, depths that are and are not multiples of 4, bias, activation and residual each on
// and off, on 1 and 2 threads. An all-zero row (scale 0) gives the bias alone.
func TestFastLinearInt8MatchesQuantizedMath(t *testing.T) {
	f, err := NewFastContext()
	require.NoError(t, err)
	defer f.Close()
	rng := rand.New(rand.NewSource(8))
	randv := func(n int, scale float64) []float32 {
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(rng.NormFloat64() * scale)
		}
		return v
	}
	shapes := []struct{ k, n int }{{16, 1}, {37, 17}, {64, 64}, {130, 100}, {768, 130}}
	rows := []int{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 200}
	for ci, c := range shapes {
		for _, m := range rows {
			// Each flag combination once per shape and row count, cycling so that all
			// eight meet every shape.
			combo := (ci + m) % 8
			bias, act, res := combo&1 != 0, combo&2 != 0, combo&4 != 0
			activation := ActNone
			if act {
				activation = ActTanh
			}
			s := NewScope()
			xv, wv := randv(m*c.k, 1), randv(c.n*c.k, 1/math.Sqrt(float64(c.k)))
			if m > 2 {
				for i := 0; i < c.k; i++ { // row 2 all zero
					xv[2*c.k+i] = 0
				}
			}
			var bv, rv []float32
			l := FastLinear{W: s.FromFloat32(wv, int64(c.n), int64(c.k))}
			if bias {
				bv = randv(c.n, 1)
				l.B = s.FromFloat32(bv, int64(c.n))
			}
			var o FastLinearOptions
			if res {
				rv = randv(m*c.n, 1)
				o.Resid = s.FromFloat32(rv, int64(m), int64(c.n))
			}
			s.RelayoutLinear(l.W, true)
			x := s.FromFloat32(xv, int64(m), int64(c.k))
			want := int8Linear(xv, m, c.k, wv, c.n, bv, activation, rv)
			for _, threads := range []int{1, 2} {
				for _, portable := range []bool{false, true} {
					name := fmt.Sprintf("m=%d k=%d n=%d bias=%v act=%v resid=%v threads=%d portable=%v",
						m, c.k, c.n, bias, act, res, threads, portable)
					o.Portable = portable
					got := s.Float32s(s.FastLinearWith(f, PrecisionInt8, threads, x, l, activation, o))
					require.NoError(t, s.Err(), name)
					require.Len(t, got, len(want), name)
					for i := range want {
						require.InDelta(t, want[i], float64(got[i]), 1e-5+1e-4*math.Abs(want[i]), "%s [%d]", name, i)
					}
				}
			}
			s.Close()
		}
	}
}

// int8 is not float32: on the same layer the two differ by quantization error, small
// against the outputs (so the int8 path really ran, and ran on the right numbers).
func TestFastLinearInt8NearFP32(t *testing.T) {
	f, err := NewFastContext()
	require.NoError(t, err)
	defer f.Close()
	s := NewScope()
	defer s.Close()
	rng := rand.New(rand.NewSource(9))
	const m, k, n = 20, 768, 768
	xv, wv := make([]float32, m*k), make([]float32, n*k)
	for i := range xv {
		xv[i] = float32(rng.NormFloat64())
	}
	for i := range wv {
		wv[i] = float32(rng.NormFloat64() / math.Sqrt(k))
	}
	l := FastLinear{W: s.FromFloat32(wv, n, k)}
	s.RelayoutLinear(l.W, true)
	x := s.FromFloat32(xv, m, k)
	a := s.Float32s(s.FastLinear(f, PrecisionF32, 1, x, l, ActNone))
	b := s.Float32s(s.FastLinear(f, PrecisionInt8, 1, x, l, ActNone))
	require.NoError(t, s.Err())
	worst := 0.0
	for i := range a {
		worst = math.Max(worst, math.Abs(float64(a[i]-b[i])))
	}
	t.Logf("int8 vs fp32, 20x768x768, outputs ~N(0,1): max |Δ| %.3g", worst)
	require.Greater(t, worst, 1e-4, "int8 equals fp32: the int8 path did not run")
	require.Less(t, worst, 0.1)
}

// A weight changed in place (a training step) gets a new int8 copy, as bf16 does.
func TestFastLinearInt8FollowsWeightChanges(t *testing.T) {
	f, err := NewFastContext()
	require.NoError(t, err)
	defer f.Close()
	s := NewScope()
	defer s.Close()
	const m, k, n = 3, 32, 5
	xv, wv := make([]float32, m*k), make([]float32, n*k)
	for i := range xv {
		xv[i] = float32(i%7) - 3
	}
	for i := range wv {
		wv[i] = float32(i%5) - 2
	}
	l := FastLinear{W: s.FromFloat32(wv, n, k)}
	s.RelayoutLinear(l.W, true)
	x := s.FromFloat32(xv, m, k)
	before := s.Float32s(s.FastLinear(f, PrecisionInt8, 1, x, l, ActNone))
	s.CopyInto(l.W, s.MulScalar(l.W, 2))
	after := s.Float32s(s.FastLinear(f, PrecisionInt8, 1, x, l, ActNone))
	require.NoError(t, s.Err())
	for i := range before {
		require.InDelta(t, 2*before[i], after[i], 1e-4+1e-5*math.Abs(float64(after[i])), "[%d]", i)
	}
}

// A residual is added after the activation on every path (float32 and bf16, our kernels on
// one thread, oneDNN's matmul or its sgemm kernels with a separate epilogue otherwise), as in
// the int8 kernels.
func TestFastLinearResidAfterActivation(t *testing.T) {
	f, err := NewFastContext()
	require.NoError(t, err)
	defer f.Close()
	s := NewScope()
	defer s.Close()
	rng := rand.New(rand.NewSource(10))
	vals := func(c int64, scale float64) []float32 {
		v := make([]float32, c)
		for i := range v {
			v[i] = float32(rng.NormFloat64() * scale)
		}
		return v
	}
	// Our kernel (7 rows, one thread), the matmul (two threads), the sgemm kernels (3,072
	// deep, or more than 320 rows on one thread).
	for _, c := range []struct{ m, k, n int64 }{{7, 64, 80}, {7, 3072, 80}, {330, 64, 80}} {
		for _, act := range []Activation{ActTanh, ActNone} {
			x := s.FromFloat32(vals(c.m*c.k, 1), c.m, c.k)
			l := FastLinear{W: s.FromFloat32(vals(c.n*c.k, 1/math.Sqrt(float64(c.k))), c.n, c.k), B: s.FromFloat32(vals(c.n, 1), c.n)}
			r := s.FromFloat32(vals(c.m*c.n, 1), c.m, c.n)
			y := s.Linear(x, l.W, l.B)
			if act == ActTanh {
				y = s.Tanh(y)
			}
			want := s.Float32s(s.Add(y, r))
			s.RelayoutLinear(l.W, true)
			for _, p := range []Precision{PrecisionF32, PrecisionBF16} {
				for _, threads := range []int{1, 2} {
					got := s.Float32s(s.FastLinearWith(f, p, threads, x, l, act, FastLinearOptions{Resid: r}))
					require.NoError(t, s.Err())
					tol := 1e-5
					if p == PrecisionBF16 {
						tol = 0.05
					}
					for i := range want {
						require.InDelta(t, want[i], got[i], tol+1e-4*math.Abs(float64(want[i])), "%v act %d precision %d threads %d [%d]", c, act, p, threads, i)
					}
				}
			}
		}
	}
}
