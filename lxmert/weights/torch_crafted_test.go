package weights

import (
	"archive/zip"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// pklStr is a pickle BINUNICODE string.
func pklStr(s string) string {
	var n [4]byte
	binary.LittleEndian.PutUint32(n[:], uint32(len(s)))
	return "X" + string(n[:]) + s
}

// pklInt is a pickle BININT.
func pklInt(v int) string {
	var n [4]byte
	binary.LittleEndian.PutUint32(n[:], uint32(int32(v)))
	return "J" + string(n[:])
}

func pklTuple(items ...string) string { return "(" + strings.Join(items, "") + "t" }

// pklTensor pickles _rebuild_tensor_v2 over a persistent storage id, the way
// torch.save does.
func pklTensor(key, class string, numel, offset int, size, stride []int) string {
	ints := func(v []int) string {
		s := make([]string, len(v))
		for i, x := range v {
			s[i] = pklInt(x)
		}
		return pklTuple(s...)
	}
	storage := pklTuple(pklStr("storage"), "ctorch\n"+class+"\n", pklStr(key), pklStr("cpu"), pklInt(numel)) + "Q"
	return "ctorch._utils\n_rebuild_tensor_v2\n" +
		pklTuple(storage, pklInt(offset), ints(size), ints(stride), "\x89", "ccollections\nOrderedDict\n)R") + "R"
}

// pklDict pickles {name: value, ...} with the values already pickled.
func pklDict(kv ...string) string {
	s := "\x80\x02}("
	for i := 0; i < len(kv); i += 2 {
		s += pklStr(kv[i]) + kv[i+1]
	}
	return s + "u."
}

// torchZip writes a zip laid out like torch.save's with the given records
// (names relative to the archive folder).
func torchZip(t *testing.T, records map[string]string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "crafted.bin")
	f, err := os.Create(path)
	require.NoError(t, err)
	zw := zip.NewWriter(f)
	for name, data := range records {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: "archive/" + name, Method: zip.Store})
		require.NoError(t, err)
		_, err = w.Write([]byte(data))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	require.NoError(t, f.Close())
	return path
}

func TestReadTorchBinCrafted(t *testing.T) {
	eight := strings.Repeat("\x00", 8)
	ok := pklTensor("0", "FloatStorage", 2, 0, []int{2}, []int{1})
	for _, tc := range []struct {
		name    string
		records map[string]string
		err     string
	}{
		{"valid baseline", map[string]string{"data.pkl": pklDict("w", ok), "data/0": eight}, ""},
		{"view past storage", map[string]string{"data.pkl": pklDict("w", pklTensor("0", "FloatStorage", 2, 1, []int{4}, []int{1})), "data/0": eight},
			`tensor "w": view offset 1 size [4] stride [1] reaches past the 2 elements of storage "0"`},
		{"offset past storage", map[string]string{"data.pkl": pklDict("w", pklTensor("0", "FloatStorage", 2, 2, []int{1}, []int{1})), "data/0": eight},
			`reaches element 2 of storage "0", which has 2`},
		{"missing record", map[string]string{"data.pkl": pklDict("w", pklTensor("9", "FloatStorage", 2, 0, []int{2}, []int{1}))},
			"record archive/data/9 is missing"},
		{"record too short", map[string]string{"data.pkl": pklDict("w", pklTensor("0", "FloatStorage", 4, 0, []int{4}, []int{1})), "data/0": eight},
			"needs 16 bytes, record archive/data/0 has 8"},
		{"storage used with two dtypes", map[string]string{"data.pkl": pklDict("a", ok, "b", pklTensor("0", "HalfStorage", 4, 0, []int{4}, []int{1})), "data/0": eight},
			`storage "0" is used as 2 x F32 and as 4 x F16`},
		{"unsupported storage class", map[string]string{"data.pkl": pklDict("w", pklTensor("0", "ComplexFloatStorage", 1, 0, []int{1}, []int{1})), "data/0": eight},
			"pickle global torch.ComplexFloatStorage is not allowed"},
		{"non-tensor value", map[string]string{"data.pkl": pklDict("w", ok, "epoch", pklInt(3)), "data/0": eight},
			`entries that are not tensors: ["epoch" (int)]`},
		{"top level list", map[string]string{"data.pkl": "\x80\x02]."}, "checkpoint top level: holds a *types.List"},
		{"size stride mismatch", map[string]string{"data.pkl": pklDict("w", pklTensor("0", "FloatStorage", 2, 0, []int{2}, []int{1, 1})), "data/0": eight},
			"size [2] and stride [1 1] differ in length"},
		{"negative size", map[string]string{"data.pkl": pklDict("w", pklTensor("0", "FloatStorage", 2, 0, []int{-2}, []int{1})), "data/0": eight},
			"element 0 is not a non-negative int"},
		{"bad persistent id", map[string]string{"data.pkl": "\x80\x02" + pklTuple(pklStr("module")) + "Q."}, "is not ('storage', class, key, location, numel)"},
		{"trailing bytes", map[string]string{"data.pkl": pklDict("w", ok) + "xx", "data/0": eight}, "2 bytes after the pickle's STOP"},
		{"no data.pkl", map[string]string{"other.pkl": "."}, "no <name>/data.pkl record"},
		{"torchscript", map[string]string{"data.pkl": ".", "constants.pkl": "."}, "TorchScript archive"},
		{"big endian", map[string]string{"data.pkl": pklDict("w", ok), "data/0": eight, "byteorder": "big"}, `byteorder record says "big"`},
		{"unhashable key", map[string]string{"data.pkl": "\x80\x03ccollections\nOrderedDict\n)RC\x01aK\x01s."}, "malformed pickle: hash of unhashable type"},
		{"stride-0 view claiming 80 GB", map[string]string{"data.pkl": pklDict("w", pklTensor("0", "FloatStorage", 2, 0, []int{200000, 100000}, []int{0, 0})), "data/0": eight},
			"refusing views larger than their storage beyond 64 MiB"},
		{"reduce of a storage class", map[string]string{"data.pkl": "\x80\x02ctorch\nFloatStorage\n)R."}, "REDUCE requires a Callable"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := torchZip(t, tc.records)
			sd, err := ReadTorchBin(path)
			if tc.err == "" {
				require.NoError(t, err)
				w, ok := sd.Get("w")
				require.True(t, ok)
				require.Equal(t, []int64{2}, w.Shape)
				return
			}
			require.ErrorContains(t, err, tc.err)
			require.ErrorContains(t, err, path)
		})
	}
}
