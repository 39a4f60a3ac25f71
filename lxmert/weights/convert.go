package weights

import (
	"encoding/binary"
	"fmt"
	"math"
)

// Float32 returns the elements converted to float32 the way torch's .float()
// does: F16 and BF16 widen exactly, F64 rounds to nearest-even (Go's
// float64-to-float32 conversion is IEEE round-to-nearest-even, as is torch's).
// Integer and bool tensors are refused.
func (t *Tensor) Float32() ([]float32, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	n := len(t.Data) / t.DType.ItemSize()
	out := make([]float32, n)
	le := binary.LittleEndian
	switch t.DType {
	case F32:
		for i := range out {
			out[i] = math.Float32frombits(le.Uint32(t.Data[4*i:]))
		}
	case F16:
		for i := range out {
			out[i] = math.Float32frombits(halfToFloatBits(le.Uint16(t.Data[2*i:])))
		}
	case BF16:
		for i := range out {
			out[i] = math.Float32frombits(uint32(le.Uint16(t.Data[2*i:])) << 16)
		}
	case F64:
		for i := range out {
			out[i] = float32(math.Float64frombits(le.Uint64(t.Data[8*i:])))
		}
	default:
		return nil, fmt.Errorf("weights: tensor %q: cannot convert %v to float32", t.Name, t.DType)
	}
	return out, nil
}

// halfToFloatBits widens IEEE binary16 bits to binary32 bits exactly,
// keeping signed zeros, subnormals, infinities and NaN payloads (quieted).
func halfToFloatBits(h uint16) uint32 {
	sign := uint32(h>>15) << 31
	exp := uint32(h>>10) & 0x1f
	mant := uint32(h) & 0x3ff
	switch {
	case exp == 0 && mant == 0:
		return sign
	case exp == 0:
		// Subnormal: mant * 2^-24 is exactly representable as a normal float32.
		return sign | math.Float32bits(float32(mant)*(1.0/(1<<24)))
	case exp == 0x1f && mant == 0:
		return sign | 0x7f800000
	case exp == 0x1f:
		// NaN: torch's conversion (F16C or float arithmetic) returns it quiet.
		return sign | 0x7fc00000 | mant<<13
	default:
		return sign | (exp+127-15)<<23 | mant<<13
	}
}

// Int64 returns the elements of an integer or bool tensor widened to int64.
// U64 values above math.MaxInt64 and floating-point tensors are refused.
func (t *Tensor) Int64() ([]int64, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	n := len(t.Data) / t.DType.ItemSize()
	out := make([]int64, n)
	le := binary.LittleEndian
	for i := range out {
		switch t.DType {
		case I64:
			out[i] = int64(le.Uint64(t.Data[8*i:]))
		case U64:
			v := le.Uint64(t.Data[8*i:])
			if v > math.MaxInt64 {
				return nil, fmt.Errorf("weights: tensor %q: element %d = %d overflows int64", t.Name, i, v)
			}
			out[i] = int64(v)
		case I32:
			out[i] = int64(int32(le.Uint32(t.Data[4*i:])))
		case U32:
			out[i] = int64(le.Uint32(t.Data[4*i:]))
		case I16:
			out[i] = int64(int16(le.Uint16(t.Data[2*i:])))
		case U16:
			out[i] = int64(le.Uint16(t.Data[2*i:]))
		case I8:
			out[i] = int64(int8(t.Data[i]))
		case U8, Bool:
			out[i] = int64(t.Data[i])
		default:
			return nil, fmt.Errorf("weights: tensor %q: cannot convert %v to int64", t.Name, t.DType)
		}
	}
	return out, nil
}
