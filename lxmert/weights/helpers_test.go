package weights

import (
	"encoding/hex"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// fixtureDir holds the files tests/gen_weights.py writes.
var fixtureDir = filepath.Join("..", "..", "tests", "testdata", "weights")

func fixture(name string) string { return filepath.Join(fixtureDir, name) }

// expectedTensor is one record of the generator's JSON: what torch holds.
type expectedTensor struct {
	Name        string   `json:"name"`
	DType       string   `json:"dtype"`
	Shape       []int64  `json:"shape"`
	Hex         string   `json:"hex"`
	Float32Bits []uint32 `json:"float32_bits"`
	Int64       []int64  `json:"int64"`
}

type expectedFile struct {
	Metadata map[string]string `json:"metadata"`
	Tensors  []expectedTensor  `json:"tensors"`
}

func loadExpected(t *testing.T, name string) expectedFile {
	t.Helper()
	raw, err := os.ReadFile(fixture(name))
	require.NoError(t, err, "fixture missing: run .venv/bin/python tests/gen_weights.py")
	var e expectedFile
	require.NoError(t, json.Unmarshal(raw, &e))
	require.NotEmpty(t, e.Tensors)
	return e
}

// requireTensor checks a decoded tensor against torch's record: dtype, shape,
// raw bytes and torch's own float32 / int64 conversions, bit for bit.
func requireTensor(t *testing.T, want expectedTensor, got *Tensor) {
	t.Helper()
	require.Equal(t, want.Name, got.Name)
	require.Equal(t, want.DType, got.DType.String(), want.Name)
	require.Equal(t, len(want.Shape), len(got.Shape), want.Name)
	for i := range want.Shape {
		require.Equal(t, want.Shape[i], got.Shape[i], "%s shape", want.Name)
	}
	require.Equal(t, want.Hex, hex.EncodeToString(got.Data), "%s bytes", want.Name)
	if want.Float32Bits != nil {
		f, err := got.Float32()
		require.NoError(t, err)
		bits := make([]uint32, len(f))
		for i, x := range f {
			bits[i] = math.Float32bits(x)
		}
		require.Equal(t, want.Float32Bits, bits, "%s float32", want.Name)
	}
	if want.Int64 != nil {
		v, err := got.Int64()
		require.NoError(t, err)
		require.Equal(t, want.Int64, v, "%s int64", want.Name)
	}
}

// stateDictOf builds the expected tensors from the records (for writers).
func stateDictOf(t *testing.T, recs []expectedTensor) *StateDict {
	t.Helper()
	sd := NewStateDict()
	for _, r := range recs {
		data, err := hex.DecodeString(r.Hex)
		require.NoError(t, err)
		dt, err := ParseDType(r.DType)
		require.NoError(t, err)
		tt, err := New(r.Name, dt, r.Shape, data)
		require.NoError(t, err)
		sd.Set(tt)
	}
	return sd
}

func hexOf(b []byte) string { return hex.EncodeToString(b) }
