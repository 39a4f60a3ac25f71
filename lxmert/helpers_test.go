package lxmert

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/lxmert/weights"
)

const tinyCases = "../tests/testdata/parity/"

// tinyCase returns a committed parity case: its folder, inputs and HF's outputs.
func tinyCase(t *testing.T, name string) (dir string, in, want *weights.StateDict) {
	t.Helper()
	dir = filepath.Join(tinyCases, name)
	in, _, err := weights.ReadSafetensors(filepath.Join(dir, "inputs.safetensors"))
	require.NoError(t, err)
	want, _, err = weights.ReadSafetensors(filepath.Join(dir, "outputs.safetensors"))
	require.NoError(t, err)
	return dir, in, want
}

func allOutputs() Options { return Options{OutputAttentions: true, OutputHiddenStates: true} }

// values returns a host tensor's float32 values.
func values(t *testing.T, sd *weights.StateDict, name string) []float32 {
	t.Helper()
	h, ok := sd.Get(name)
	require.True(t, ok, "no tensor %s", name)
	v, err := h.Float32()
	require.NoError(t, err)
	return v
}

// Parity tolerance in fp32: |Δ| ≤ absTol + relTol·|ref|. The committed references were made
// under one OpenBLAS kernel; another kernel (chosen per CPU) differs in the last bits.
const absTol, relTol = 1e-5, 1e-4

// requireClose asserts got matches want element-wise within the parity tolerance.
func requireClose(t *testing.T, want, got []float32, what string) {
	t.Helper()
	require.Len(t, got, len(want), what)
	for i := range want {
		d := math.Abs(float64(got[i]) - float64(want[i]))
		if math.IsNaN(d) || d > absTol+relTol*math.Abs(float64(want[i])) {
			require.Failf(t, "outside the parity tolerance", "%s[%d]: got %v, want %v (|Δ| %.3g)", what, i, got[i], want[i], d)
		}
	}
}

// requireCloseOutputs asserts the same output fields and shapes, values within tolerance.
func requireCloseOutputs(t *testing.T, want, got *weights.StateDict) {
	t.Helper()
	require.ElementsMatch(t, want.Names, got.Names)
	for _, n := range want.Names {
		w, _ := want.Get(n)
		g, _ := got.Get(n)
		require.Equal(t, w.Shape, g.Shape, n)
		requireClose(t, values(t, want, n), values(t, got, n), n)
	}
}
