package binding

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// Each bad call must come back as an error naming the problem, and the process must survive.
func TestErrorsNameTheProblem(t *testing.T) {
	cases := []struct {
		name string
		run  func(s *Scope)
		want []string
	}{
		{"matmul shape mismatch", func(s *Scope) {
			s.MatMul(s.Zeros(Float32, 2, 3), s.Zeros(Float32, 2, 3))
		}, []string{"MatMul", "2x3", "cannot be multiplied"}},
		{"embedding index out of range", func(s *Scope) {
			s.Embedding(s.Zeros(Float32, 4, 2), s.FromInt64([]int64{1, 7}, 2), -1)
		}, []string{"Embedding", "index out of range"}},
		{"embedding wrong dtype", func(s *Scope) {
			s.Embedding(s.Zeros(Float32, 4, 2), s.FromFloat32([]float32{1}, 1), -1)
		}, []string{"Embedding", "int64", "Float"}},
		{"cross entropy float target", func(s *Scope) {
			s.CrossEntropy(s.Zeros(Float32, 2, 3), s.Zeros(Float32, 2), -100, ReduceMean)
		}, []string{"CrossEntropy"}},
		{"shape and data disagree", func(s *Scope) {
			s.FromFloat32([]float32{1, 2, 3}, 2, 2)
		}, []string{"FromFloat32", "[2 2]", "4 elements", "data has 3"}},
		{"negative dimension", func(s *Scope) {
			s.FromFloat32(nil, -1)
		}, []string{"negative dimension"}},
		{"reshape impossible", func(s *Scope) {
			s.Reshape(s.Zeros(Float32, 2, 3), 4, 2)
		}, []string{"Reshape", "invalid for input of size 6"}},
		{"freed tensor", func(s *Scope) {
			x := s.Zeros(Float32, 2)
			s.Keep(x)
			Free(x)
			s.Tanh(x)
		}, []string{"Tanh", "nil or freed"}},
		{"cat of nothing", func(s *Scope) { s.Cat(0) }, []string{"Cat", "no tensors"}},
		{"attention heads do not divide", func(s *Scope) {
			w := &AttentionLayer{QueryW: s.Zeros(Float32, 6, 6), KeyW: s.Zeros(Float32, 6, 6),
				ValueW: s.Zeros(Float32, 6, 6), DenseW: s.Zeros(Float32, 6, 6), Heads: 4}
			x := s.Zeros(Float32, 1, 2, 6)
			s.AttentionLayer(w, x, x, Tensor{}, false, false)
		}, []string{"AttentionLayer", "not a multiple of 4 heads"}},
		{"unknown dtype bytes", func(s *Scope) {
			s.FromBytes([]byte{1, 2, 3}, DType(42), 3)
		}, []string{"FromBytes", "unsupported dtype"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := NewScope()
			defer s.Close()
			c.run(s)
			require.Error(t, s.Err())
			for _, w := range c.want {
				require.Contains(t, s.Err().Error(), w)
			}
			// After the first error the scope does nothing and returns nil tensors.
			require.True(t, s.Tanh(s.Zeros(Float32, 1)).IsNil())
		})
	}
}

func TestClosedScopeFails(t *testing.T) {
	s := NewScope()
	s.Close()
	require.True(t, s.Zeros(Float32, 1).IsNil())
	require.ErrorIs(t, s.Err(), ErrClosed)
}

func TestThreadSetting(t *testing.T) {
	old := NumThreads()
	defer func() { require.NoError(t, SetNumThreads(old)) }()
	require.NoError(t, SetNumThreads(2))
	require.Equal(t, 2, NumThreads())
	require.Error(t, SetNumThreads(-1))
	require.NoError(t, SetNumThreads(0))
	require.Equal(t, DefaultThreads(), NumThreads(), "0 means the default")
}

// The default is explicit: OMP_NUM_THREADS when valid, else the CPUs the process may use,
// never 0 (which LibTorch refuses by aborting).
func TestDefaultThreads(t *testing.T) {
	t.Setenv("OMP_NUM_THREADS", "3")
	require.Equal(t, 3, DefaultThreads())
	for _, bad := range []string{"", "0", "-2", "two"} {
		t.Setenv("OMP_NUM_THREADS", bad)
		require.Equal(t, max(1, runtime.NumCPU()), DefaultThreads(), "OMP_NUM_THREADS=%q", bad)
	}
}

// Grad scopes record autograd graphs through parameters that require gradients; no-grad
// scopes never do, whatever their inputs.
func TestGradModes(t *testing.T) {
	setup := NewScope()
	defer setup.Close()
	w := setup.Ones(Float32, 3, 3)
	setup.SetRequiresGrad(w, true)
	x := setup.Ones(Float32, 2, 3)
	require.NoError(t, setup.Err())

	s := NewScope()
	defer s.Close()
	rg, err := RequiresGrad(s.Linear(x, w, Tensor{}))
	require.NoError(t, err)
	require.False(t, rg)

	g := NewGradScope()
	defer g.Close()
	rg, err = RequiresGrad(g.Linear(x, w, Tensor{}))
	require.NoError(t, err)
	require.True(t, rg)
}
