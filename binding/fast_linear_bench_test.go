package binding

import (
	"fmt"
	"math/rand"
	"testing"
)

// BenchmarkFastLinearF32 is the fp32 GEMM rate of the fast path on one thread at LXMERT's
// shapes: the rows of batch 1, 8 and 32 (20 tokens, 36 boxes) against the base model's
// weights, cycling through enough copies of each weight (≥ 96 MiB) that every call streams
// its weight from memory, as a forward does. It reports GFLOP/s, to set against the core's
// FMA peak (tests/ceiling) and the model's rate in the forward (BENCHMARKS.md).
func BenchmarkFastLinearF32(b *testing.B) {
	f, err := NewFastContext()
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	prev := NumThreads()
	defer func() { _ = SetNumThreads(prev) }()
	if err := SetNumThreads(1); err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewSource(1))
	for _, shape := range [][2]int64{{768, 2304}, {768, 768}, {768, 3072}, {3072, 768}} {
		k, n := shape[0], shape[1]
		s := NewScope()
		copies := int(96<<20/(4*k*n)) + 1
		ws := make([]FastLinear, copies)
		for i := range ws {
			ws[i] = randLinear(s, rng, n, k)
		}
		for _, rows := range []int64{20, 36, 160, 288, 640, 1152} {
			x := randTensor(s, rng, 1, rows, k)
			b.Run(fmt.Sprintf("k=%d/n=%d/rows=%d", k, n, rows), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					step := NewScope()
					step.FastLinear(f, PrecisionF32, 1, x, ws[i%copies], ActNone)
					if err := step.Err(); err != nil {
						b.Fatal(err)
					}
					step.Close()
				}
				b.ReportMetric(2*float64(rows*k*n)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
			})
		}
		s.Close()
	}
}
