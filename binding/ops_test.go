package binding

import (
	"encoding/json"
	"math"
	"os"
	"testing"

	"github.com/stretchr/testify/require"
)

type fixtureTensor struct {
	DType string    `json:"dtype"`
	Shape []int64   `json:"shape"`
	Data  []float64 `json:"data"`
}

type opCase struct {
	Name   string                   `json:"name"`
	Op     string                   `json:"op"`
	Inputs map[string]fixtureTensor `json:"inputs"`
	Params map[string]any           `json:"params"`
	Expect map[string]fixtureTensor `json:"expect"`
}

func (f fixtureTensor) load(s *Scope) Tensor {
	switch f.DType {
	case "float32":
		v := make([]float32, len(f.Data))
		for i, x := range f.Data {
			v[i] = float32(x)
		}
		return s.FromFloat32(v, f.Shape...)
	default: // int64 and bool travel as integers
		v := make([]int64, len(f.Data))
		for i, x := range f.Data {
			v[i] = int64(x)
		}
		t := s.FromInt64(v, f.Shape...)
		if f.DType == "bool" {
			t = s.ToDType(t, Bool)
		}
		return t
	}
}

func loadOpCases(t *testing.T) []opCase {
	raw, err := os.ReadFile("../tests/testdata/ops.json")
	require.NoError(t, err, "run .venv/bin/python tests/gen_ops.py")
	var doc struct {
		Cases []opCase `json:"cases"`
	}
	require.NoError(t, json.Unmarshal(raw, &doc))
	require.NotEmpty(t, doc.Cases)
	return doc.Cases
}

// TestOpsMatchPyTorch runs every op of the fixture and compares with PyTorch's values
// (|Δ| ≤ 1e-6, shapes and dtypes equal).
func TestOpsMatchPyTorch(t *testing.T) {
	for _, c := range loadOpCases(t) {
		t.Run(c.Name, func(t *testing.T) {
			s := NewScope()
			defer s.Close()
			in := map[string]Tensor{}
			for k, v := range c.Inputs {
				in[k] = v.load(s)
			}
			got := runOp(t, s, c.Op, in, c.Params)
			require.NoError(t, s.Err())
			require.Len(t, got, len(c.Expect))
			for k, want := range c.Expect {
				g, ok := got[k]
				require.True(t, ok, "output %s missing", k)
				shape := s.Shape(g)
				require.Equal(t, want.Shape, shape, "output %s shape", k)
				vals := s.Float64s(g)
				require.NoError(t, s.Err())
				require.Len(t, vals, len(want.Data))
				dt, err := TypeOf(g)
				require.NoError(t, err)
				if want.DType == "int64" {
					require.Equal(t, Int64, dt, "output %s dtype", k)
				} else {
					require.Equal(t, Float32, dt, "output %s dtype", k)
				}
				for i := range vals {
					require.LessOrEqual(t, math.Abs(vals[i]-want.Data[i]), 1e-6,
						"output %s[%d]: got %v want %v", k, i, vals[i], want.Data[i])
				}
			}
		})
	}
}
