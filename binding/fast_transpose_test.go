package binding

import (
	"encoding/binary"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// FromBytesLinear is a pure copy into the transposed layout: every value lands exactly at
// its place, for shapes that fill the copy's 16×16 blocks (large ones, in their own
// 64-byte-aligned mapping, take the streaming stores) and shapes with partial blocks at
// either edge, on one thread and on two.
func TestFromBytesLinearTransposes(t *testing.T) {
	old := NumThreads()
	defer func() { _ = SetNumThreads(old) }()
	for _, threads := range []int{1, 2} {
		require.NoError(t, SetNumThreads(threads))
		for _, sh := range [][2]int64{{1, 1}, {16, 16}, {32, 32}, {64, 96}, {33, 31}, {70, 129}, {5, 200}, {300, 7}, {768, 64}, {777, 70}} {
			out, in := sh[0], sh[1]
			data := make([]byte, out*in*4)
			for i := int64(0); i < out*in; i++ {
				binary.LittleEndian.PutUint32(data[4*i:], math.Float32bits(float32(i)+0.5))
			}
			s := NewScope()
			w := s.FromBytesLinear(data, out, in)
			require.Equal(t, []int64{out, in}, s.Shape(w))
			got := s.Float32s(w) // row-major [out, in] values, whatever the storage
			require.NoError(t, s.Err())
			for i := int64(0); i < out*in; i++ {
				require.Equal(t, float32(i)+0.5, got[i], "threads %d, shape %v, index %d", threads, sh, i)
			}
			s.Close()
		}
	}
}
