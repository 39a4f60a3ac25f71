package lxmert

import (
	"encoding/binary"
	"fmt"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/binding"
)

// extendedMask is an additive mask [batch, 1, 1, n] that hides the last pad positions.
func extendedMask(s *binding.Scope, batch, n, pad int64) binding.Tensor {
	b := make([]byte, 0, batch*n*4)
	for i := int64(0); i < batch*n; i++ {
		v := float32(0)
		if i%n >= n-pad {
			v = -10000
		}
		b = binary.LittleEndian.AppendUint32(b, math.Float32bits(v))
	}
	return s.FromBytes(b, binding.Float32, batch, 1, 1, n)
}

// pairModel is a one-layer model whose X-layer splits in halves for fp32 and bf16 (hidden
// 128, 4 heads, intermediate 320: an uneven 128/192 split in bf16), biases and LayerNorms
// perturbed away from HF's 0 and 1.
func pairModel(t *testing.T) *LxmertModel { return pairModelLayers(t, 1, 1, 1) }

// pairModelLayers is pairModel with l language, x cross and r relation layers.
func pairModelLayers(t *testing.T, l, x, r int) *LxmertModel {
	c := DefaultConfig()
	c.HiddenSize, c.NumAttentionHeads, c.IntermediateSize = 128, 4, 320
	c.LLayers, c.XLayers, c.RLayers = l, x, r
	m, err := NewLxmertModel(c)
	require.NoError(t, err)
	s := binding.NewScope()
	defer s.Close()
	for _, p := range m.params.order {
		if len(p.Shape) == 1 {
			s.NormalInit(p.T, 0.3, 0.2)
		}
	}
	require.NoError(t, s.Err())
	return m
}

// An X-layer computed by two threads together (FastXLayerPair: half the heads and half the
// FFN columns each) gives what the one-call X-layer gives, in fp32 and bf16, with and without
// padding, for one and three examples, probabilities included.
func TestXLayerPairMatchesOneCall(t *testing.T) {
	dir, _, _ := tinyCase(t, "tiny-qa")
	tinyQA, err := LxmertForQuestionAnsweringFromPretrained(dir)
	require.NoError(t, err)
	defer tinyQA.Close()
	tiny := tinyQA.Lxmert
	wide := pairModel(t)
	defer wide.Close()
	for _, tc := range []struct {
		name  string
		m     *LxmertModel
		precs []binding.Precision
	}{
		{"tiny-qa", tiny, []binding.Precision{binding.PrecisionF32}}, // 4 heads of 8: no 64-column bf16 blocks
		{"hidden-128", wide, []binding.Precision{binding.PrecisionF32, binding.PrecisionBF16}},
	} {
		x := tc.m.Encoder.XLayers[0]
		va, h := x.VisualAttention, int64(tc.m.Config.HiddenSize)
		for _, batch := range []int64{1, 3, 24} { // 24: 288 rows, the many-row kernels
			for _, prec := range tc.precs {
				for _, pad := range []int64{0, 2} {
					s := binding.NewScope()
					lang, visn := s.Empty(binding.Float32, batch, 7, h), s.Empty(binding.Float32, batch, 5, h)
					s.NormalInit(lang, 0, 1)
					s.NormalInit(visn, 0, 1)
					var lm, vm binding.Tensor
					if pad > 0 {
						lm, vm = extendedMask(s, batch, 7, pad), extendedMask(s, batch, 5, pad)
					}
					cfg := fastConfig(run{prec: prec}, va.cfg)
					c, ls, vs := fastAttention(va.Att, va.Output), fastAttention(x.LangSelfAtt.Self, x.LangSelfAtt.Output),
						fastAttention(x.VisnSelfAtt.Self, x.VisnSelfAtt.Output)
					lf, vf := x.LangInter.fastFFN(x.LangOutput), x.VisnInter.fastFFN(x.VisnOutput)
					cfg1 := cfg
					cfg1.Threads = 1
					l1, v1, p1 := s.FastXLayer(tc.m.params.fast, cfg1, c, ls, vs, lf, vf, lang, visn, lm, vm, true)
					l2, v2, p2, ok := s.FastXLayerPair(tc.m.params.fast, cfg, c, ls, vs, lf, vf, lang, visn, lm, vm, true)
					require.NoError(t, s.Err())
					require.True(t, ok, "%s %s: the two-thread kernels did not run", tc.name, prec)
					for _, pair := range [][2]binding.Tensor{{l1, l2}, {v1, v2}, {p1, p2}} {
						want, got := s.Float32s(pair[0]), s.Float32s(pair[1])
						if prec == binding.PrecisionF32 {
							requireClose(t, want, got, tc.name+" pair against one call")
							continue
						}
						// bf16: the partial sums round the next GEMM's bf16 inputs differently
						// here and there (one bf16 step, 2^-8 relative, after LayerNorm).
						worst := 0.0
						for i := range want {
							worst = math.Max(worst, math.Abs(float64(want[i]-got[i])))
						}
						t.Logf("%s bf16 batch %d pad %d: max |Δ| %.2g", tc.name, batch, pad, worst)
						require.Less(t, worst, 0.05, "bf16 pair against one call")
					}
					s.Close()
				}
			}
		}
	}
}

