package tests

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/lxmert"
	"github.com/lxmert-go/golxmert/lxmert/weights"
)

// tfPython is the HF TensorFlow reference's interpreter (its own venv, made by make venv-tf).
func tfPython(t *testing.T) string {
	py, err := filepath.Abs("../.venv-tf/bin/python")
	require.NoError(t, err)
	_, err = os.Stat(py)
	require.NoError(t, err, "the TF reference is missing: run make venv-tf")
	return py
}

// tfVersions names the TF reference's packages as installed, keying the generator's cache.
func tfVersions(t *testing.T) string {
	out, err := exec.Command(tfPython(t), "-c", "from importlib.metadata import version as v; "+
		"print(*[v(p) for p in ('torch', 'tensorflow-cpu', 'tf-keras', 'transformers', 'h5py', 'numpy', 'safetensors')])").CombinedOutput()
	require.NoError(t, err, "reading the TF reference's versions: %s", out)
	return string(out)
}

// generateTF runs gen_tf.py for a configuration (cached like generate).
func generateTF(t *testing.T, name string) string {
	return generateUsing(t, tfPython(t), tfVersions(t), "gen_tf.py", "tf-"+name, name)
}

// tfCases lists the case folders (those holding a tf_model.h5) of a generated root.
func tfCases(t *testing.T, root string) []string {
	var out []string
	for _, d := range caseDirs(t, root) {
		if _, err := os.Stat(filepath.Join(d, "tf_model.h5")); err == nil {
			out = append(out, d)
		}
	}
	require.NotEmpty(t, out)
	return out
}

func readST(t *testing.T, path string) *weights.StateDict {
	sd, _, err := weights.ReadSafetensors(path)
	require.NoError(t, err)
	return sd
}

// TestTFParity loads every TF-only case folder (tf_model.h5 + config.json naming
// TFLxmertModel or TFLxmertForPreTraining) and compares every output field with HF TF's and
// with HF PyTorch's on the same weights. Where HF TF cannot run the inputs (a visual mask
// whose box count differs from the token count) the PyTorch outputs are the reference.
func TestTFParity(t *testing.T) {
	nTF, nBug := 0, 0
	for _, name := range []string{"tiny", "uneven"} {
		for _, dir := range tfCases(t, generateTF(t, name)) {
			for _, f := range []string{"model.safetensors", "pytorch_model.bin"} {
				_, err := os.Stat(filepath.Join(dir, f))
				require.True(t, os.IsNotExist(err), "%s must be a TF-only folder", dir)
			}
			_, err := os.Stat(filepath.Join(dir, "outputs.safetensors"))
			hasTF := err == nil
			if hasTF {
				nTF++
			} else {
				nBug++
			}
			t.Run(filepath.Base(dir), func(t *testing.T) { runTFCase(t, dir, hasTF) })
		}
	}
	require.GreaterOrEqual(t, nTF, 8, "both classes, two configurations, equal and unequal box counts")
	require.GreaterOrEqual(t, nBug, 4, "every model and configuration with HF TF's visual-mask failure")
}

func runTFCase(t *testing.T, dir string, hasTF bool) {
	cfg, err := lxmert.LoadConfig(dir)
	require.NoError(t, err)
	m, err := lxmert.FromPretrained(dir)
	require.NoError(t, err)
	defer m.Close()
	switch cfg.Architecture() {
	case lxmert.ArchTFModel:
		require.IsType(t, &lxmert.LxmertModel{}, m)
	case lxmert.ArchTFPreTrain:
		require.IsType(t, &lxmert.LxmertForPreTraining{}, m)
	default:
		t.Fatalf("%s: config.json names %q, not a TF class", dir, cfg.Architecture())
	}
	in := readST(t, filepath.Join(dir, "inputs.safetensors"))
	got, err := lxmert.ForwardNamed(m, in, lxmert.Options{OutputAttentions: true, OutputHiddenStates: true})
	require.NoError(t, err)
	worstPT := compareOutputs(t, readST(t, filepath.Join(dir, "outputs_pt.safetensors")), got)
	if hasTF {
		worstTF := compareOutputs(t, readST(t, filepath.Join(dir, "outputs.safetensors")), got)
		t.Logf("%s: %d fields, worst |Δ| vs HF TF %.3g, vs HF PyTorch %.3g", filepath.Base(dir), got.Len(), worstTF, worstPT)
		return
	}
	raw, err := os.ReadFile(filepath.Join(dir, "tf_error.txt"))
	require.NoError(t, err)
	require.Contains(t, string(raw), "Input to reshape is a tensor with")
	ids, _ := in.Get("input_ids")
	vm, ok := in.Get("visual_attention_mask")
	require.True(t, ok)
	require.NotEqual(t, ids.Shape[1], vm.Shape[1], "the failing case has more boxes than tokens")
	reason := ""
	for _, line := range strings.Split(string(raw), "\n") {
		if strings.Contains(line, "Input to reshape") {
			reason = strings.TrimSpace(line)
		}
	}
	t.Logf("%s: HF TF fails (%s); Go runs it: %d fields, worst |Δ| vs HF PyTorch %.3g",
		filepath.Base(dir), reason, got.Len(), worstPT)
}

// configArch reads config.json's architectures[0].
func configArch(t *testing.T, dir string) string {
	raw, err := os.ReadFile(filepath.Join(dir, "config.json"))
	require.NoError(t, err)
	var c struct{ Architectures []string }
	require.NoError(t, json.Unmarshal(raw, &c))
	require.Len(t, c.Architectures, 1)
	return c.Architectures[0]
}

// copyFile copies src to dst.
func copyFile(t *testing.T, src, dst string) {
	data, err := os.ReadFile(src)
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(dst, data, 0o644))
}
