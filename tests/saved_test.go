package tests

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/lxmert"
)

// HF's own from_pretrained must read what the Go SavePretrained writes and reproduce the
// reference outputs from it.
func TestHFReadsGoSavedModels(t *testing.T) {
	py := referencePython(t)
	for _, name := range []string{"tiny-model", "tiny-pretrain", "tiny-qa-bf16"} {
		t.Run(name, func(t *testing.T) {
			src := filepath.Join("testdata/parity", name)
			m, err := lxmert.FromPretrained(src)
			require.NoError(t, err)
			dst := t.TempDir()
			require.NoError(t, m.SavePretrained(dst))
			m.Close()
			for _, f := range []string{"inputs.safetensors", "outputs.safetensors"} {
				data, err := os.ReadFile(filepath.Join(src, f))
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(filepath.Join(dst, f), data, 0o644))
			}
			out, err := exec.Command(py, "check_saved.py", dst).CombinedOutput()
			require.NoError(t, err, "%s", out)
		})
	}
}
