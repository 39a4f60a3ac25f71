package tfh5_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/lxmert"
	"github.com/lxmert-go/golxmert/lxmert/weights/tfh5"
)

// HF's other TF layouts of the same tiny TFLxmertModel load to the same tensors as its
// tf_model.h5: shards with an index, and model.safetensors with TF names (format "tf").
func TestShardedAndSafetensorsLayouts(t *testing.T) {
	want, err := tfh5.Read(h5Path("model"))
	require.NoError(t, err)
	sh, err := tfh5.ReadSharded(filepath.Join("testdata", "tiny-model-sharded", tfh5.IndexFile))
	require.NoError(t, err)
	require.Equal(t, want.Scope, sh.Scope)
	for _, dir := range []string{"tiny-model-sharded", "tiny-model-tfsafetensors"} {
		sd, err := lxmert.ReadCheckpoint(filepath.Join("testdata", dir))
		require.NoError(t, err, dir)
		require.Equal(t, want.StateDict.Len(), sd.Len(), dir)
		for name, w := range want.StateDict.All() {
			got, ok := sd.Get(name)
			require.True(t, ok, "%s: %s", dir, name)
			require.Equal(t, w.Shape, got.Shape, name)
			require.True(t, bytes.Equal(w.Data, got.Data), "%s: %s differs", dir, name) // copies, no arithmetic
		}
		m, err := lxmert.FromPretrained(filepath.Join("testdata", dir))
		require.NoError(t, err, dir)
		m.Close()
	}
}

// A broken index: errors name the index, the shard and the weight.
func TestShardedMalformed(t *testing.T) {
	src := filepath.Join("testdata", "tiny-model-sharded")
	index, err := os.ReadFile(filepath.Join(src, tfh5.IndexFile))
	require.NoError(t, err)
	for _, c := range []struct{ old, new, msg string }{
		{`"tf_model-00002-of-00002.h5"`, `"../tf_model-00002-of-00002.h5"`, `is not a file name in the index's folder`},
		{`"tf_lxmert_model/lxmert/pooler/dense/bias:0"`, `"tf_lxmert_model/lxmert/pooler/dense/extra:0"`, `dataset lxmert/pooler/dense/bias:0 is not in the index under this shard`},
		{`"weight_map": {`, `"weight_map": {"tf_lxmert_model/lxmert/ghost:0": "tf_model-00001-of-00002.h5",`, `the index puts tf_lxmert_model/lxmert/ghost:0 in tf_model-00001-of-00002.h5, which has no such dataset`},
		{`"weight_map"`, `"weights"`, `weight_map is empty`},
	} {
		dir := t.TempDir()
		for _, f := range []string{"config.json", "tf_model-00001-of-00002.h5", "tf_model-00002-of-00002.h5"} {
			data, err := os.ReadFile(filepath.Join(src, f))
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(filepath.Join(dir, f), data, 0o644))
		}
		changed := bytes.Replace(index, []byte(c.old), []byte(c.new), 1)
		require.NotEqual(t, index, changed, c.old)
		p := filepath.Join(dir, tfh5.IndexFile)
		require.NoError(t, os.WriteFile(p, changed, 0o644))
		_, err := tfh5.ReadSharded(p)
		require.ErrorContains(t, err, p)
		require.ErrorContains(t, err, c.msg)
		_, err = lxmert.FromPretrained(dir)
		require.ErrorContains(t, err, c.msg)
	}
	_, err = tfh5.ReadSharded(filepath.Join("testdata", "tiny-model", "config.json"))
	require.ErrorContains(t, err, "weight_map is empty")
}
