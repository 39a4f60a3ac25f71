package tfh5_test

import (
	"bytes"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/binding"
	"github.com/lxmert-go/golxmert/lxmert"
	"github.com/lxmert-go/golxmert/lxmert/weights"
	"github.com/lxmert-go/golxmert/lxmert/weights/tfh5"
)

// The fixtures in testdata come from tests/gen_tf.py fixtures: pt-source-<arch> are seeded HF
// PyTorch models (biases and LayerNorms perturbed) and tiny-<arch> the tf_model.h5 that HF's
// TFLxmert*.from_pretrained(from_pt=True).save_pretrained made of them.
var archs = []struct{ name, scope string }{
	{"model", "tf_lxmert_model"},
	{"pretrain", "tf_lxmert_for_pre_training"},
}

func h5Path(arch string) string { return filepath.Join("testdata", "tiny-"+arch, "tf_model.h5") }

// The h5 maps onto exactly the PyTorch source's tensors. HF's conversion copies values and
// transposes kernels, so this compares bytes: it is about a copy, not about arithmetic.
func TestReadMatchesPyTorchSource(t *testing.T) {
	for _, a := range archs {
		t.Run(a.name, func(t *testing.T) {
			c, err := tfh5.Read(h5Path(a.name))
			require.NoError(t, err)
			require.Equal(t, a.scope, c.Scope)
			src, _, err := weights.ReadSafetensors(filepath.Join("testdata", "pt-source-"+a.name, "model.safetensors"))
			require.NoError(t, err)
			want := map[string]bool{}
			for name, w := range src.All() {
				key := name
				if a.name == "model" {
					key = "lxmert." + name // TFLxmertModel keeps its "lxmert" layer
				}
				want[key] = true
				got, ok := c.StateDict.Get(key)
				require.True(t, ok, "missing %s", key)
				require.Equal(t, w.Shape, got.Shape, key)
				require.True(t, bytes.Equal(w.Data, got.Data), "%s differs", key)
				require.NotEmpty(t, c.Dataset[key])
			}
			for _, name := range c.StateDict.Names {
				require.True(t, want[name], "unexpected %s", name)
			}
		})
	}
}

// PTToTFDataset inverts the mapping on every dataset HF wrote (the "cls" layer's copies of
// the embeddings map back to their owner, the "lxmert" layer).
func TestNamesRoundTrip(t *testing.T) {
	for _, a := range archs {
		f, err := binding.OpenH5(h5Path(a.name))
		require.NoError(t, err)
		list, err := f.Datasets()
		require.NoError(t, err)
		require.NoError(t, f.Close())
		for _, d := range list {
			pt, transpose, err := weights.TFDatasetToPT(d.Name)
			require.NoError(t, err)
			back, tr := weights.PTToTFDataset(pt, a.scope)
			want := d.Name
			if rest, ok := strings.CutPrefix(want, "cls/"+a.scope+"/lxmert/"); ok {
				want = "lxmert/" + a.scope + "/lxmert/" + rest
			}
			require.Equal(t, want, back, pt)
			require.Equal(t, transpose, tr, pt)
			require.Equal(t, transpose, strings.HasSuffix(d.Name, "/kernel:0"))
		}
	}
}

// A folder holding only tf_model.h5 loads the model its config names. HF's TF save_pretrained
// writes the PyTorch class name into config.json; the TF names load the same models.
func TestFromPretrainedTFOnlyFolder(t *testing.T) {
	m, err := lxmert.FromPretrained(filepath.Join("testdata", "tiny-model"))
	require.NoError(t, err)
	require.IsType(t, &lxmert.LxmertModel{}, m)
	m.Close()
	p, err := lxmert.LxmertForPreTrainingFromPretrained(filepath.Join("testdata", "tiny-pretrain"))
	require.NoError(t, err)
	sd, err := p.StateDict()
	require.NoError(t, err)
	p.Close()
	c, err := tfh5.Read(h5Path("pretrain"))
	require.NoError(t, err)
	names := append([]string(nil), c.StateDict.Names...)
	sort.Strings(names)
	got := append([]string(nil), sd.Names...)
	sort.Strings(got)
	require.Equal(t, names, got)
}

// With both formats in a folder, FromPretrained takes the PyTorch weights (HF's PyTorch
// order) and TFLxmertModelFromPretrained the tf_model.h5 (HF TF's).
func TestTFLoadersPreferH5(t *testing.T) {
	dir := t.TempDir()
	for _, f := range []string{"config.json", "tf_model.h5"} {
		data, err := os.ReadFile(filepath.Join("testdata", "tiny-model", f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), data, 0o644))
	}
	src, _, err := weights.ReadSafetensors(filepath.Join("testdata", "pt-source-model", "model.safetensors"))
	require.NoError(t, err)
	const changed = "pooler.dense.bias"
	b, _ := src.Get(changed)
	v, _ := b.Float32()
	orig := v[0]
	v[0] += 1
	nb, err := weights.FromFloat32(changed, b.Shape, v)
	require.NoError(t, err)
	src.Set(nb)
	require.NoError(t, weights.WriteSafetensors(filepath.Join(dir, "model.safetensors"), src, nil))
	first := func(m *lxmert.LxmertModel) float32 {
		defer m.Close()
		sd, err := m.StateDict()
		require.NoError(t, err)
		x, _ := sd.Get(changed)
		f, _ := x.Float32()
		return f[0]
	}
	pt, err := lxmert.LxmertModelFromPretrained(dir)
	require.NoError(t, err)
	tf, err := lxmert.TFLxmertModelFromPretrained(dir)
	require.NoError(t, err)
	require.Equal(t, v[0], first(pt))
	require.Equal(t, orig, first(tf)) // the h5 holds the source's values exactly
}
