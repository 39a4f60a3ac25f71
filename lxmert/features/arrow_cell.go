package features

import (
	"fmt"
	"math"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
)

// maxArrowDepth bounds list nesting: the extractor's columns nest at most twice.
const maxArrowDepth = 4

// arrowCell flattens row of col, a column of numbers or (fixed-size) lists of them nested
// to any regular shape, into float64 values (exact for every float32 and for integers up
// to 2^53) and the shape of the row ([] for a scalar).
func arrowCell(col arrow.Array, row int) ([]float64, []int, error) {
	var vals []float64
	var shape []int
	if err := flattenArrow(col, int64(row), int64(row)+1, 0, &shape, &vals); err != nil {
		return nil, nil, err
	}
	return vals, shape, nil
}

// flattenArrow appends elements [lo, hi) of arr to out. A list element's length becomes
// shape[depth] and must be the same for every element at that depth (no ragged arrays).
func flattenArrow(arr arrow.Array, lo, hi int64, depth int, shape *[]int, out *[]float64) error {
	if depth > maxArrowDepth {
		return fmt.Errorf("lists nested deeper than %d", maxArrowDepth)
	}
	if lo < 0 || hi > int64(arr.Len()) || lo > hi {
		return fmt.Errorf("element range [%d, %d) outside an array of %d", lo, hi, arr.Len())
	}
	for i := lo; i < hi; i++ {
		if arr.IsNull(int(i)) {
			return fmt.Errorf("null value")
		}
	}
	if l, ok := arr.(array.ListLike); ok {
		for i := lo; i < hi; i++ {
			s, e := l.ValueOffsets(int(i))
			if w := int(e - s); len(*shape) == depth {
				*shape = append(*shape, w)
			} else if (*shape)[depth] != w {
				return fmt.Errorf("ragged lists: %d and %d elements at depth %d", (*shape)[depth], w, depth)
			}
			if err := flattenArrow(l.ListValues(), s, e, depth+1, shape, out); err != nil {
				return err
			}
		}
		return nil
	}
	get, err := numericGetter(arr)
	if err != nil {
		return err
	}
	for i := lo; i < hi; i++ {
		*out = append(*out, get(int(i)))
	}
	return nil
}

// numericGetter returns a float64 accessor for a numeric Arrow array.
func numericGetter(arr arrow.Array) (func(int) float64, error) {
	switch a := arr.(type) {
	case *array.Float32:
		return func(i int) float64 { return float64(a.Value(i)) }, nil
	case *array.Float64:
		return a.Value, nil
	case *array.Int8:
		return func(i int) float64 { return float64(a.Value(i)) }, nil
	case *array.Int16:
		return func(i int) float64 { return float64(a.Value(i)) }, nil
	case *array.Int32:
		return func(i int) float64 { return float64(a.Value(i)) }, nil
	case *array.Int64:
		return func(i int) float64 { return float64(a.Value(i)) }, nil
	case *array.Uint8:
		return func(i int) float64 { return float64(a.Value(i)) }, nil
	case *array.Uint16:
		return func(i int) float64 { return float64(a.Value(i)) }, nil
	case *array.Uint32:
		return func(i int) float64 { return float64(a.Value(i)) }, nil
	case *array.Uint64:
		return func(i int) float64 { return float64(a.Value(i)) }, nil
	}
	return nil, fmt.Errorf("type %s is not numeric", arr.DataType())
}

// toFloat32 converts values that must be finite.
func toFloat32(name string, v []float64) ([]float32, error) {
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(x)
		if math.IsNaN(float64(out[i])) || math.IsInf(float64(out[i]), 0) {
			return nil, fmt.Errorf("%s: value %d is %v, not finite", name, i, out[i])
		}
	}
	return out, nil
}

// toInt64 converts values that must be integers (ids stored as floats by the extractor).
func toInt64(name string, v []float64) ([]int64, error) {
	out := make([]int64, len(v))
	for i, x := range v {
		if x != math.Trunc(x) || math.Abs(x) > 1<<53 {
			return nil, fmt.Errorf("%s: value %d is %v, not an integer", name, i, x)
		}
		out[i] = int64(x)
	}
	return out, nil
}
