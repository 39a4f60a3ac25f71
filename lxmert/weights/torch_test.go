package weights

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// torch.save of views, tied weights, fp16/bf16, a scalar, int64 and bool
// buffers, storage offsets and a stride-0 expand: Go must yield exactly the
// values of tensor.contiguous() in torch, for both archive formats.
func TestReadTorchBinViews(t *testing.T) {
	want := loadExpected(t, "torch_views.json")
	for _, file := range []string{"torch_views.bin", "torch_views_legacy.pth"} {
		t.Run(file, func(t *testing.T) {
			sd, err := ReadTorchBin(fixture(file))
			require.NoError(t, err)
			names := make([]string, len(want.Tensors))
			for i, w := range want.Tensors {
				names[i] = w.Name
			}
			require.Equal(t, names, sd.Names, "state dict order is kept")
			for _, w := range want.Tensors {
				t.Run(w.Name, func(t *testing.T) {
					got, ok := sd.Get(w.Name)
					require.True(t, ok)
					requireTensor(t, w, got)
				})
			}
		})
	}
}

// Original LXMERT-style checkpoints keep the weights under a key of a
// larger dict.
func TestReadTorchBinNested(t *testing.T) {
	want := loadExpected(t, "torch_views.json")
	byName := map[string]expectedTensor{}
	for _, w := range want.Tensors {
		byName[w.Name] = w
	}
	for _, file := range []string{"nested_model.pth", "nested_state_dict.pth"} {
		t.Run(file, func(t *testing.T) {
			sd, err := ReadTorchBin(fixture(file))
			require.NoError(t, err)
			require.Equal(t, []string{"linear.weight", "emb.weight", "half"}, sd.Names)
			for name, got := range sd.All() {
				requireTensor(t, byName[name], got)
			}
		})
	}
}

// The HF-style pytorch_model.bin (torch.save(model.state_dict())) and the
// sharded safetensors save_pretrained wrote hold the same weights; the .bin
// also has the tied decoder weight save_pretrained omits.
func TestReadTorchBinMatchesSafetensors(t *testing.T) {
	bin, err := ReadTorchBin(fixture(filepath.Join("tiny_lxmert", "pytorch_model.bin")))
	require.NoError(t, err)
	st, err := ReadShardedSafetensors(fixture(filepath.Join("tiny_lxmert", "sharded")))
	require.NoError(t, err)
	for name, s := range st.All() {
		b, ok := bin.Get(name)
		require.True(t, ok, name)
		require.Equal(t, s.Shape, b.Shape, name)
		require.Equal(t, s.Data, b.Data, name)
	}
	dec, ok := bin.Get("cls.predictions.decoder.weight")
	require.True(t, ok)
	emb, ok := bin.Get("lxmert.embeddings.word_embeddings.weight")
	require.True(t, ok)
	require.Equal(t, emb.Data, dec.Data, "tied weights share one storage")
	require.Equal(t, st.Len()+1, bin.Len())
}

// Pickles naming globals outside the allow-list are refused, naming the
// global, and nothing runs (the pickled command would create a marker file).
func TestReadTorchBinForbiddenGlobals(t *testing.T) {
	fixtures, err := filepath.Abs(fixtureDir)
	require.NoError(t, err)
	dir := t.TempDir()
	t.Chdir(dir) // the pickled commands would touch a file in the working directory
	for _, tc := range []struct{ file, global string }{
		{"forbidden_os_system.bin", "posix.system"},
		{"forbidden_eval.bin", "__builtin__.eval"},
		{"forbidden_counter.bin", "collections.Counter"},
	} {
		t.Run(tc.file, func(t *testing.T) {
			_, err := ReadTorchBin(filepath.Join(fixtures, tc.file))
			require.ErrorContains(t, err, "pickle global "+tc.global+" is not allowed")
			require.ErrorContains(t, err, tc.file)
			_, statErr := os.Stat(filepath.Join(dir, "weights_fixture_pwned"))
			require.True(t, os.IsNotExist(statErr), "the pickled command must not run")
		})
	}
}
