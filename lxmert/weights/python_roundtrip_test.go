package weights

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// pythonReadBack is run by the reference interpreter: it loads a file Go
// wrote with safetensors.torch.load_file and prints what torch holds.
const pythonReadBack = `
import json, sys
import torch
from safetensors import safe_open
from safetensors.torch import load_file
path = sys.argv[1]
tensors = load_file(path)
with safe_open(path, framework="pt") as f:
    meta = f.metadata()
out = {}
for name, t in tensors.items():
    raw = t.contiguous()
    if raw.dtype == torch.bfloat16:
        raw = raw.view(torch.int16)
    out[name] = {"dtype": str(t.dtype), "shape": list(t.shape), "hex": raw.numpy().tobytes().hex()}
print(json.dumps({"metadata": meta, "tensors": out}))
`

// Go writes, the Python reference reads: dtype, shape and bytes must agree.
// This test needs the project's venv; without it, it fails (run make setup).
func TestPythonReadsGoSafetensors(t *testing.T) {
	python, err := filepath.Abs(filepath.Join("..", "..", ".venv", "bin", "python"))
	require.NoError(t, err)
	if _, err := os.Stat(python); err != nil {
		t.Fatalf("the Python reference %s is missing: run `make setup` (%v)", python, err)
	}
	want := loadExpected(t, "py_mixed.json")
	sd := stateDictOf(t, want.Tensors)
	extra, err := FromFloat32("go.f32", []int64{2, 2}, []float32{1, -2, 3.5, 1e-42})
	require.NoError(t, err)
	sd.Set(extra)
	ids, err := FromInt64("go.i64", []int64{3}, []int64{-5, 0, 1 << 40})
	require.NoError(t, err)
	sd.Set(ids)
	path := filepath.Join(t.TempDir(), "go.safetensors")
	meta := map[string]string{"format": "pt", "writer": "golxmert"}
	require.NoError(t, WriteSafetensors(path, sd, meta))

	out, err := exec.Command(python, "-c", pythonReadBack, path).Output()
	require.NoError(t, err, "python could not read the Go-written file: %s", exitStderr(err))
	var got struct {
		Metadata map[string]string `json:"metadata"`
		Tensors  map[string]struct {
			DType string  `json:"dtype"`
			Shape []int64 `json:"shape"`
			Hex   string  `json:"hex"`
		} `json:"tensors"`
	}
	require.NoError(t, json.Unmarshal(out, &got))
	require.Equal(t, meta, got.Metadata)
	torchNames := map[DType]string{F32: "torch.float32", F16: "torch.float16", BF16: "torch.bfloat16", F64: "torch.float64",
		I64: "torch.int64", I32: "torch.int32", I16: "torch.int16", I8: "torch.int8", U8: "torch.uint8", Bool: "torch.bool"}
	require.Len(t, got.Tensors, sd.Len())
	for name, tt := range sd.All() {
		t.Run(name, func(t *testing.T) {
			p, ok := got.Tensors[name]
			require.True(t, ok)
			require.Equal(t, torchNames[tt.DType], p.DType)
			require.Equal(t, len(tt.Shape), len(p.Shape))
			for i := range tt.Shape {
				require.Equal(t, tt.Shape[i], p.Shape[i])
			}
			require.Equal(t, hexOf(tt.Data), p.Hex)
		})
	}
}

func exitStderr(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}
