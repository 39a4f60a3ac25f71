package weights

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// safetensorsFile assembles a file from a header string and a data section.
func safetensorsFile(header string, body []byte) []byte {
	out := make([]byte, 8, 8+len(header)+len(body))
	binary.LittleEndian.PutUint64(out, uint64(len(header)))
	return append(append(out, header...), body...)
}

func TestParseSafetensorsCorrupt(t *testing.T) {
	valid, err := os.ReadFile(fixture("py_mixed.safetensors"))
	require.NoError(t, err)
	hugeLen := make([]byte, 16)
	binary.LittleEndian.PutUint64(hugeLen, 1<<62)
	longLen := append([]byte(nil), valid...)
	binary.LittleEndian.PutUint64(longLen, uint64(len(valid)))
	body := make([]byte, 16)
	for _, tc := range []struct {
		name string
		data []byte
		err  []string
	}{
		{"shorter than length field", valid[:5], []string{"5 bytes", "shorter than the 8-byte"}},
		{"truncated in header", valid[:100], []string{"header length", "larger than the 92 bytes"}},
		{"truncated in data", valid[:len(valid)-3], []string{"outside the", "data section"}},
		{"header length beyond file", longLen, []string{"header length", "larger than"}},
		{"absurd header length", hugeLen, []string{"not a safetensors file", "over the limit"}},
		{"not JSON", safetensorsFile("not json", nil), []string{"not a JSON object"}},
		{"JSON array", safetensorsFile("[]", nil), []string{"not a JSON object"}},
		{"invalid UTF-8", safetensorsFile("{\"\xff\":1}", nil), []string{"UTF-8"}},
		{"trailing junk", safetensorsFile(`{} x`, nil), []string{"trailing data after the JSON object"}},
		{"unknown dtype", safetensorsFile(`{"w":{"dtype":"F7","shape":[1],"data_offsets":[0,4]}}`, body), []string{`tensor "w"`, `unknown dtype "F7"`}},
		{"missing field", safetensorsFile(`{"w":{"dtype":"F32","shape":[1]}}`, body), []string{`tensor "w"`, "data_offsets"}},
		{"offset past end", safetensorsFile(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[14,18]}}`, body), []string{`tensor "w"`, "[14, 18]", "16-byte data section"}},
		{"reversed offsets", safetensorsFile(`{"w":{"dtype":"F32","shape":[1],"data_offsets":[4,0]}}`, body), []string{"[4, 0]"}},
		{"negative offset", safetensorsFile(`{"w":{"dtype":"U8","shape":[1],"data_offsets":[-1,0]}}`, body), []string{"[-1, 0]"}},
		{"three offsets", safetensorsFile(`{"w":{"dtype":"U8","shape":[1],"data_offsets":[0,1,2]}}`, body), []string{"3 values"}},
		{"size mismatch", safetensorsFile(`{"w":{"dtype":"F32","shape":[2,3],"data_offsets":[0,16]}}`, body), []string{`tensor "w"`, "needs 24 bytes, data has 16"}},
		{"negative dim", safetensorsFile(`{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, body), []string{"negative dimension -1"}},
		{"overflowing shape", safetensorsFile(`{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}`, body), []string{"more than"}},
		{"overlap", safetensorsFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, body), []string{`tensor "b"`, `overlap tensor "a" ending at 8`}},
		{"duplicate key", safetensorsFile(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}`, body), []string{`duplicate key "a"`}},
		{"metadata not strings", safetensorsFile(`{"__metadata__":{"a":1}}`, nil), []string{"__metadata__ must map strings to strings"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := ParseSafetensors(tc.data)
			require.Error(t, err)
			for _, s := range tc.err {
				require.ErrorContains(t, err, s)
			}
		})
	}
}

func TestReadSafetensorsErrorNamesFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "bad.safetensors")
	require.NoError(t, os.WriteFile(path, []byte("abc"), 0o644))
	_, _, err := ReadSafetensors(path)
	require.ErrorContains(t, err, path)
	_, _, err = ReadSafetensors(filepath.Join(t.TempDir(), "missing.safetensors"))
	require.ErrorContains(t, err, "missing.safetensors")
}

func TestReadShardedSafetensorsCorrupt(t *testing.T) {
	src := fixture(filepath.Join("tiny_lxmert", "sharded"))
	index, err := os.ReadFile(filepath.Join(src, ShardIndexName))
	require.NoError(t, err)
	for _, tc := range []struct {
		name, from, to, err string
	}{
		{"path traversal", `"model-00001-of-00002.safetensors"`, `"../model-00001-of-00002.safetensors"`, "not a plain file name"},
		{"missing shard", `"model-00002-of-00002.safetensors"`, `"model-00003-of-00002.safetensors"`, "model-00003-of-00002.safetensors"},
		{"tensor in the wrong shard", `"cls.seq_relationship.bias": "model-00002-of-00002.safetensors"`, `"cls.seq_relationship.bias": "model-00001-of-00002.safetensors"`, `"cls.seq_relationship.bias"`},
		{"tensor not listed", `"cls.seq_relationship.bias": "model-00002-of-00002.safetensors",`, ``, `tensor "cls.seq_relationship.bias" is not listed`},
		{"tensor missing from its shard", `"cls.seq_relationship.bias": "model-00002-of-00002.safetensors",`, `"cls.seq_relationship.bias": "model-00002-of-00002.safetensors", "no.such.tensor": "model-00002-of-00002.safetensors",`, `lists tensor "no.such.tensor"`},
		{"empty weight map", `"weight_map"`, `"weight_map_renamed"`, "weight_map is missing or empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			for _, shard := range []string{"model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"} {
				data, err := os.ReadFile(filepath.Join(src, shard))
				require.NoError(t, err)
				require.NoError(t, os.WriteFile(filepath.Join(dir, shard), data, 0o644))
			}
			changed := strings.ReplaceAll(string(index), tc.from, tc.to)
			require.NotEqual(t, string(index), changed, "the edit must apply")
			require.NoError(t, os.WriteFile(filepath.Join(dir, ShardIndexName), []byte(changed), 0o644))
			_, err := ReadShardedSafetensors(dir)
			require.ErrorContains(t, err, tc.err)
		})
	}
}

func TestReadTorchBinCorrupt(t *testing.T) {
	zipData, err := os.ReadFile(fixture("torch_views.bin"))
	require.NoError(t, err)
	legacy, err := os.ReadFile(fixture("torch_views_legacy.pth"))
	require.NoError(t, err)
	flipped := append([]byte(nil), zipData...)
	// Corrupt one byte of the first storage record's payload: the CRC must catch it.
	idx := strings.Index(string(flipped), "torch_views/data/0")
	require.Greater(t, idx, 0)
	flipped[idx+len("torch_views/data/0")+70] ^= 0xff
	for _, tc := range []struct {
		name string
		data []byte
		err  string
	}{
		{"empty", nil, "neither a torch zip archive nor a legacy"},
		{"text", []byte("hello world"), "first bytes 68 65 6c 6c"},
		{"truncated zip", zipData[:len(zipData)/2], "zip archive"},
		{"truncated zip tail", zipData[:len(zipData)-10], "zip archive"},
		{"zip payload corrupted", flipped, "checksum"},
		{"truncated legacy in pickle", legacy[:300], "legacy torch.save stream"},
		{"truncated legacy in data", legacy[:len(legacy)-5], "legacy torch.save stream: storage"},
		{"legacy bad magic", append([]byte("\x80\x02K\x01."), legacy[10:]...), "bad magic number"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "model.bin")
			require.NoError(t, os.WriteFile(path, tc.data, 0o644))
			_, err := ReadTorchBin(path)
			require.ErrorContains(t, err, tc.err)
			require.ErrorContains(t, err, path)
		})
	}
}
