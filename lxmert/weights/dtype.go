package weights

import "fmt"

// DType is the element type of a Tensor. Its String form is the name the
// safetensors format uses ("F32", "BF16", "I64", ...).
type DType int

// The supported element types. The zero value is Invalid so that an
// uninitialised Tensor is never mistaken for a valid one.
const (
	Invalid DType = iota
	Bool
	U8
	I8
	I16
	U16
	F16
	BF16
	I32
	U32
	F32
	F64
	I64
	U64
)

// dtypeInfo describes one DType. rank is its position in the safetensors
// reference implementation's Dtype enum, which orders tensors in the files it
// writes (largest rank first).
type dtypeInfo struct {
	name     string
	itemSize int
	rank     int
}

var dtypeTable = map[DType]dtypeInfo{
	Bool: {"BOOL", 1, 0},
	U8:   {"U8", 1, 1},
	I8:   {"I8", 1, 2},
	I16:  {"I16", 2, 5},
	U16:  {"U16", 2, 6},
	F16:  {"F16", 2, 7},
	BF16: {"BF16", 2, 8},
	I32:  {"I32", 4, 9},
	U32:  {"U32", 4, 10},
	F32:  {"F32", 4, 11},
	F64:  {"F64", 8, 12},
	I64:  {"I64", 8, 13},
	U64:  {"U64", 8, 14},
}

// String returns the safetensors name of d, or "DType(n)" for an unknown value.
func (d DType) String() string {
	if info, ok := dtypeTable[d]; ok {
		return info.name
	}
	return fmt.Sprintf("DType(%d)", int(d))
}

// ItemSize returns the number of bytes of one element, or 0 for an unknown DType.
func (d DType) ItemSize() int {
	return dtypeTable[d].itemSize
}

// Valid reports whether d is one of the supported element types.
func (d DType) Valid() bool {
	_, ok := dtypeTable[d]
	return ok
}

// ParseDType returns the DType whose safetensors name is s ("F32", "BF16", ...).
func ParseDType(s string) (DType, error) {
	for d, info := range dtypeTable {
		if info.name == s {
			return d, nil
		}
	}
	return Invalid, fmt.Errorf("weights: unknown dtype %q", s)
}
