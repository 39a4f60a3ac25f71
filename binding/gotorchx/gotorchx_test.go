package gotorchx

import (
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/wangkuiyi/gotorch"

	"github.com/lxmert-go/golxmert/binding"
)

// A binding tensor is usable by gotorch's ops and back, with no copy.
func TestRoundTrip(t *testing.T) {
	s := binding.NewScope()
	defer s.Close()
	a := s.FromFloat32([]float32{1, 2, 3, 4}, 2, 2)
	g := ToGotorch(a)
	sum := gotorch.Add(g, g, 1) // gotorch owns its result (finalizer)
	back := FromGotorch(sum)
	require.Equal(t, []float32{2, 4, 6, 8}, s.Float32s(back))
	require.NoError(t, s.Err())
	require.Same(t, ToGotorch(a).T, g.T, "the same handle, not a copy")
	require.Same(t, sum.T, ToGotorch(back).T, "a borrowed handle reads gotorch's cell")
	binding.Free(back) // borrowed: left to gotorch
	require.Equal(t, []float32{2, 4, 6, 8}, s.Float32s(back))
}
