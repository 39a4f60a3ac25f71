package weights

import (
	"bytes"
	"os"
	"testing"

	"github.com/lxmert-go/golxmert/internal/allocbound"
)

// FuzzParseSafetensors: arbitrary bytes never panic, and whatever parses
// re-encodes to a file that parses to the same tensors.
func FuzzParseSafetensors(f *testing.F) {
	if seed, err := os.ReadFile(fixture("py_mixed.safetensors")); err == nil {
		f.Add(seed)
	}
	f.Add(safetensorsFile(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"__metadata__":{"k":"v"}}`, make([]byte, 8)))
	f.Add(safetensorsFile(`{"a":{"dtype":"BF16","shape":[],"data_offsets":[0,2]},"b":{"dtype":"I64","shape":[0,5],"data_offsets":[2,2]}}`, make([]byte, 2)))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		allocbound.Check(t, len(data), 16, func() {
			sd, meta, err := ParseSafetensors(data)
			if err != nil {
				return
			}
			var buf bytes.Buffer
			if err := EncodeSafetensors(&buf, sd, meta); err != nil {
				return // e.g. names that are legal JSON but not writable
			}
			again, _, err := ParseSafetensors(buf.Bytes())
			if err != nil {
				t.Fatalf("re-encoded file does not parse: %v", err)
			}
			if again.Len() != sd.Len() {
				t.Fatalf("re-encoded file has %d tensors, want %d", again.Len(), sd.Len())
			}
			for name, want := range sd.All() {
				got, ok := again.Get(name)
				if !ok || got.DType != want.DType || !bytes.Equal(got.Data, want.Data) || !sameShape(got.Shape, want.Shape) {
					t.Fatalf("tensor %q changed in the round trip", name)
				}
			}
		})
	})
}

// sameShape compares shapes, treating a nil and an empty shape (a scalar) alike.
func sameShape(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// FuzzReadTorchPickle: arbitrary data.pkl contents never panic or execute, and whatever
// becomes a state dict holds only valid tensors (known dtype, bytes matching the shape).
func FuzzReadTorchPickle(f *testing.F) {
	f.Add([]byte(pklDict("w", pklTensor("0", "FloatStorage", 2, 0, []int{2}, []int{1}))))
	f.Add([]byte("\x80\x02}."))
	f.Fuzz(func(t *testing.T, data []byte) {
		allocbound.Check(t, len(data), 256, func() {
			storages := map[string]*storageRef{"0": {key: "0", dtype: F32, numel: 2, data: make([]byte, 8)}}
			obj, _, err := unpickle(data, func(id interface{}) (interface{}, error) {
				return storages["0"], nil
			})
			if err != nil {
				return
			}
			sd, err := toStateDict(obj)
			if err != nil {
				return
			}
			for name, tensor := range sd.All() {
				if verr := tensor.Validate(); verr != nil {
					t.Fatalf("tensor %q from the pickle is invalid: %v", name, verr)
				}
			}
		})
	})
}

// FuzzReadTorchZip: any bytes given as a pytorch_model.bin never panic, and whatever loads
// holds only valid tensors.
func FuzzReadTorchZip(f *testing.F) {
	if seed, err := os.ReadFile("../../tests/testdata/parity/tiny-qa-bin/pytorch_model.bin"); err == nil {
		f.Add(seed)
	}
	f.Add([]byte("PK\x05\x06" + string(make([]byte, 18))))
	f.Fuzz(func(t *testing.T, data []byte) {
		allocbound.Check(t, len(data), 16, func() {
			sd, err := readTorchZip(bytes.NewReader(data), int64(len(data)))
			if err != nil {
				return
			}
			for name, tensor := range sd.All() {
				if verr := tensor.Validate(); verr != nil {
					t.Fatalf("tensor %q is invalid: %v", name, verr)
				}
			}
		})
	})
}

// FuzzReadTorchLegacy: any bytes given as a pre-1.6 torch.save stream (the original LXMERT
// checkpoints' format) never panic, and whatever loads holds only valid tensors.
func FuzzReadTorchLegacy(f *testing.F) {
	if seed, err := os.ReadFile(fixture("torch_views_legacy.pth")); err == nil {
		f.Add(seed)
	}
	f.Add([]byte("\x80\x02\x8a\x0al\xfc\x9cF\xf9 j\xa8P\x19."))
	f.Fuzz(func(t *testing.T, data []byte) {
		allocbound.Check(t, len(data), 16, func() {
			sd, err := readTorchLegacy(data)
			if err != nil {
				return
			}
			for name, tensor := range sd.All() {
				if verr := tensor.Validate(); verr != nil {
					t.Fatalf("tensor %q is invalid: %v", name, verr)
				}
			}
		})
	})
}
