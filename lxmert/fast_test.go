package lxmert

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/binding"
)

// The fused fast path (eval, no autograd) and the op-by-op ATen path (which a scope that
// records autograd takes) give the same outputs within the parity tolerance, attentions and
// hidden states included, on a committed case with padding in both masks.
func TestFastPathMatchesReference(t *testing.T) {
	for _, name := range []string{"tiny-qa", "tiny-model", "tiny-pretrain"} {
		t.Run(name, func(t *testing.T) {
			dir, in, _ := tinyCase(t, name)
			m, err := FromPretrained(dir)
			require.NoError(t, err)
			defer m.Close()
			fast, err := ForwardNamed(m, in, allOutputs())
			require.NoError(t, err)
			pool, err := fastOf(m).PoolBytes()
			require.NoError(t, err)
			require.Positive(t, pool, "the eval forward did not run on the fast path")

			s := binding.NewGradScope()
			defer s.Close()
			out, err := forwardNamed(s, m, in, allOutputs())
			require.NoError(t, err)
			ref, err := toHost(s, out)
			require.NoError(t, err)
			requireCloseOutputs(t, ref, fast)
		})
	}
}

// bf16 runs the linear layers in bfloat16: close to fp32, not equal to it; it is refused
// where autograd or dropout need the ATen path, and unknown precisions are refused.
func TestBF16Precision(t *testing.T) {
	dir, in, want := tinyCase(t, "tiny-qa")
	m, err := LxmertForQuestionAnsweringFromPretrained(dir)
	require.NoError(t, err)
	defer m.Close()
	got, err := ForwardNamed(m, in, Options{Precision: PrecisionBF16})
	require.NoError(t, err)
	w, g := values(t, want, "question_answering_score"), values(t, got, "question_answering_score")
	worst := 0.0
	for i := range w {
		worst = math.Max(worst, math.Abs(float64(w[i])-float64(g[i])))
	}
	require.Less(t, worst, 0.1, "bf16 scores far from fp32")
	require.Greater(t, worst, 1e-6, "bf16 scores equal fp32's: the bf16 path did not run")

	s := binding.NewGradScope()
	defer s.Close()
	_, err = forwardNamed(s, m, in, Options{Precision: PrecisionBF16})
	require.ErrorIs(t, err, errReducedTraining)
	m.Train()
	_, err = ForwardNamed(m, in, Options{Precision: PrecisionBF16})
	require.ErrorIs(t, err, errReducedTraining)
	m.Eval()
	_, err = ForwardNamed(m, in, Options{Precision: Precision(7)})
	require.ErrorContains(t, err, "unknown precision")
}

func TestParsePrecision(t *testing.T) {
	for in, want := range map[string]Precision{"fp32": PrecisionFP32, "float32": PrecisionFP32, "BF16": PrecisionBF16, "bfloat16": PrecisionBF16} {
		p, err := ParsePrecision(in)
		require.NoError(t, err, in)
		require.Equal(t, want, p, in)
		q, err := ParsePrecision(p.String())
		require.NoError(t, err)
		require.Equal(t, p, q)
	}
	_, err := ParsePrecision("int4")
	require.ErrorContains(t, err, `"int4"`)
}

// A closed model's fast path reports an error instead of touching freed memory.
func TestFastPathAfterClose(t *testing.T) {
	dir, _, _ := tinyCase(t, "tiny-qa")
	m, err := LxmertForQuestionAnsweringFromPretrained(dir)
	require.NoError(t, err)
	f := fastOf(m)
	m.Close()
	s := binding.NewScope()
	defer s.Close()
	x := s.Zeros(binding.Float32, 1, 2, int64(m.Config.HiddenSize))
	s.FastLinear(f, binding.PrecisionF32, 0, x, binding.FastLinear{W: x}, binding.ActNone)
	require.ErrorIs(t, s.Err(), binding.ErrFastClosed)
}

func fastOf(m Pretrained) *binding.FastContext {
	switch mm := m.(type) {
	case *LxmertModel:
		return mm.params.fast
	case *LxmertForQuestionAnswering:
		return mm.params.fast
	case *LxmertForPreTraining:
		return mm.params.fast
	}
	return nil
}
