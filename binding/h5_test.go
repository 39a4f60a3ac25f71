package binding

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// writeSmall writes a one-dataset HDF5 file.
func writeSmall(t *testing.T) string {
	p := filepath.Join(t.TempDir(), "w.h5")
	w, err := CreateH5(p)
	require.NoError(t, err)
	require.NoError(t, w.WriteFloat32("a/b/kernel:0", []int64{2, 3}, []float32{1, 2, 3, 4, 5, 6}))
	require.NoError(t, w.SetStrings("/", "layer_names", []string{"a"}))
	require.NoError(t, w.Close())
	require.NoError(t, w.Close(), "closing twice is a no-op")
	return p
}

func TestH5WriteRead(t *testing.T) {
	p := writeSmall(t)
	f, err := OpenH5(p)
	require.NoError(t, err)
	defer f.Close()
	list, err := f.Datasets()
	require.NoError(t, err)
	require.Equal(t, []H5Dataset{{Name: "a/b/kernel:0", Class: H5Float, ItemSize: 4, Shape: []int64{2, 3}}}, list)
	v := make([]float32, 6)
	require.NoError(t, f.ReadFloat32("a/b/kernel:0", v))
	require.Equal(t, []float32{1, 2, 3, 4, 5, 6}, v)
	err = f.ReadFloat32("a/b/kernel:0", make([]float32, 5))
	require.ErrorContains(t, err, p+": dataset a/b/kernel:0: holds 6 elements, expected 5")
	err = f.ReadFloat32("a/missing", v)
	require.ErrorContains(t, err, p+": dataset a/missing: cannot open the dataset")
	require.NoError(t, f.Close())
	_, err = f.Datasets()
	require.ErrorContains(t, err, "file is closed")
	v2, err := H5Version()
	require.NoError(t, err)
	require.Regexp(t, `^\d+\.\d+\.\d+$`, v2)
}

// The isolated check reports a crash or a hang of HDF5 as an error instead of dying with it
// (simulated through the child's test hook: no known file crashes this HDF5 on purpose).
func TestCheckH5IsolatesFailures(t *testing.T) {
	p := writeSmall(t)
	require.NoError(t, CheckH5(p, 1<<20, time.Minute))
	t.Setenv("LXMERT_H5_CHECK_FAULT", "segv")
	err := CheckH5(p, 1<<20, time.Minute)
	require.ErrorContains(t, err, p+": HDF5 crashed reading the file (Segmentation fault): the file is malformed")
	t.Setenv("LXMERT_H5_CHECK_FAULT", "hang")
	start := time.Now()
	err = CheckH5(p, 1<<20, 300*time.Millisecond)
	require.ErrorContains(t, err, "HDF5 did not finish reading the file within 300 ms")
	require.Less(t, time.Since(start), 10*time.Second)
	os.Unsetenv("LXMERT_H5_CHECK_FAULT")
}
