package weights

import (
	"fmt"

	"github.com/nlpodyssey/gopickle/types"
)

// storageClass stands for a torch.*Storage class named in a pickle; it only
// tells the persistent loader which dtype the raw bytes have.
type storageClass struct {
	name  string
	dtype DType
}

// tensorClass stands for torch.Tensor or torch.nn.parameter.Parameter when a
// pickle names them as the type to rebuild; it is never called.
type tensorClass struct{ name string }

// storageClasses are the torch storage classes a checkpoint may name.
var storageClasses = map[string]DType{
	"torch.FloatStorage":    F32,
	"torch.DoubleStorage":   F64,
	"torch.HalfStorage":     F16,
	"torch.BFloat16Storage": BF16,
	"torch.LongStorage":     I64,
	"torch.IntStorage":      I32,
	"torch.ShortStorage":    I16,
	"torch.CharStorage":     I8,
	"torch.ByteStorage":     U8,
	"torch.BoolStorage":     Bool,
}

// allowedGlobal resolves a pickle GLOBAL against the allow-list. Everything
// not listed, however harmless it looks, is refused with its name: we build
// Go values for the few globals a state_dict needs and nothing else.
// gopickle resolves collections.OrderedDict, __builtin__.object and
// copy_reg._reconstructor to inert Go types before consulting this hook.
func allowedGlobal(module, name string) (interface{}, error) {
	full := module + "." + name
	if dt, ok := storageClasses[full]; ok {
		return &storageClass{name: full, dtype: dt}, nil
	}
	switch full {
	case "torch._utils._rebuild_tensor_v2":
		return rebuildFunc{full, rebuildTensorV2}, nil
	case "torch._utils._rebuild_tensor":
		return rebuildFunc{full, rebuildTensor}, nil
	case "torch._utils._rebuild_parameter":
		return rebuildFunc{full, rebuildParameter}, nil
	case "torch._utils._rebuild_parameter_with_state":
		return rebuildFunc{full, rebuildParameter}, nil
	case "torch._tensor._rebuild_from_type_v2":
		return rebuildFunc{full, rebuildFromTypeV2}, nil
	case "torch.Tensor", "torch._tensor.Tensor", "torch.nn.parameter.Parameter":
		return &tensorClass{full}, nil
	case "collections.OrderedDict":
		return &types.OrderedDictClass{}, nil
	}
	return nil, fmt.Errorf("pickle global %s is not allowed in a checkpoint (only torch tensor rebuild functions, torch storage classes and collections.OrderedDict are)", full)
}

// rebuildFunc is an allow-listed torch function; calling it builds a Go
// value from the pickled arguments and runs no Python.
type rebuildFunc struct {
	name string
	fn   func(args []interface{}) (interface{}, error)
}

var _ types.Callable = rebuildFunc{}

// Call implements types.Callable, prefixing errors with the function name.
func (r rebuildFunc) Call(args ...interface{}) (interface{}, error) {
	v, err := r.fn(args)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", r.name, err)
	}
	return v, nil
}
