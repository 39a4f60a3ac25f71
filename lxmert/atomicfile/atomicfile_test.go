package atomicfile

import (
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWrite(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "a.json")
	require.NoError(t, WriteBytes(p, []byte("one")))
	st, err := os.Stat(p)
	require.NoError(t, err)
	require.Equal(t, os.FileMode(0o644), st.Mode().Perm())

	// A failing writer leaves the old content and no temporary file.
	err = Write(p, func(w io.Writer) error {
		w.Write([]byte("partial"))
		return errors.New("disk on fire")
	})
	require.ErrorContains(t, err, "writing "+p+": disk on fire")
	got, err := os.ReadFile(p)
	require.NoError(t, err)
	require.Equal(t, "one", string(got))
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	require.Len(t, entries, 1)

	// An impossible folder names the path asked for.
	err = WriteBytes(filepath.Join(dir, "missing", "x.json"), nil)
	require.ErrorContains(t, err, "cannot write "+filepath.Join(dir, "missing", "x.json"))
	require.ErrorIs(t, err, os.ErrNotExist)
}
