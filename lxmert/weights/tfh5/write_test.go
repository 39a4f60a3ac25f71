package tfh5_test

import (
	"bytes"
	"path/filepath"
	"sort"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/binding"
	"github.com/lxmert-go/golxmert/lxmert/weights/tfh5"
)

// datasetNames lists a file's datasets, sorted.
func datasetNames(t *testing.T, path string) []string {
	f, err := binding.OpenH5(path)
	require.NoError(t, err)
	defer f.Close()
	list, err := f.Datasets()
	require.NoError(t, err)
	var names []string
	for _, d := range list {
		names = append(names, d.Name)
	}
	sort.Strings(names)
	return names
}

// Write lays out exactly the datasets HF writes (the cls copies of the embeddings included)
// and Read gives back the same tensors, byte for byte (a copy, no arithmetic).
func TestWriteRoundTrip(t *testing.T) {
	for _, a := range archs {
		t.Run(a.name, func(t *testing.T) {
			c, err := tfh5.Read(h5Path(a.name))
			require.NoError(t, err)
			p := filepath.Join(t.TempDir(), "tf_model.h5")
			require.NoError(t, tfh5.Write(p, c.StateDict, a.scope))
			require.Equal(t, datasetNames(t, h5Path(a.name)), datasetNames(t, p))
			again, err := tfh5.Read(p)
			require.NoError(t, err)
			require.Equal(t, c.StateDict.Len(), again.StateDict.Len())
			for name, want := range c.StateDict.All() {
				got, ok := again.StateDict.Get(name)
				require.True(t, ok, name)
				require.Equal(t, want.Shape, got.Shape, name)
				require.True(t, bytes.Equal(want.Data, got.Data), name)
			}
		})
	}
}

// A weight_names list longer than an HDF5 object header holds is split as Keras splits it.
func TestWriteLongAttribute(t *testing.T) {
	w, err := binding.CreateH5(filepath.Join(t.TempDir(), "a.h5"))
	require.NoError(t, err)
	defer w.Close()
	long := make([]string, 2000)
	for i := range long {
		long[i] = string(bytes.Repeat([]byte{'x'}, 60))
	}
	require.Error(t, w.SetStrings("/", "one_piece", long), "HDF5 refuses a 120 kB compact attribute")
	require.NoError(t, tfh5.SetChunked(w, "/", "weight_names", long))
}
