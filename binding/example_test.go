package binding_test

import (
	"fmt"

	"github.com/lxmert-go/golxmert/binding"
)

// A scope owns what its operations make; Keep hands a result out past Close.
func ExampleScope() {
	s := binding.NewScope()
	x := s.FromFloat32([]float32{1, 2, 3, 4}, 2, 2)
	y := s.Softmax(s.MatMul(x, x), -1)
	s.Keep(y)
	s.Close() // frees x and the product, not y

	r := binding.NewScope()
	defer r.Close()
	fmt.Println(r.Shape(y), r.Err())
	binding.Free(y)

	bad := binding.NewScope()
	defer bad.Close()
	bad.MatMul(bad.Zeros(binding.Float32, 2, 3), bad.Zeros(binding.Float32, 2, 3))
	fmt.Println(bad.Err())
	// Output:
	// [2 2] <nil>
	// binding: MatMul: mat1 and mat2 shapes cannot be multiplied (2x3 and 2x3)
}
