package main

import (
	"bytes"
	"math"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/lxmert/weights"
)

// lxmert forward reproduces HF's outputs for a committed case, and fails in one line on bad use.
func TestForwardCommand(t *testing.T) {
	dir := "../../tests/testdata/parity/tiny-pretrain"
	out := filepath.Join(t.TempDir(), "out.safetensors")
	var stdout, stderr bytes.Buffer
	code := run([]string{"forward", "--model", dir, "--inputs", filepath.Join(dir, "inputs.safetensors"),
		"--out", out, "--output-attentions", "--output-hidden-states", "--threads", "1"}, &stdout, &stderr)
	require.Equal(t, 0, code, stderr.String())
	got, _, err := weights.ReadSafetensors(out)
	require.NoError(t, err)
	want, _, err := weights.ReadSafetensors(filepath.Join(dir, "outputs.safetensors"))
	require.NoError(t, err)
	require.ElementsMatch(t, want.Names, got.Names)
	for _, n := range want.Names {
		w, _ := want.Get(n)
		g, _ := got.Get(n)
		require.Equal(t, w.Shape, g.Shape, n)
		wv, err := w.Float32()
		require.NoError(t, err)
		gv, err := g.Float32()
		require.NoError(t, err)
		for i := range wv { // the parity tolerance: the reference came from another BLAS kernel
			d := math.Abs(float64(gv[i]) - float64(wv[i]))
			require.LessOrEqual(t, d, 1e-5+1e-4*math.Abs(float64(wv[i])), "%s[%d]", n, i)
		}
	}

	for _, args := range [][]string{
		{"forward"},
		{"forward", "--model", "/nonexistent", "--inputs", "x", "--out", out},
		{"forward", "--model", dir, "--inputs", "../../tests/testdata/parity/tiny-qa/inputs.safetensors", "--out", out},
		{"nosuchcommand"},
	} {
		stderr.Reset()
		require.NotEqual(t, 0, run(args, &stdout, &stderr), "%v", args)
		require.Equal(t, 1, bytes.Count(stderr.Bytes(), []byte("\n")), "one line on stderr: %q", stderr.String())
	}
}
