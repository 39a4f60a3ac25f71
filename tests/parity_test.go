// Package tests holds the parity suite: Go outputs against HF PyTorch's on the same weights
// and inputs, made by the project's own generator (gen_parity.py).
package tests

import (
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/binding"
	"github.com/lxmert-go/golxmert/lxmert"
	"github.com/lxmert-go/golxmert/lxmert/weights"
)

// Tolerance of the parity contract in fp32: |Δ| ≤ absTol + relTol·|ref|.
const absTol, relTol = 1e-5, 1e-4

// diffOutputs compares got with want: exactly want's fields and shapes, values within
// tolerance. It returns the first violation ("" when none) and the worst |Δ|.
func diffOutputs(want, got *weights.StateDict) (violation string, worst float64) {
	return diffWithin(want, got, absTol, relTol)
}

// diffWithin is diffOutputs with a given tolerance |Δ| ≤ abs + rel·|ref|.
func diffWithin(want, got *weights.StateDict, abs, rel float64) (violation string, worst float64) {
	wantNames := append([]string(nil), want.Names...)
	gotNames := append([]string(nil), got.Names...)
	sort.Strings(wantNames)
	sort.Strings(gotNames)
	if fmt.Sprint(wantNames) != fmt.Sprint(gotNames) {
		return fmt.Sprintf("output fields %v, HF has %v", gotNames, wantNames), 0
	}
	for _, name := range wantNames {
		w, _ := want.Get(name)
		g, _ := got.Get(name)
		if fmt.Sprint(w.Shape) != fmt.Sprint(g.Shape) {
			return fmt.Sprintf("%s: shape %v, HF has %v", name, g.Shape, w.Shape), worst
		}
		wv, err1 := w.Float32()
		gv, err2 := g.Float32()
		if err := errors.Join(err1, err2); err != nil {
			return fmt.Sprintf("%s: %v", name, err), worst
		}
		for i := range wv {
			d := math.Abs(float64(gv[i]) - float64(wv[i]))
			if math.IsNaN(d) || d > abs+rel*math.Abs(float64(wv[i])) {
				return fmt.Sprintf("%s[%d]: got %v, want %v (|Δ| %.3g)", name, i, gv[i], wv[i], d), worst
			}
			worst = math.Max(worst, d)
		}
	}
	return "", worst
}

// compareOutputs fails the test on any violation and returns the worst |Δ|.
func compareOutputs(t *testing.T, want, got *weights.StateDict) float64 {
	t.Helper()
	v, worst := diffOutputs(want, got)
	require.Empty(t, v)
	return worst
}

// runCase loads a generated case folder and compares every output and loss with HF's.
func runCase(t *testing.T, dir string) {
	m, err := lxmert.FromPretrained(dir)
	require.NoError(t, err)
	defer m.Close()
	// A case with a train_seed file is a train-mode forward: dropout masks come from that seed.
	if raw, err := os.ReadFile(filepath.Join(dir, "train_seed")); err == nil {
		seed, err := strconv.ParseUint(strings.TrimSpace(string(raw)), 10, 64)
		require.NoError(t, err)
		m.Train()
		binding.ManualSeed(seed)
	}
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

// The suite must notice a wrong model: one weight changed by 1e-3 breaks parity.
func TestParityDetectsAWrongWeight(t *testing.T) {
	dir := "testdata/parity/tiny-qa"
	m, err := lxmert.LxmertForQuestionAnsweringFromPretrained(dir)
	require.NoError(t, err)
	defer m.Close()
	sd, err := m.StateDict()
	require.NoError(t, err)
	h, _ := sd.Get("lxmert.encoder.x_layers.0.visual_attention.att.value.weight")
	v, err := h.Float32()
	require.NoError(t, err)
	v[5] += 1e-3
	changed, err := weights.FromFloat32(h.Name, h.Shape, v)
	require.NoError(t, err)
	sd.Set(changed)
	require.NoError(t, m.LoadStateDict(sd))
	in, _, err := weights.ReadSafetensors(filepath.Join(dir, "inputs.safetensors"))
	require.NoError(t, err)
	want, _, err := weights.ReadSafetensors(filepath.Join(dir, "outputs.safetensors"))
	require.NoError(t, err)
	got, err := lxmert.ForwardNamed(m, in, lxmert.Options{OutputAttentions: true, OutputHiddenStates: true})
	require.NoError(t, err)
	violation, _ := diffOutputs(want, got)
	require.NotEmpty(t, violation)
	t.Log("detected:", violation)
}

// Gradient tolerance: backward sums many more terms than a forward, so the relative part is
// 1e-3 (the contract for gradients); the absolute part stays 1e-5.
const gradRelTol = 1e-3

// runGradCase checks d(loss)/d(param) of an eval-mode forward against HF's for every
// parameter HF gives a gradient (and no other).
func runGradCase(t *testing.T, dir string) {
	m, err := lxmert.FromPretrained(dir)
	require.NoError(t, err)
	defer m.Close()
	in, _, err := weights.ReadSafetensors(filepath.Join(dir, "inputs.safetensors"))
	require.NoError(t, err)
	want, _, err := weights.ReadSafetensors(filepath.Join(dir, "grads.safetensors"))
	require.NoError(t, err)
	_, got, err := lxmert.BackwardNamed(m, in, lxmert.Options{})
	require.NoError(t, err)
	v, worst := diffWithin(want, got, absTol, gradRelTol)
	require.Empty(t, v)
	t.Logf("%s: %d gradients, worst |Δ| = %.3g", filepath.Base(dir), want.Len(), worst)
}

// TestGradParity compares gradients with HF's on the tiny, uneven and full configurations.
func TestGradParity(t *testing.T) {
	n := 0
	for _, name := range []string{"tiny", "uneven", "full"} {
		for _, dir := range caseDirs(t, generate(t, name)) {
			if _, err := os.Stat(filepath.Join(dir, "grads.safetensors")); err != nil {
				continue // a bare model (no loss), a converted copy or a train-mode case
			}
			n++
			t.Run(filepath.Base(dir), func(t *testing.T) { runGradCase(t, dir) })
		}
	}
	require.GreaterOrEqual(t, n, 5, "every head with a loss, in every configuration")
}
