package binding

import (
	"fmt"
	"math"
	"math/bits"
)

// maxTensorBytes bounds the bytes one tensor made from a shape may claim (1 TiB): far above
// any real LXMERT tensor, far below where element counts overflow, so a hostile shape is
// refused in Go instead of reaching C++ as a wrapped-around count.
const maxTensorBytes = 1 << 40

// checkShape verifies that shape has no negative dimension and that its element count, and
// that count times dtype's size, neither overflow int64 nor exceed maxTensorBytes. It returns
// the element count; on failure it records the error and returns false.
func (s *Scope) checkShape(op string, shape []int64, dtype DType) (int64, bool) {
	numel, err := shapeElements(shape, dtype)
	if err != nil {
		s.Fail(&Error{Op: op, Msg: err.Error()})
		return 0, false
	}
	return numel, true
}

func shapeElements(shape []int64, dtype DType) (int64, error) {
	if len(shape) > maxDims {
		return 0, fmt.Errorf("shape %v has more than %d dimensions", shape, maxDims)
	}
	size := uint64(max(dtype.Size(), 1))
	numel := uint64(1)
	overflow := false
	for _, d := range shape {
		if d < 0 {
			return 0, fmt.Errorf("negative dimension in shape %v", shape)
		}
		hi, lo := bits.Mul64(numel, uint64(d))
		overflow = overflow || hi != 0 || lo > math.MaxInt64
		numel = lo
	}
	if hi, bytes := bits.Mul64(numel, size); overflow || hi != 0 || bytes > maxTensorBytes {
		return 0, fmt.Errorf("shape %v of %v claims more than %d GiB", shape, dtype, maxTensorBytes>>30)
	}
	return int64(numel), nil
}
