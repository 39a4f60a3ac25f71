package lxmert

import (
	"fmt"
	"testing"

	"github.com/lxmert-go/golxmert/binding"
)

// The full-model comparison with HF eager, TorchScript and ONNX Runtime is `make bench`
// (tests/bench.py); these benchmarks time the Go side alone and one layer at a time.

// BenchmarkQAForward times LxmertForQuestionAnswering on the default architecture with the VQA
// answer set (3,129), 20 tokens and 36 boxes, in fp32, bf16 and int8.
func BenchmarkQAForward(b *testing.B) {
	c := DefaultConfig()
	c.NumQALabels = 3129
	m, err := NewLxmertForQuestionAnswering(c)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	for _, batch := range []int64{1, 8} {
		for _, threads := range []int{1, 2} {
			for _, p := range []Precision{PrecisionFP32, PrecisionBF16, PrecisionInt8} {
				b.Run(fmt.Sprintf("batch=%d/threads=%d/%s", batch, threads, p), func(b *testing.B) {
					withThreads(b, threads)
					s := binding.NewScope()
					defer s.Close()
					in := Inputs{
						InputIDs:    s.Full(binding.Int64, 7, batch, 20),
						VisualFeats: s.Full(binding.Float32, 0.1, batch, 36, 2048),
						VisualPos:   s.Full(binding.Float32, 0.5, batch, 36, 4),
					}
					opts := Options{Precision: p}
					for i := -1; i < b.N; i++ { // i = -1: the warm-up
						if i == 0 {
							b.ResetTimer()
						}
						out, err := m.Forward(in, nil, opts)
						if err != nil {
							b.Fatal(err)
						}
						out.Close()
					}
				})
			}
		}
	}
}

// BenchmarkLayer times one language layer (20 tokens) and one X-layer (20 tokens, 36 boxes)
// of the default architecture: fused (one call, the fast path) against the unfused
// composition (the ATen path: fused attention block, then FFN op by op).
func BenchmarkLayer(b *testing.B) {
	c := DefaultConfig()
	c.LLayers, c.XLayers, c.RLayers = 1, 1, 1
	m, err := NewLxmertModel(c)
	if err != nil {
		b.Fatal(err)
	}
	defer m.Close()
	for _, batch := range []int64{1, 8} {
		for _, mode := range []string{"fused", "fused-bf16", "fused-int8", "unfused"} {
			b.Run(fmt.Sprintf("layer/batch=%d/%s", batch, mode), func(b *testing.B) {
				layerBench(b, m, batch, mode, false)
			})
			b.Run(fmt.Sprintf("xlayer/batch=%d/%s", batch, mode), func(b *testing.B) {
				layerBench(b, m, batch, mode, true)
			})
		}
	}
}

func layerBench(b *testing.B, m *LxmertModel, batch int64, mode string, cross bool) {
	withThreads(b, binding.DefaultThreads())
	s := binding.NewScope()
	defer s.Close()
	h := int64(m.Config.HiddenSize)
	lang := s.Full(binding.Float32, 0.1, batch, 20, h)
	visn := s.Full(binding.Float32, 0.2, batch, 36, h)
	r := run{s: s}
	switch mode {
	case "fused":
		r.fast = m.params.fast
	case "fused-bf16":
		r.fast, r.prec = m.params.fast, binding.PrecisionBF16
	case "fused-int8":
		r.fast, r.prec = m.params.fast, binding.PrecisionInt8
	}
	r.pair = true // as a forward running alone: small X-layers share their steps between two threads
	for i := -1; i < b.N; i++ {
		if i == 0 {
			b.ResetTimer()
		}
		step := binding.NewScope()
		r.s = step
		if cross {
			m.Encoder.XLayers[0].forward(r, lang, binding.Tensor{}, visn, binding.Tensor{}, false)
		} else {
			m.Encoder.Layer[0].forward(r, lang, binding.Tensor{}, false)
		}
		if err := step.Err(); err != nil {
			b.Fatal(err)
		}
		step.Close()
	}
}

func withThreads(b testing.TB, n int) {
	old := binding.NumThreads()
	b.Cleanup(func() { _ = binding.SetNumThreads(old) })
	if err := binding.SetNumThreads(n); err != nil {
		b.Fatal(err)
	}
}
