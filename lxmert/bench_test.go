package lxmert

import (
	"fmt"
	"testing"

	"github.com/lxmert-go/golxmert/binding"
)

// BenchmarkQAForward times LxmertForQuestionAnswering on the default architecture with the VQA
// answer set (3,129), 20 tokens and 36 boxes, as GUIDE.md's speed anchors do. Compare with
// tests/bench_hf.py run in the same session: the machines are noisy.
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
			b.Run(fmt.Sprintf("batch=%d/threads=%d", batch, threads), func(b *testing.B) {
				old := binding.NumThreads()
				defer binding.SetNumThreads(old)
				if err := binding.SetNumThreads(threads); err != nil {
					b.Fatal(err)
				}
				s := binding.NewScope()
				defer s.Close()
				in := Inputs{
					InputIDs:    s.Full(binding.Int64, 7, batch, 20),
					VisualFeats: s.Full(binding.Float32, 0.1, batch, 36, 2048),
					VisualPos:   s.Full(binding.Float32, 0.5, batch, 36, 4),
				}
				if _, err := m.Forward(in, nil, Options{}); err != nil { // warm-up
					b.Fatal(err)
				}
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					out, err := m.Forward(in, nil, Options{})
					if err != nil {
						b.Fatal(err)
					}
					out.Close()
				}
			})
		}
	}
}
