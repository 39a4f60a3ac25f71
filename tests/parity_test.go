// Package tests holds the parity suite: Go outputs against HF PyTorch's on the same weights
// and inputs, made by the project's own generator (gen_parity.py).
package tests

import (
	"math"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/lxmert"
	"github.com/lxmert-go/golxmert/lxmert/weights"
)

// Tolerance of the parity contract in fp32: |Δ| ≤ absTol + relTol·|ref|.
const absTol, relTol = 1e-5, 1e-4

// compareOutputs checks that got has exactly want's keys and shapes, values within tolerance,
// and returns the worst absolute difference.
func compareOutputs(t *testing.T, want, got *weights.StateDict) float64 {
	t.Helper()
	wantNames := append([]string(nil), want.Names...)
	gotNames := append([]string(nil), got.Names...)
	sort.Strings(wantNames)
	sort.Strings(gotNames)
	require.Equal(t, wantNames, gotNames, "output fields differ from HF's")
	worst := 0.0
	for _, name := range wantNames {
		w, _ := want.Get(name)
		g, _ := got.Get(name)
		require.Equal(t, w.Shape, g.Shape, "%s: shape", name)
		wv, err := w.Float32()
		require.NoError(t, err)
		gv, err := g.Float32()
		require.NoError(t, err)
		for i := range wv {
			d := math.Abs(float64(gv[i]) - float64(wv[i]))
			if math.IsNaN(d) {
				t.Fatalf("%s[%d]: got %v, want %v", name, i, gv[i], wv[i])
			}
			if d > worst {
				worst = d
			}
			if d > absTol+relTol*math.Abs(float64(wv[i])) {
				t.Fatalf("%s[%d]: got %v, want %v (|Δ| %.3g)", name, i, gv[i], wv[i], d)
			}
		}
	}
	return worst
}

// runCase loads a generated case folder and compares every output and loss with HF's.
func runCase(t *testing.T, dir string) {
	m, err := lxmert.FromPretrained(dir)
	require.NoError(t, err)
	defer m.Close()
	in, _, err := weights.ReadSafetensors(filepath.Join(dir, "inputs.safetensors"))
	require.NoError(t, err)
	want, _, err := weights.ReadSafetensors(filepath.Join(dir, "outputs.safetensors"))
	require.NoError(t, err)
	got, err := lxmert.ForwardNamed(m, in, lxmert.Options{OutputAttentions: true, OutputHiddenStates: true})
	require.NoError(t, err)
	worst := compareOutputs(t, want, got)
	t.Logf("%s: %d fields, worst |Δ| = %.3g", filepath.Base(dir), want.Len(), worst)
}

func caseDirs(t *testing.T, root string) []string {
	entries, err := os.ReadDir(root)
	require.NoError(t, err)
	var dirs []string
	for _, e := range entries {
		if e.IsDir() {
			dirs = append(dirs, filepath.Join(root, e.Name()))
		}
	}
	require.NotEmpty(t, dirs, "no parity cases under %s", root)
	return dirs
}

// TestParityCommitted runs the committed tiny cases (all three models, safetensors and
// pytorch_model.bin).
func TestParityCommitted(t *testing.T) {
	for _, dir := range caseDirs(t, "testdata/parity") {
		t.Run(filepath.Base(dir), func(t *testing.T) { runCase(t, dir) })
	}
}

// TestParityGenerated makes the larger cases with the Python reference (uneven sizes without
// masks; the full default config with 3,129 answers) and runs them. A missing reference fails.
func TestParityGenerated(t *testing.T) {
	for _, name := range []string{"uneven", "full"} {
		root := generate(t, name)
		for _, dir := range caseDirs(t, root) {
			t.Run(filepath.Base(dir), func(t *testing.T) { runCase(t, dir) })
		}
	}
}
