package binding

import "fmt"

// DType is a LibTorch scalar type; the values are c10::ScalarType's (and gotorch's Dtype's).
type DType int8

// The scalar types the project uses.
const (
	Uint8    DType = 0
	Int8     DType = 1
	Int32    DType = 3
	Int64    DType = 4
	Float16  DType = 5
	Float32  DType = 6
	Float64  DType = 7
	Bool     DType = 11
	BFloat16 DType = 15
)

var dtypeNames = map[DType]string{
	Uint8: "uint8", Int8: "int8", Int32: "int32", Int64: "int64", Float16: "float16",
	Float32: "float32", Float64: "float64", Bool: "bool", BFloat16: "bfloat16",
}

// Size is the number of bytes of one element (0 for an unknown type).
func (d DType) Size() int {
	switch d {
	case Uint8, Int8, Bool:
		return 1
	case Float16, BFloat16:
		return 2
	case Int32, Float32:
		return 4
	case Int64, Float64:
		return 8
	}
	return 0
}

func (d DType) String() string {
	if n, ok := dtypeNames[d]; ok {
		return n
	}
	return fmt.Sprintf("dtype(%d)", int8(d))
}
