package binding

import (
	"math"
	"os"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
)

// rssBytes reads the resident set size from /proc/self/statm.
func rssBytes(t *testing.T) int64 {
	raw, err := os.ReadFile("/proc/self/statm")
	require.NoError(t, err)
	f := strings.Fields(string(raw))
	pages, err := strconv.ParseInt(f[1], 10, 64)
	require.NoError(t, err)
	return pages * int64(os.Getpagesize())
}

// chain is a representative op chain on 256x768 tensors; it keeps and returns its sum so that
// one kept tensor (with a finalizer backstop) crosses each iteration as well.
func chain(s *Scope, x, w, g, b Tensor) Tensor {
	h := s.Mul(x, w)
	h = s.GELU(h)
	h = s.LayerNorm(s.Add(h, x), g, b, 1e-12)
	out := s.Sum(s.Softmax(h, -1))
	s.Keep(out)
	return out
}

func TestScopesKeepMemoryFlat(t *testing.T) {
	setup := NewScope()
	defer setup.Close()
	x := setup.Full(Float32, 0.01, 256, 768)
	w := setup.Full(Float32, 1.5, 256, 768)
	g, b := setup.Ones(Float32, 768), setup.Zeros(Float32, 768)
	require.NoError(t, setup.Err())
	iter := func() {
		s := NewScope()
		out := chain(s, x, w, g, b)
		require.NoError(t, s.Err())
		s.Close()
		Free(out)
	}
	for i := 0; i < 500; i++ { // warm-up: allocator pools, thread-local caches
		iter()
	}
	runtime.GC()
	debug.FreeOSMemory()
	before := rssBytes(t)
	for i := 0; i < 10000; i++ {
		iter()
		if os.Getenv("LX_TRACE_RSS") != "" && i%1000 == 0 {
			runtime.GC()
			t.Logf("%d: %.1f MB", i, float64(rssBytes(t))/1e6)
		}
	}
	runtime.GC()
	debug.FreeOSMemory()
	after := rssBytes(t)
	growth := float64(after-before) / float64(before)
	t.Logf("RSS after warm-up %.1f MB, after 10000 iterations %.1f MB (%+.2f%%)",
		float64(before)/1e6, float64(after)/1e6, 100*growth)
	require.Less(t, growth, 0.05)
}

// Eight goroutines run op chains with forced GCs in between; results match a sequential run
// within 1e-5 + 1e-4·|ref| (the parity tolerance: no kernel choice is assumed).
func TestConcurrentScopes(t *testing.T) {
	setup := NewScope()
	defer setup.Close()
	data := make([]float32, 64*96)
	for i := range data {
		data[i] = float32(i%17) * 0.01
	}
	x := setup.FromFloat32(data, 64, 96)
	w := setup.FromFloat32(data[:32*96], 32, 96)
	proj := setup.FromFloat32(data[:32*96], 96, 32)
	g, b := setup.Ones(Float32, 96), setup.Zeros(Float32, 96)
	require.NoError(t, setup.Err())
	run := func() []float32 {
		s := NewScope()
		defer s.Close()
		h := s.Linear(s.GELU(s.Linear(x, w, Tensor{})), proj, Tensor{})
		h = s.LayerNorm(s.Add(h, x), g, b, 1e-12)
		kept := s.Softmax(h, -1)
		s.Keep(kept) // a finalizer-backed tensor used as an argument while GCs run
		s2 := NewScope()
		defer s2.Close()
		runtime.GC()
		return s2.Float32s(s2.MulScalar(kept, 2))
	}
	want := run()
	var wg sync.WaitGroup
	errs := make(chan string, 8)
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 25; j++ {
				got := run()
				for k := range want {
					if d := math.Abs(float64(got[k] - want[k])); !(d <= 1e-5+1e-4*math.Abs(float64(want[k]))) {
						errs <- "mismatch"
						return
					}
				}
				runtime.GC()
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Fatal(e)
	}
}
