package lxmert

import (
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

// requireSameOutputs asserts bit-identical outputs (same libtorch, same op order).
func requireSameOutputs(t *testing.T, want, got *weights.StateDict) {
	t.Helper()
	require.ElementsMatch(t, want.Names, got.Names)
	for _, n := range want.Names {
		require.Equal(t, values(t, want, n), values(t, got, n), n)
	}
}
