package binding

import (
	"runtime"
	"testing"

	"github.com/stretchr/testify/require"
)

// SerialOps narrows LibTorch's team on this goroutine's thread to one and restore widens it
// again, while NumThreads keeps reporting the process setting (the fast path sizes its
// branches and calls from it).
func TestSerialOpsNarrowsThisThreadOnly(t *testing.T) {
	runtime.LockOSThread() // our own lock keeps the thread after restore's unlock
	defer runtime.UnlockOSThread()
	old := NumThreads()
	defer func() { _ = SetNumThreads(old) }()
	require.NoError(t, SetNumThreads(2))
	team := func() string {
		info, err := RuntimeInfo()
		require.NoError(t, err)
		return info
	}
	restore := SerialOps()
	require.Contains(t, team(), "omp_get_max_threads() : 1")
	require.Equal(t, 2, NumThreads())
	restore()
	require.Contains(t, team(), "omp_get_max_threads() : 2")
	require.Equal(t, 2, NumThreads())
}
