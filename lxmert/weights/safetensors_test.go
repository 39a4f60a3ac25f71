package weights

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// Python (safetensors.torch.save_file) wrote it; Go must read what torch holds.
func TestReadSafetensorsWrittenByPython(t *testing.T) {
	want := loadExpected(t, "py_mixed.json")
	sd, meta, err := ReadSafetensors(fixture("py_mixed.safetensors"))
	require.NoError(t, err)
	require.Equal(t, want.Metadata, meta)
	require.Equal(t, len(want.Tensors), sd.Len())
	for _, w := range want.Tensors {
		t.Run(w.Name, func(t *testing.T) {
			got, ok := sd.Get(w.Name)
			require.True(t, ok)
			requireTensor(t, w, got)
		})
	}
}

// Go's writer must produce the reference writer's bytes for the same tensors
// (tensor order, JSON escaping, padding), so Python reads it as its own.
func TestEncodeSafetensorsMatchesReferenceBytes(t *testing.T) {
	want := loadExpected(t, "py_mixed.json")
	ref, err := os.ReadFile(fixture("py_mixed.safetensors"))
	require.NoError(t, err)
	for _, tc := range []struct {
		name    string
		reverse bool
	}{{"insertion order", false}, {"reversed insertion order", true}} {
		t.Run(tc.name, func(t *testing.T) {
			recs := append([]expectedTensor(nil), want.Tensors...)
			if tc.reverse {
				for i, j := 0, len(recs)-1; i < j; i, j = i+1, j-1 {
					recs[i], recs[j] = recs[j], recs[i]
				}
			}
			var buf bytes.Buffer
			require.NoError(t, EncodeSafetensors(&buf, stateDictOf(t, recs), want.Metadata))
			require.Equal(t, ref, buf.Bytes())
		})
	}
}

func TestWriteSafetensorsRoundTrip(t *testing.T) {
	want := loadExpected(t, "py_mixed.json")
	dir := t.TempDir()
	path := filepath.Join(dir, "model.safetensors")
	require.NoError(t, WriteSafetensors(path, stateDictOf(t, want.Tensors), map[string]string{"a": "1", "b": "x\"y"}))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1, "no temporary file may be left behind")
	sd, meta, err := ReadSafetensors(path)
	require.NoError(t, err)
	require.Equal(t, map[string]string{"a": "1", "b": "x\"y"}, meta)
	for _, w := range want.Tensors {
		got, ok := sd.Get(w.Name)
		require.True(t, ok, w.Name)
		requireTensor(t, w, got)
	}
}

// A failed write leaves the previous file intact and no temporary behind.
func TestWriteSafetensorsFailureKeepsOldFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.safetensors")
	require.NoError(t, os.WriteFile(path, []byte("old"), 0o644))
	bad := NewStateDict()
	bad.Set(&Tensor{Name: "w", DType: F32, Shape: []int64{2}, Data: make([]byte, 7)})
	err := WriteSafetensors(path, bad, nil)
	require.ErrorContains(t, err, `tensor "w"`)
	require.ErrorContains(t, err, "needs 8 bytes, data has 7")
	old, err := os.ReadFile(path)
	require.NoError(t, err)
	require.Equal(t, "old", string(old))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1)
}

func TestEncodeSafetensorsRefusesBadNames(t *testing.T) {
	for _, name := range []string{"__metadata__", "bad\xffutf8"} {
		t.Run(name, func(t *testing.T) {
			sd := NewStateDict()
			sd.Set(&Tensor{Name: name, DType: U8, Shape: []int64{1}, Data: []byte{1}})
			require.ErrorContains(t, EncodeSafetensors(&bytes.Buffer{}, sd, nil), "cannot be stored")
		})
	}
}

// HF save_pretrained with a small max_shard_size wrote two shards and an index.
func TestReadShardedSafetensors(t *testing.T) {
	want := loadExpected(t, "tiny_lxmert_sharded.json")
	sd, err := ReadShardedSafetensors(fixture(filepath.Join("tiny_lxmert", "sharded")))
	require.NoError(t, err)
	require.Equal(t, len(want.Tensors), sd.Len())
	for _, w := range want.Tensors {
		got, ok := sd.Get(w.Name)
		require.True(t, ok, w.Name)
		requireTensor(t, w, got)
	}
}
