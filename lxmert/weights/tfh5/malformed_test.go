package tfh5_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/binding"
	"github.com/lxmert-go/golxmert/lxmert"
	"github.com/lxmert-go/golxmert/lxmert/weights"
	"github.com/lxmert-go/golxmert/lxmert/weights/tfh5"
)

// readErr reads path and returns its error, which must name the file.
func readErr(t *testing.T, path string) string {
	t.Helper()
	_, err := tfh5.Read(path)
	require.Error(t, err)
	require.Contains(t, err.Error(), path)
	t.Log(err)
	return err.Error()
}

func TestMalformedFiles(t *testing.T) {
	orig, err := os.ReadFile(h5Path("model"))
	require.NoError(t, err)
	dir := t.TempDir()
	t.Run("not HDF5", func(t *testing.T) {
		require.Contains(t, readErr(t, filepath.Join("testdata", "tiny-model", "config.json")), "not an HDF5 file")
	})
	t.Run("missing file", func(t *testing.T) { readErr(t, filepath.Join(dir, "absent.h5")) })
	t.Run("truncated", func(t *testing.T) {
		for _, n := range []int{8, 600, len(orig) / 2, len(orig) - 1} {
			p := filepath.Join(dir, "truncated.h5")
			require.NoError(t, os.WriteFile(p, orig[:n], 0o644))
			readErr(t, p)
		}
	})
	t.Run("integer dataset", func(t *testing.T) {
		msg := readErr(t, filepath.Join("testdata", "int.h5"))
		require.Contains(t, msg, "dataset pooler/m/pooler/dense/bias:0: integer elements")
	})
	t.Run("soft link", func(t *testing.T) {
		require.Contains(t, readErr(t, filepath.Join("testdata", "softlink.h5")), "pooler/m/pooler/alias is a soft or external link")
	})
	t.Run("not a layer weight", func(t *testing.T) {
		p := writeRaw(t, map[string][]int64{"kernel:0": {2, 2}})
		require.Contains(t, readErr(t, p), `dataset "kernel:0" is not a Keras layer weight`)
	})
	t.Run("kernel not 2-D", func(t *testing.T) {
		p := writeRaw(t, map[string][]int64{"pooler/m/pooler/dense/kernel:0": {2, 2, 2}})
		require.Contains(t, readErr(t, p), "a dense kernel must be 2-D")
	})
}

// writeRaw writes datasets of the given shapes (values 0, 1, 2, …) with the binding directly.
func writeRaw(t *testing.T, datasets map[string][]int64) string {
	p := filepath.Join(t.TempDir(), "raw.h5")
	w, err := binding.CreateH5(p)
	require.NoError(t, err)
	for name, shape := range datasets {
		n := int64(1)
		for _, d := range shape {
			n *= d
		}
		v := make([]float32, n)
		for i := range v {
			v[i] = float32(i)
		}
		require.NoError(t, w.WriteFloat32(name, shape, v))
	}
	require.NoError(t, w.Close())
	return p
}

// A float64 file (another Keras dtype policy) reads, converted to float32.
func TestFloat64Dataset(t *testing.T) {
	a, err := tfh5.Read(filepath.Join("testdata", "dense.h5"))
	require.NoError(t, err)
	b, err := tfh5.Read(filepath.Join("testdata", "f64.h5"))
	require.NoError(t, err)
	for name, ta := range a.StateDict.All() {
		tb, ok := b.StateDict.Get(name)
		require.True(t, ok)
		va, _ := ta.Float32()
		vb, _ := tb.Float32()
		require.Equal(t, va, vb, name) // float64 of a float32 value converts back exactly
	}
}

// The cls layer's copy of a tied weight must equal the original.
func TestDifferingCopies(t *testing.T) {
	c, err := tfh5.Read(h5Path("pretrain"))
	require.NoError(t, err)
	p := filepath.Join(t.TempDir(), "tf_model.h5")
	require.NoError(t, tfh5.Write(p, c.StateDict, c.Scope))
	w := writeRaw(t, map[string][]int64{
		"lxmert/s/lxmert/embeddings/word_embeddings/weight:0": {4, 2},
		"cls/s/lxmert/embeddings/word_embeddings/weight:0":    {4, 2},
	})
	_, err = tfh5.Read(w)
	require.NoError(t, err, "identical copies are one weight")
	f, err := binding.CreateH5(w)
	require.NoError(t, err)
	require.NoError(t, f.WriteFloat32("lxmert/s/lxmert/embeddings/word_embeddings/weight:0", []int64{2}, []float32{1, 2}))
	require.NoError(t, f.WriteFloat32("cls/s/lxmert/embeddings/word_embeddings/weight:0", []int64{2}, []float32{1, 3}))
	require.NoError(t, f.Close())
	msg := readErr(t, w)
	require.Contains(t, msg, `datasets "cls/s/lxmert/embeddings/word_embeddings/weight:0" and "lxmert/s/lxmert/embeddings/word_embeddings/weight:0" both hold lxmert.embeddings.word_embeddings.weight but differ`)
}

// A missing dataset and a wrongly shaped one: the model's *weights.KeyError, told with the
// file's dataset names.
func TestKeyErrorsNameDatasets(t *testing.T) {
	c, err := tfh5.Read(h5Path("pretrain"))
	require.NoError(t, err)
	sd := weights.NewStateDict()
	for name, tensor := range c.StateDict.All() {
		switch name {
		case "lxmert.pooler.dense.weight":
			continue // missing
		case "cls.seq_relationship.weight": // [2, 8] becomes [1, 16]
			v, _ := tensor.Float32()
			tensor, err = weights.FromFloat32(name, []int64{1, 16}, v)
			require.NoError(t, err)
		}
		sd.Set(tensor)
	}
	dir := t.TempDir()
	cfg, err := os.ReadFile(filepath.Join("testdata", "tiny-pretrain", "config.json"))
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "config.json"), cfg, 0o644))
	file := filepath.Join(dir, "tf_model.h5")
	require.NoError(t, tfh5.Write(file, sd, c.Scope))
	_, err = lxmert.FromPretrained(dir)
	require.Error(t, err)
	var ke *weights.KeyError
	require.True(t, errors.As(err, &ke))
	require.Equal(t, []string{"lxmert.pooler.dense.weight"}, ke.Missing)
	msg := err.Error()
	t.Log(msg)
	require.Contains(t, msg, file)
	require.Contains(t, msg, "missing: dataset lxmert/tf_lxmert_for_pre_training/lxmert/pooler/dense/kernel:0 (lxmert.pooler.dense.weight)")
	require.Contains(t, msg, "shape mismatch: dataset cls/tf_lxmert_for_pre_training/cls/seq_relationship/kernel:0 (cls.seq_relationship.weight): expected [2 8], got [1 16] (stored as [16 1])")
}
