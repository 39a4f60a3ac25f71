// Package tfh5 reads and writes the Keras HDF5 weights files of HF's TensorFlow models
// (tf_model.h5, as TFLxmertModel.save_pretrained writes them) with the HDF5 C library, through
// the binding package, and maps them onto HF PyTorch names (weights.FromTF, weights.ToTF).
//
// It is separate from package weights, which stays pure Go: this one needs the native layer.
package tfh5

import (
	"fmt"
	"os"
	"time"
	"unsafe"

	"github.com/lxmert-go/golxmert/binding"
	"github.com/lxmert-go/golxmert/lxmert/weights"
)

// maxInflation bounds the data a file may declare relative to its size: Keras stores weights
// uncompressed, and a crafted header must not make the reader allocate terabytes.
const maxInflation = 4

// budgetOf is the most data, in bytes, a file of size bytes may declare.
func budgetOf(size int64) int64 { return maxInflation*size + 1<<20 }

// checkTimeout bounds the isolated check of a file (binding.CheckH5): a minute plus a second
// per 20 MB, far beyond a healthy read (under 2 s for LXMERT-base's 850 MB here).
func checkTimeout(size int64) time.Duration {
	return time.Minute + time.Duration(size/(20<<20))*time.Second
}

// Checkpoint is a Keras weights file read and mapped to PyTorch names.
type Checkpoint struct {
	Path      string
	StateDict *weights.StateDict // HF PyTorch names, float32, kernels transposed
	Dataset   map[string]string  // PyTorch name → dataset path it was read from
	Scope     string             // the model scope of the file, e.g. tf_lxmert_for_pre_training
	// Unscoped: the datasets are named without the model scope (a sharded checkpoint).
	Unscoped bool
}

// Read reads every dataset of a Keras weights file and maps it (see weights.FromTF). Strict:
// a dataset that is not floating-point, is empty, has a path that is not a layer weight, or
// makes the file declare more data than it can hold is an error naming the file and dataset.
func Read(path string) (*Checkpoint, error) {
	raw, scope, err := readFile(path)
	if err != nil {
		return nil, fmt.Errorf("tfh5: %w", err)
	}
	sd, source, err := weights.FromTF(raw)
	if err != nil {
		return nil, fmt.Errorf("tfh5: %s: %w", path, err)
	}
	return &Checkpoint{Path: path, StateDict: sd, Dataset: source, Scope: scope}, nil
}

// readFile checks the file in isolation (binding.CheckH5), then reads it with readAll.
func readFile(path string) (*weights.StateDict, string, error) {
	info, err := os.Stat(path)
	if err != nil {
		return nil, "", err
	}
	if err := binding.CheckH5(path, budgetOf(info.Size()), checkTimeout(info.Size())); err != nil {
		return nil, "", err
	}
	f, err := binding.OpenH5(path)
	if err != nil {
		return nil, "", err
	}
	defer f.Close()
	return readAll(f)
}

// readAll reads every dataset as float32 under its path, checking classes and sizes first.
// Its errors name the file.
func readAll(f *binding.H5File) (*weights.StateDict, string, error) {
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%s: "+format, append([]any{f.Path()}, args...)...)
	}
	info, err := os.Stat(f.Path())
	if err != nil {
		return nil, "", err
	}
	list, err := f.Datasets()
	if err != nil {
		return nil, "", err
	}
	if len(list) == 0 {
		return nil, "", fail("no datasets: not a Keras weights file")
	}
	budget := budgetOf(info.Size())
	counts := make([]int64, len(list))
	for i, d := range list {
		if d.Class != binding.H5Float {
			return nil, "", fail("dataset %s: %v elements of %d bytes, want floating-point weights", d.Name, d.Class, d.ItemSize)
		}
		if d.Empty {
			return nil, "", fail("dataset %s: empty dataspace, want weights", d.Name)
		}
		n := int64(1)
		for _, dim := range d.Shape {
			if dim != 0 && n > budget/4/dim {
				return nil, "", fail("dataset %s: shape %v declares more data than the %d-byte file can hold", d.Name, d.Shape, info.Size())
			}
			n *= dim
		}
		if budget -= 4 * n; budget < 0 {
			return nil, "", fail("dataset %s: shape %v: the datasets declare more data than the %d-byte file can hold", d.Name, d.Shape, info.Size())
		}
		counts[i] = n
	}
	sd := weights.NewStateDict()
	scope := ""
	for i, d := range list {
		v := make([]float32, counts[i])
		if err := f.ReadFloat32(d.Name, v); err != nil {
			return nil, "", err
		}
		t, err := weights.New(d.Name, weights.F32, d.Shape, float32Bytes(v))
		if err != nil {
			return nil, "", fail("%w", err)
		}
		sd.Set(t)
		if scope == "" {
			scope = weights.TFScopeOf(d.Name)
		}
	}
	return sd, scope, nil
}

// float32Bytes views v's memory as little-endian bytes (the host order of every platform
// libtorch runs on here), without copying.
func float32Bytes(v []float32) []byte {
	if len(v) == 0 {
		return []byte{}
	}
	return unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(v))), 4*len(v))
}
