package features

import (
	"encoding/binary"
	"fmt"
	"math"

	"github.com/lxmert-go/golxmert/lxmert/weights"
)

// OpenSafetensors reads one image from a safetensors file with tensors "features"
// [boxes, dim], "boxes" [boxes, 4] and optional scalars "img_h", "img_w" (as for OpenNPZ).
// Float tensors may be F32 or F64, sizes I32 or I64. The image id is the file's base name
// without extension.
func OpenSafetensors(path string) (Source, error) {
	sd, _, err := weights.ReadSafetensors(path)
	if err != nil {
		return nil, fmt.Errorf("features: %w", err)
	}
	arrays := map[string]namedArray{}
	for _, name := range []string{"features", "boxes", "img_h", "img_w"} {
		t, ok := sd.Get(name)
		if !ok {
			continue
		}
		a, err := tensorArray(t)
		if err != nil {
			return nil, fmt.Errorf("features: %s: %s: %w", path, name, err)
		}
		arrays[name] = a
	}
	img, err := imageFromArrays(imageID(path), arrays)
	if err != nil {
		return nil, fmt.Errorf("features: %s: %w", path, err)
	}
	return newMemSource(path, []*Image{img})
}

// tensorArray converts a safetensors tensor of a supported dtype to float64 values.
func tensorArray(t *weights.Tensor) (namedArray, error) {
	a := namedArray{}
	for _, d := range t.Shape {
		if d < 0 || d > math.MaxInt32 {
			return a, fmt.Errorf("bad shape %v", t.Shape)
		}
		a.shape = append(a.shape, int(d))
	}
	le := binary.LittleEndian
	size := t.DType.ItemSize()
	if size == 0 || len(t.Data)%size != 0 {
		return a, fmt.Errorf("dtype %s: data of %d bytes", t.DType, len(t.Data))
	}
	a.vals = make([]float64, len(t.Data)/size)
	for i := range a.vals {
		b := t.Data[i*size:]
		switch t.DType {
		case weights.F32:
			a.vals[i] = float64(math.Float32frombits(le.Uint32(b)))
		case weights.F64:
			a.vals[i] = math.Float64frombits(le.Uint64(b))
		case weights.I32:
			a.vals[i] = float64(int32(le.Uint32(b)))
		case weights.I64:
			a.vals[i] = float64(int64(le.Uint64(b)))
		default:
			return a, fmt.Errorf("dtype %s is not supported (want F32, F64, I32 or I64)", t.DType)
		}
	}
	return a, nil
}
