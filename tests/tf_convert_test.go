package tests

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// tf_model.h5 → `lxmert convert` → model.safetensors: HF PyTorch loads the folder as its
// own (config.json names the PyTorch class) and gives the reference outputs.
func TestTFConvertToSafetensors(t *testing.T) {
	bin := buildCLI(t)
	py := referencePython(t)
	for _, c := range []struct{ root, arch, pt string }{
		{"tiny", "model", "LxmertModel"}, {"tiny", "pretrain", "LxmertForPreTraining"},
		{"uneven", "pretrain", "LxmertForPreTraining"},
	} {
		src := filepath.Join(generateTF(t, c.root), c.root+"-"+c.arch)
		dst := t.TempDir()
		out, err := exec.Command(bin, "convert", "--from", src, "--to", dst).CombinedOutput()
		require.NoError(t, err, "%s", out)
		require.Equal(t, c.pt, configArch(t, dst))
		copyFile(t, filepath.Join(src, "inputs.safetensors"), filepath.Join(dst, "inputs.safetensors"))
		copyFile(t, filepath.Join(src, "outputs_pt.safetensors"), filepath.Join(dst, "outputs.safetensors"))
		out, err = exec.Command(py, "check_saved.py", dst).CombinedOutput()
		require.NoError(t, err, "%s", out)
		t.Logf("%s", out)
	}
}

// A PyTorch folder → `lxmert convert --format tf` → tf_model.h5 that HF TF loads with every
// weight used and that gives HF TF's outputs of the original weights.
func TestConvertToTFLoadsInHFTF(t *testing.T) {
	bin := buildCLI(t)
	var dirs []string
	for _, c := range []struct{ root, arch, tf string }{
		{"tiny", "model", "TFLxmertModel"}, {"tiny", "pretrain", "TFLxmertForPreTraining"},
		{"uneven", "model", "TFLxmertModel"},
	} {
		root := generateTF(t, c.root)
		src := filepath.Join(root, c.root+"-"+c.arch+"-pt-source")
		dst := t.TempDir()
		out, err := exec.Command(bin, "convert", "--from", src, "--to", dst, "--format", "tf").CombinedOutput()
		require.NoError(t, err, "%s", out)
		require.Equal(t, c.tf, configArch(t, dst))
		ref := filepath.Join(root, c.root+"-"+c.arch)
		copyFile(t, filepath.Join(ref, "inputs.safetensors"), filepath.Join(dst, "inputs.safetensors"))
		copyFile(t, filepath.Join(ref, "outputs.safetensors"), filepath.Join(dst, "outputs.safetensors"))
		dirs = append(dirs, dst)
	}
	out, err := exec.Command(tfPython(t), append([]string{"check_tf.py"}, dirs...)...).CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Equal(t, len(dirs), strings.Count(string(out), "fields match"), "%s", out)
	t.Logf("%s", out)
}

// `lxmert forward` runs a TF-only folder and writes HF TF's outputs.
func TestTFForwardCLI(t *testing.T) {
	bin := buildCLI(t)
	dir := filepath.Join(generateTF(t, "tiny"), "tiny-pretrain")
	res := filepath.Join(t.TempDir(), "out.safetensors")
	out, err := exec.Command(bin, "forward", "--model", dir, "--inputs", filepath.Join(dir, "inputs.safetensors"),
		"--out", res, "--output-attentions", "--output-hidden-states").CombinedOutput()
	require.NoError(t, err, "%s", out)
	worst := compareOutputs(t, readST(t, filepath.Join(dir, "outputs.safetensors")), readST(t, res))
	t.Logf("lxmert forward on tf_model.h5: worst |Δ| vs HF TF %.3g", worst)
}

// convert's misuse: a bad --format or float16 TF is a usage error (exit 2); a model HF has no
// TensorFlow class for is an error naming it (exit 1).
func TestConvertTFRefusals(t *testing.T) {
	bin := buildCLI(t)
	for _, c := range []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"--format", "onnx"}, 2, `--format "onnx" is not safetensors or tf`},
		{[]string{"--format", "tf", "--dtype", "float16"}, 2, "--format tf writes float32 only"},
		{[]string{"--format", "tf"}, 1, `architecture "LxmertForQuestionAnswering" has no HF TensorFlow class`},
	} {
		args := append([]string{"convert", "--from", "testdata/parity/tiny-qa", "--to", t.TempDir()}, c.args...)
		out, err := exec.Command(bin, args...).CombinedOutput()
		var exit *exec.ExitError
		require.ErrorAs(t, err, &exit, "%s", out)
		require.Equal(t, c.code, exit.ExitCode(), "%s", out)
		require.Contains(t, string(out), c.msg)
	}
}
