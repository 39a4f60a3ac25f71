package weights

import (
	"fmt"
	"math"
)

// Tensor is one named checkpoint tensor held on the Go side: contiguous,
// row-major, little-endian bytes. A scalar has an empty (or nil) Shape and
// one element.
type Tensor struct {
	Name  string
	DType DType
	Shape []int64
	Data  []byte
}

// New returns a Tensor after checking that dtype is known, every dimension is
// non-negative and data holds exactly the bytes the shape needs. The tensor
// keeps data without copying it.
func New(name string, dtype DType, shape []int64, data []byte) (*Tensor, error) {
	t := &Tensor{Name: name, DType: dtype, Shape: append([]int64(nil), shape...), Data: data}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return t, nil
}

// NumElements returns the product of the shape (1 for a scalar). It returns
// -1 when a dimension is negative or the product overflows int64; Validate
// reports those cases as errors.
func (t *Tensor) NumElements() int64 {
	n, err := numElements(t.Shape)
	if err != nil {
		return -1
	}
	return n
}

// Validate checks the dtype, the shape and that len(Data) equals the number
// of elements times the item size.
func (t *Tensor) Validate() error {
	if !t.DType.Valid() {
		return fmt.Errorf("weights: tensor %q: unsupported dtype %v", t.Name, t.DType)
	}
	n, err := numElements(t.Shape)
	if err != nil {
		return fmt.Errorf("weights: tensor %q: %w", t.Name, err)
	}
	want, ok := mulNonNeg(n, int64(t.DType.ItemSize()))
	if !ok {
		return fmt.Errorf("weights: tensor %q: shape %v of %v overflows the byte count", t.Name, t.Shape, t.DType)
	}
	if int64(len(t.Data)) != want {
		return fmt.Errorf("weights: tensor %q: shape %v of %v needs %d bytes, data has %d",
			t.Name, t.Shape, t.DType, want, len(t.Data))
	}
	return nil
}

// numElements multiplies the dimensions, refusing negative ones and overflow.
func numElements(shape []int64) (int64, error) {
	n := int64(1)
	for i, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension %d at index %d of shape %v", d, i, shape)
		}
		var ok bool
		if n, ok = mulNonNeg(n, d); !ok {
			return 0, fmt.Errorf("shape %v has more than %d elements", shape, int64(math.MaxInt64))
		}
	}
	return n, nil
}

// mulNonNeg multiplies two non-negative numbers, reporting overflow.
func mulNonNeg(a, b int64) (int64, bool) {
	if a == 0 || b == 0 {
		return 0, true
	}
	if a > math.MaxInt64/b {
		return 0, false
	}
	return a * b, true
}
