package weights

import (
	"fmt"

	"github.com/nlpodyssey/gopickle/types"
)

// storageRef is one pickled storage: its dtype, its element count and, once
// loaded, its raw little-endian bytes.
type storageRef struct {
	key   string
	dtype DType
	numel int64
	data  []byte
}

// pickledTensor is a tensor as torch pickles it: a view into a storage.
type pickledTensor struct {
	storage *storageRef
	offset  int64
	size    []int64
	stride  []int64
}

// rebuildTensorV2 handles _rebuild_tensor_v2(storage, storage_offset, size,
// stride, requires_grad, backward_hooks[, metadata]).
func rebuildTensorV2(args []interface{}) (interface{}, error) {
	if len(args) < 6 || len(args) > 7 {
		return nil, fmt.Errorf("want 6 or 7 arguments, got %d", len(args))
	}
	return rebuildTensor(args[:4])
}

// rebuildTensor handles _rebuild_tensor(storage, storage_offset, size, stride).
func rebuildTensor(args []interface{}) (interface{}, error) {
	if len(args) != 4 {
		return nil, fmt.Errorf("want 4 arguments, got %d", len(args))
	}
	st, ok := args[0].(*storageRef)
	if !ok {
		return nil, fmt.Errorf("argument 0 is %T, not a storage", args[0])
	}
	off, ok := args[1].(int)
	if !ok || off < 0 {
		return nil, fmt.Errorf("storage offset %v is not a non-negative int", args[1])
	}
	size, err := intTuple(args[2], "size")
	if err != nil {
		return nil, err
	}
	stride, err := intTuple(args[3], "stride")
	if err != nil {
		return nil, err
	}
	if len(size) != len(stride) {
		return nil, fmt.Errorf("size %v and stride %v differ in length", size, stride)
	}
	return &pickledTensor{storage: st, offset: int64(off), size: size, stride: stride}, nil
}

// rebuildParameter handles _rebuild_parameter(data, requires_grad, hooks)
// and _rebuild_parameter_with_state(..., state): a Parameter is its data.
func rebuildParameter(args []interface{}) (interface{}, error) {
	if len(args) != 3 && len(args) != 4 {
		return nil, fmt.Errorf("want 3 or 4 arguments, got %d", len(args))
	}
	t, ok := args[0].(*pickledTensor)
	if !ok {
		return nil, fmt.Errorf("argument 0 is %T, not a tensor", args[0])
	}
	return t, nil
}

// rebuildFromTypeV2 handles _rebuild_from_type_v2(func, new_type, args,
// state) for plain tensors and parameters; func must itself be allow-listed.
func rebuildFromTypeV2(args []interface{}) (interface{}, error) {
	if len(args) != 4 {
		return nil, fmt.Errorf("want 4 arguments, got %d", len(args))
	}
	fn, ok := args[0].(rebuildFunc)
	if !ok {
		return nil, fmt.Errorf("argument 0 is %T, not a tensor rebuild function", args[0])
	}
	if _, ok := args[1].(*tensorClass); !ok {
		return nil, fmt.Errorf("argument 1 is %T, not torch.Tensor or Parameter", args[1])
	}
	inner, ok := args[2].(*types.Tuple)
	if !ok {
		return nil, fmt.Errorf("argument 2 is %T, not a tuple", args[2])
	}
	return fn.Call(*inner...)
}

// intTuple converts a pickled tuple of non-negative ints.
func intTuple(v interface{}, what string) ([]int64, error) {
	tup, ok := v.(*types.Tuple)
	if !ok {
		return nil, fmt.Errorf("%s is %T, not a tuple", what, v)
	}
	out := make([]int64, tup.Len())
	for i := range out {
		n, ok := tup.Get(i).(int)
		if !ok || n < 0 {
			return nil, fmt.Errorf("%s %v: element %d is not a non-negative int", what, *tup, i)
		}
		out[i] = int64(n)
	}
	return out, nil
}
