package lxmert

import (
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/lxmert-go/golxmert/lxmert/weights"
	"github.com/lxmert-go/golxmert/lxmert/weights/tfh5"
)

// readMapped is readCheckpoint for loading a model: a folder read from its model.safetensors
// is memory-mapped, so that loading copies each tensor once from the page cache into its
// parameter instead of reading the whole file into the Go heap first (half the page faults,
// no heap the size of the model). release unmaps the file: nothing may use the returned
// tensors' data after it. Every other folder goes through readCheckpoint (release does
// nothing).
func readMapped(dir string, preferTF bool) (sd *weights.StateDict, tf *tfh5.Checkpoint, release func(), err error) {
	release = func() {}
	path := filepath.Join(dir, "model.safetensors")
	tfFirst := preferTF && (exists(filepath.Join(dir, TFModelFile)) || exists(filepath.Join(dir, tfh5.IndexFile)))
	data, ok := mapFile(path)
	if tfFirst || !ok {
		if ok {
			_ = syscall.Munmap(data)
		}
		sd, tf, err = readCheckpoint(dir, preferTF)
		return sd, tf, release, err
	}
	release = func() { _ = syscall.Munmap(data) }
	sd, meta, err := weights.ParseSafetensors(data)
	switch {
	case err != nil:
		err = fmt.Errorf("weights: %s: %w", path, err)
	case meta["format"] == "tf": // written by HF's TF save_pretrained(safe_serialization=True)
		if sd, _, err = weights.FromTFWeights(sd); err != nil {
			err = fmt.Errorf("lxmert: %s: %w", path, err)
		}
	default:
		sd, err = weights.MapOriginalKeys(sd)
	}
	if err != nil {
		release()
		return nil, nil, func() {}, err
	}
	return sd, nil, release, nil
}

// mapFile maps a whole non-empty file read-only; ok is false when it cannot.
func mapFile(path string) (data []byte, ok bool) {
	f, err := os.Open(path)
	if err != nil {
		return nil, false
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil || st.Size() == 0 || int64(int(st.Size())) != st.Size() {
		return nil, false
	}
	data, err = syscall.Mmap(int(f.Fd()), 0, int(st.Size()), syscall.PROT_READ, syscall.MAP_PRIVATE)
	return data, err == nil
}