// Weights the two-thread kernels cannot take (here a self-attention query of the wrong
// width) make FastXLayerPair decline without an error; the X-layer's other path then
// reports the wrong width.
func TestXLayerPairDeclines(t *testing.T) {
	m := pairModel(t)
	defer m.Close()
	x := m.Encoder.XLayers[0]
	va, h := x.VisualAttention, int64(m.Config.HiddenSize)
	s := binding.NewScope()
	defer s.Close()
	ls := fastAttention(x.LangSelfAtt.Self, x.LangSelfAtt.Output)
	ls.Query = x.LangInter.fastFFN(x.LangOutput).Intermediate // [intermediate, hidden]
	lang, visn := s.Full(binding.Float32, 0.1, 1, 5, h), s.Full(binding.Float32, 0.2, 1, 7, h)
	_, _, _, ok := s.FastXLayerPair(m.params.fast, fastConfig(run{}, va.cfg), fastAttention(va.Att, va.Output), ls,
		fastAttention(x.VisnSelfAtt.Self, x.VisnSelfAtt.Output), x.LangInter.fastFFN(x.LangOutput), x.VisnInter.fastFFN(x.VisnOutput),
		lang, visn, binding.Tensor{}, binding.Tensor{}, false)
	require.False(t, ok)
	require.NoError(t, s.Err())
}

// The pooled-only last X-layer computed by two threads (FastXLayerFirstPair) gives what the
// one-thread call gives, fp32 within the parity tolerance, bf16 within bf16 rounding.
func TestXLayerFirstPairMatchesOneCall(t *testing.T) {
	m := pairModel(t)
	defer m.Close()
	x := m.Encoder.XLayers[0]
	va, h := x.VisualAttention, int64(m.Config.HiddenSize)
	for _, batch := range []int64{1, 3, 24} { // 24: 288 rows, the many-row kernels
		for _, prec := range []binding.Precision{binding.PrecisionF32, binding.PrecisionBF16} {
			s := binding.NewScope()
			lang, visn := s.Empty(binding.Float32, batch, 7, h), s.Empty(binding.Float32, batch, 5, h)
			s.NormalInit(lang, 0, 1)
			s.NormalInit(visn, 0, 1)
			lm, vm := extendedMask(s, batch, 7, 2), extendedMask(s, batch, 5, 1)
			cfg := fastConfig(run{prec: prec}, va.cfg)
			cfg1 := cfg
			cfg1.Threads = 1
			c, ls, lf := fastAttention(va.Att, va.Output), fastAttention(x.LangSelfAtt.Self, x.LangSelfAtt.Output), x.LangInter.fastFFN(x.LangOutput)
			want := s.FastXLayerFirst(m.params.fast, cfg1, c, ls, lf, lang, visn, lm, vm)
			got, ok := s.FastXLayerFirstPair(m.params.fast, cfg, c, ls, lf, lang, visn, lm, vm)
			require.NoError(t, s.Err())
			require.True(t, ok, "the two-thread kernels did not run")
			w, g := s.Float32s(want), s.Float32s(got)
			require.Len(t, g, int(batch*h))
			if prec == binding.PrecisionF32 {
				requireClose(t, w, g, "first-token pair against one call")
			} else {
				for i := range w {
					require.InDelta(t, w[i], g[i], 0.05, "bf16 first-token pair against one call")
				}
			}
			s.Close()
		}
	}
}

