package tests

import (
	"crypto/sha256"
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// referencePython is the project's venv interpreter (made by make setup).
func referencePython(t *testing.T) string {
	py, err := filepath.Abs("../.venv/bin/python")
	require.NoError(t, err)
	_, err = os.Stat(py)
	require.NoError(t, err, "the Python reference is missing: run make setup")
	return py
}

// referenceVersions names the reference's packages as installed (read from their metadata,
// without importing them), so that a changed reference invalidates cached outputs.
func referenceVersions(t *testing.T) string {
	out, err := exec.Command(referencePython(t), "-c",
		"from importlib.metadata import version as v; print(v('torch'), v('transformers'), v('tokenizers'), v('safetensors'), v('numpy'))").CombinedOutput()
	require.NoError(t, err, "reading the reference's versions: %s", out)
	return string(out)
}

// generate runs gen_parity.py for config name into tests/generated/<name>-<key> and returns
// that folder (see generateWith).
func generate(t *testing.T, name string) string {
	return generateWith(t, "gen_parity.py", name, name)
}

// generateWith runs `script OUT args...` into tests/generated/<name>-<key>, reusing an
// earlier run only when the script's source and the reference's versions are unchanged.
func generateWith(t *testing.T, script, name string, args ...string) string {
	return generateUsing(t, referencePython(t), referenceVersions(t), script, name, args...)
}

// generateUsing is generateWith with a given interpreter and the versions that key its cache.
func generateUsing(t *testing.T, python, versions, script, name string, args ...string) string {
	src, err := os.ReadFile(script)
	require.NoError(t, err)
	sum := sha256.Sum256(append(src, versions...))
	root := filepath.Join("generated", name+"-"+hex.EncodeToString(sum[:6]))
	done := filepath.Join(root, ".complete")
	if _, err := os.Stat(done); err == nil {
		return root
	}
	// Folders from earlier generator versions hold up to ~850 MB each: drop them.
	stale, _ := filepath.Glob(filepath.Join("generated", name+"-*"))
	for _, d := range stale {
		require.NoError(t, os.RemoveAll(d))
	}
	out, err := exec.Command(python, append([]string{script, root}, args...)...).CombinedOutput()
	require.NoError(t, err, "%s %v failed:\n%s", script, args, out)
	require.NoError(t, os.WriteFile(done, nil, 0o644))
	return root
}

// buildCLI builds bin/lxmert into a temporary folder for tests that drive the CLI from Python.
func buildCLI(t *testing.T) string {
	bin := filepath.Join(t.TempDir(), "lxmert")
	out, err := exec.Command("go", "build", "-o", bin, "../cmd/lxmert").CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	return bin
}
