package tests

import (
	"os"
	"os/exec"
	"testing"

	"github.com/stretchr/testify/require"
)

// check_cli.py runs `lxmert forward` on every committed case, the train-mode ones included
// (with --train-seed), and compares each output with HF's, shapes first.
func TestCheckCLIOnCommittedCases(t *testing.T) {
	py := referencePython(t)
	bin := buildCLI(t)
	dirs := caseDirs(t, "testdata/parity")
	cmd := exec.Command(py, append([]string{"check_cli.py"}, dirs...)...)
	cmd.Env = append(os.Environ(), "LXMERT_BIN="+bin)
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "%s", out)
	require.Contains(t, string(out), "tiny-qa-train: ok", "the train-mode case must be checked, not skipped:\n%s", out)
	t.Logf("%s", out)
}