// Two threads share a forward's steps only while it is the only forward in flight: a second
// forward at the same time takes the branch path (its own two threads, no spin barriers).
func TestPairOnlyWhenAlone(t *testing.T) {
	withThreads(t, 2)
	m := pairModel(t)
	defer m.Close()
	s := binding.NewScope()
	defer s.Close()
	in := Inputs{
		InputIDs:    s.Full(binding.Int64, 7, 1, 5),
		VisualFeats: s.Full(binding.Float32, 0.1, 1, 4, int64(m.Config.VisualFeatDim)),
		VisualPos:   s.Full(binding.Float32, 0.5, 1, 4, int64(m.Config.VisualPosDim)),
	}
	// A forward of an earlier test may still be leaving (one CI run saw inFlight at 1 here):
	// start from none in flight, or say so.
	require.Eventually(t, func() bool { return inFlight.Load() == 0 }, 10*time.Second, time.Millisecond,
		"forwards still in flight: %d", inFlight.Load())
	r := run{s: s, fast: m.params.fast}
	first, leave1 := r.enter(in)
	require.True(t, first.lone)
	require.True(t, first.pair, "a lone forward alone shares its steps")
	again, leaveAgain := first.enter(in) // a head model's backbone: entered once
	require.True(t, again.pair)
	leaveAgain()
	second, leave2 := r.enter(in)
	require.True(t, second.lone)
	require.False(t, second.pair, "a second forward in flight takes the branch path")
	leave2()
	leave1()
	third, leave3 := r.enter(in)
	require.True(t, third.pair)
	leave3()
}

// The two-branch fast forward (the language layers as a stack on a helper thread, the vision
// side on the caller's) matches the ATen path, every output, hidden state and attention
// probability, with a padded batch: alone (the X-layers' two-thread steps) and beside
// another forward (each X-layer's language side as a one-layer stack on a helper at batch
// 5, one two-threaded stream at batch 22: 286 rows).
func TestLanguageStackMatchesReference(t *testing.T) {
	withThreads(t, 2)
	m := pairModelLayers(t, 2, 2, 1)
	defer m.Close()
	all := func(o *LxmertModelOutput) []binding.Tensor {
		ts := append([]binding.Tensor{o.LanguageOutput, o.VisionOutput, o.PooledOutput}, o.LanguageHiddenStates...)
		ts = append(append(ts, o.VisionHiddenStates...), o.LanguageAttentions...)
		return append(append(ts, o.VisionAttentions...), o.CrossEncoderAttentions...)
	}
	for _, batch := range []int64{5, 22} {
		s := binding.NewScope()
		in := pairInputs(s, m, batch, 6, 7)
		opts := Options{OutputHiddenStates: true, OutputAttentions: true}
		g := binding.NewGradScope()
		ref, err := m.ForwardScope(g, in, opts)
		require.NoError(t, err)
		want := all(ref)
		for _, others := range []int32{0, 1} {
			inFlight.Add(others) // another forward in flight: no two-thread steps
			fast, err := m.ForwardScope(s, in, opts)
			inFlight.Add(-others)
			require.NoError(t, err)
			got := all(fast)
			require.Len(t, fast.LanguageAttentions, m.Config.LLayers)
			require.Len(t, got, len(want))
			for i := range want {
				requireClose(t, g.Float32s(g.Detach(want[i])), s.Float32s(got[i]), fmt.Sprintf("batch %d, others %d, output %d", batch, others, i))
			}
		}
		g.Close()
		s.Close()
	}
}

// pairInputs is a batch of random features and token ids for m, examples padded by 0, 1 or 2
// tokens.
func pairInputs(s *binding.Scope, m *LxmertModel, batch, tokens, boxes int64) Inputs {
	feats := s.Empty(binding.Float32, batch, boxes, int64(m.Config.VisualFeatDim))
	pos := s.Empty(binding.Float32, batch, boxes, int64(m.Config.VisualPosDim))
	s.NormalInit(feats, 0, 1)
	s.NormalInit(pos, 0.5, 0.2)
	ids := make([]int64, batch*tokens)
	mask := make([]int64, batch*tokens)
	for i := range ids {
		ids[i] = int64(100 + 37*i%900)
		if int64(i)%tokens < tokens-int64(i)/tokens%3 {
			mask[i] = 1
		}
	}
	return Inputs{InputIDs: s.FromInt64(ids, batch, tokens), AttentionMask: s.FromInt64(mask, batch, tokens), VisualFeats: feats, VisualPos: pos}
}
