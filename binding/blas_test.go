package binding

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestFastBLAS fails when libtorch runs on Debian's reference BLAS (~3-6 GFLOP/s) instead of
// OpenBLAS (~190 GFLOP/s on two cores, ~95 on one), so the 15x slowdown cannot come back
// silently. The library mapped into the process is the check; the measured speed is only
// logged (speed is for benchmarks: a timed floor failed on a loaded machine).
func TestFastBLAS(t *testing.T) {
	path, err := BLASLibrary()
	require.NoError(t, err)
	require.True(t, IsOpenBLAS(path), "libtorch loads %s, not OpenBLAS: run make setup (libopenblas0-openmp)", path)

	s := NewScope()
	defer s.Close()
	const n = 1024
	a := s.Full(Float32, 0.5, n, n)
	s.MatMul(a, a) // warm-up
	best := time.Duration(1 << 62)
	for i := 0; i < 3; i++ {
		start := time.Now()
		s.MatMul(a, a)
		if d := time.Since(start); d < best {
			best = d
		}
	}
	require.NoError(t, s.Err())
	gflops := 2 * n * n * n / best.Seconds() / 1e9
	t.Logf("BLAS %s: 1024^3 matmul %.1f GFLOP/s with %d threads", path, gflops, NumThreads())
}
