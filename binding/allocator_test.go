package binding

import (
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

// Large tensor buffers come from csrc's allocator: freed ones wait in a cache for a buffer of
// the same size, and the cache never holds more than its cap (default 512 MiB), evicting the
// oldest. The host's malloc settings are not touched (no M_MMAP_THRESHOLD any more).
func TestTensorAllocatorCache(t *testing.T) {
	if os.Getenv("LXMERT_TENSOR_ALLOCATOR") == "libtorch" {
		require.Equal(t, "libtorch", TensorAllocator())
		return
	}
	require.Equal(t, "lxmert", TensorAllocator())
	capBytes := tensorCacheBytes()
	s := NewScope()
	defer s.Close()
	if capBytes == 0 { // LXMERT_TENSOR_CACHE_MB=0: mappings go straight back to the OS
		s.Free(s.Empty(Float32, 1<<18))
		require.Zero(t, TensorCacheBytes())
		return
	}
	x := s.Empty(Float32, 1<<18) // 1 MiB
	require.NoError(t, s.Err())
	before := TensorCacheBytes()
	s.Free(x)
	require.GreaterOrEqual(t, TensorCacheBytes()-before, int64(1<<20), "a freed 1 MiB buffer is cached")
	y := s.Empty(Float32, 1<<18) // the same size: taken back from the cache
	require.Less(t, TensorCacheBytes(), before+int64(1<<20))
	s.Free(y)
	for i := int64(0); i < capBytes>>20+64; i++ { // distinct sizes, one at a time, past the cap
		z := s.Empty(Float32, 1<<18+1024*i)
		s.Free(z)
		require.LessOrEqual(t, TensorCacheBytes(), capBytes)
	}
	require.NoError(t, s.Err())
}
