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

// generate runs gen_parity.py for config name into tests/generated/<name>-<hash>, reusing an
// earlier run made by the same generator source, and returns that folder.
func generate(t *testing.T, name string) string {
	src, err := os.ReadFile("gen_parity.py")
	require.NoError(t, err)
	sum := sha256.Sum256(src)
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
	cmd := exec.Command(referencePython(t), "gen_parity.py", root, name)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "gen_parity.py %s failed:\n%s", name, out)
	require.NoError(t, os.WriteFile(done, nil, 0o644))
	return root
}
