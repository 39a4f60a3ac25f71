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

// --precision int8 runs and stays near fp32 (reduced precision: not the parity tolerance);
// with --grads it is refused as a usage error, as an unknown precision is.
func TestForwardInt8(t *testing.T) {
	dir := "../../tests/testdata/parity/tiny-qa"
	outs := map[string]string{}
	for _, p := range []string{"fp32", "int8"} {
		outs[p] = filepath.Join(t.TempDir(), p+".safetensors")
		var stdout, stderr bytes.Buffer
		code := run([]string{"forward", "--model", dir, "--inputs", filepath.Join(dir, "inputs.safetensors"),
			"--out", outs[p], "--threads", "1", "--precision", p}, &stdout, &stderr)
		require.Equal(t, 0, code, stderr.String())
	}
	read := func(p string) []float32 {
		f, _, err := weights.ReadSafetensors(outs[p])
		require.NoError(t, err)
		s, ok := f.Get("question_answering_score")
		require.True(t, ok)
		v, err := s.Float32()
		require.NoError(t, err)
		return v
	}
	a, b := read("fp32"), read("int8")
	require.Len(t, b, len(a))
	worst := 0.0
	for i := range a {
		worst = math.Max(worst, math.Abs(float64(a[i])-float64(b[i])))
	}
	require.Greater(t, worst, 1e-6, "int8 equals fp32: the int8 path did not run")
	require.Less(t, worst, 0.1)

	for _, args := range [][]string{
		{"forward", "--model", dir, "--inputs", filepath.Join(dir, "inputs.safetensors"), "--out", outs["int8"], "--precision", "int8", "--grads", filepath.Join(t.TempDir(), "g.safetensors")},
		{"forward", "--model", dir, "--inputs", filepath.Join(dir, "inputs.safetensors"), "--out", outs["int8"], "--precision", "int4"},
	} {
		var stdout, stderr bytes.Buffer
		require.Equal(t, 2, run(args, &stdout, &stderr), "%v: %s", args, stderr.String())
		require.Equal(t, 1, bytes.Count(stderr.Bytes(), []byte("\n")), "one line on stderr: %q", stderr.String())
	}
}
