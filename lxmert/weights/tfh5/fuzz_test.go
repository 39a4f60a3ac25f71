package tfh5

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzRead: any file content gives a checkpoint or an error, never a crash, a hang or a huge
// allocation (HDF5 itself parses the file; the reader bounds what it allocates by the file's
// size). The seed corpus (testdata/fuzz/FuzzRead) holds small Keras-style files made by
// tests/gen_tf.py fixtures, a float64 one, an integer one, one with a soft link and a
// truncated one.
func FuzzRead(f *testing.F) {
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(dir, "tf_model.h5")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := Read(path)
		if err != nil {
			return
		}
		if c.StateDict == nil || c.StateDict.Len() == 0 {
			t.Fatalf("Read succeeded with no tensors")
		}
		for name, tensor := range c.StateDict.All() {
			if err := tensor.Validate(); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if c.Dataset[name] == "" {
				t.Fatalf("%s: no source dataset", name)
			}
		}
	})
}
