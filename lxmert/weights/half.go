package weights

import (
	"encoding/binary"
	"fmt"
	"math"
)

// ToFloat16 returns a float16 copy of a float tensor (round to nearest even, as torch's
// .half()): half the bytes, for shipping small models.
func (t *Tensor) ToFloat16() (*Tensor, error) {
	v, err := t.Float32()
	if err != nil {
		return nil, fmt.Errorf("weights: %s: %w", t.Name, err)
	}
	data := make([]byte, 2*len(v))
	for i, f := range v {
		binary.LittleEndian.PutUint16(data[2*i:], floatToHalf(f))
	}
	return New(t.Name, F16, t.Shape, data)
}

// floatToHalf rounds a float32 to the nearest float16 (ties to even); overflow gives ±Inf,
// NaN stays NaN.
func floatToHalf(f float32) uint16 {
	b := math.Float32bits(f)
	sign := uint16(b>>16) & 0x8000
	exp := int(b>>23) & 0xff
	mant := b & 0x7fffff
	if exp == 0xff {
		if mant != 0 {
			return sign | 0x7e00
		}
		return sign | 0x7c00
	}
	e := exp - 127 + 15
	if e >= 0x1f {
		return sign | 0x7c00
	}
	if e <= 0 { // a float16 subnormal (or zero)
		if e < -10 {
			return sign
		}
		mant |= 0x800000
		shift := uint(14 - e)
		half := mant >> shift
		rem, halfway := mant&(1<<shift-1), uint32(1)<<(shift-1)
		if rem > halfway || (rem == halfway && half&1 == 1) {
			half++
		}
		return sign | uint16(half)
	}
	half := uint32(e)<<10 | mant>>13
	if rem := mant & 0x1fff; rem > 0x1000 || (rem == 0x1000 && half&1 == 1) {
		half++ // a carry into the exponent is the right result, up to Inf
	}
	return sign | uint16(half)
}
