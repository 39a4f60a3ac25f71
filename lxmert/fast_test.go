package lxmert

import (
	"fmt"
	"math"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/binding"
)

// The fused fast path (eval, no autograd) and the op-by-op ATen path (which a scope that
// records autograd takes) give the same outputs within the parity tolerance, attentions and
// hidden states included, on a committed case with padding in both masks; on one thread and
// on two (the two-thread steps: FastXLayerPair, FastXLayerFirstPair, FastLinearPair).
func TestFastPathMatchesReference(t *testing.T) {
	for _, tc := range []struct {
		name    string
		threads int
	}{{"tiny-qa", 1}, {"tiny-qa", 2}, {"tiny-model", 1}, {"tiny-model", 2}, {"tiny-pretrain", 2}} {
		name := tc.name
		t.Run(fmt.Sprintf("%s/threads=%d", name, tc.threads), func(t *testing.T) {
			withThreads(t, tc.threads)
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

// bf16 and int8 run the linear layers in reduced precision: close to fp32, not equal to
// it; they are refused where autograd or dropout need the ATen path, and unknown precisions
// are refused.
func TestReducedPrecision(t *testing.T) {
	dir, in, want := tinyCase(t, "tiny-qa")
	m, err := LxmertForQuestionAnsweringFromPretrained(dir)
	require.NoError(t, err)
	defer m.Close()
	for _, p := range []Precision{PrecisionBF16, PrecisionInt8} {
		got, err := ForwardNamed(m, in, Options{Precision: p})
		require.NoError(t, err, p)
		w, g := values(t, want, "question_answering_score"), values(t, got, "question_answering_score")
		worst := 0.0
		for i := range w {
			worst = math.Max(worst, math.Abs(float64(w[i])-float64(g[i])))
		}
		require.Less(t, worst, 0.1, "%s scores far from fp32", p)
		require.Greater(t, worst, 1e-6, "%s scores equal fp32's: the %s path did not run", p, p)

		s := binding.NewGradScope()
		_, err = forwardNamed(s, m, in, Options{Precision: p})
		s.Close()
		require.ErrorIs(t, err, errReducedTraining, p)
		m.Train()
		_, err = ForwardNamed(m, in, Options{Precision: p})
		require.ErrorIs(t, err, errReducedTraining, p)
		m.Eval()
	}
	_, err = ForwardNamed(m, in, Options{Precision: Precision(7)})
	require.ErrorContains(t, err, "unknown precision")
	_, err = ForwardNamed(m, in, Options{Precision: Precision(-1)})
	require.ErrorContains(t, err, "unknown precision")
}

func TestParsePrecision(t *testing.T) {
	for in, want := range map[string]Precision{"fp32": PrecisionFP32, "float32": PrecisionFP32, "BF16": PrecisionBF16, "bfloat16": PrecisionBF16, "int8": PrecisionInt8, " INT8 ": PrecisionInt8} {
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
