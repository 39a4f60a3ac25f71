package weights

import (
	"encoding/binary"
	"fmt"
	"math"
)

// FromFloat32 returns an F32 tensor holding a copy of v; len(v) must equal
// the number of elements of shape.
func FromFloat32(name string, shape []int64, v []float32) (*Tensor, error) {
	if err := checkLen(name, shape, len(v)); err != nil {
		return nil, err
	}
	data := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(data[4*i:], math.Float32bits(x))
	}
	return New(name, F32, shape, data)
}

// FromInt64 returns an I64 tensor holding a copy of v; len(v) must equal the
// number of elements of shape.
func FromInt64(name string, shape []int64, v []int64) (*Tensor, error) {
	if err := checkLen(name, shape, len(v)); err != nil {
		return nil, err
	}
	data := make([]byte, 8*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint64(data[8*i:], uint64(x))
	}
	return New(name, I64, shape, data)
}

func checkLen(name string, shape []int64, got int) error {
	n, err := numElements(shape)
	if err != nil {
		return fmt.Errorf("weights: tensor %q: %w", name, err)
	}
	if n != int64(got) {
		return fmt.Errorf("weights: tensor %q: shape %v has %d elements, got %d values", name, shape, n, got)
	}
	return nil
}
