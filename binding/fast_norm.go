package binding

// #include "lx.h"
import "C"

// FastLayerNorm is LayerNorm over the last dimension of x (weight w, bias b, epsilon eps) on
// the fast path, with a team of threads threads (0: the process setting).
func (s *Scope) FastLayerNorm(f *FastContext, threads int, x, w, b Tensor, eps float64) Tensor {
	if !s.ok("FastLayerNorm", x, w, b) {
		return Tensor{}
	}
	var out C.lx_tensor
	var e C.lx_err
	f.use(s, "FastLayerNorm", func(c C.lx_fast_ctx) {
		e = C.lx_fast_layer_norm(c, C.int(threads), ptr(x), ptr(w), ptr(b), C.double(eps), &out)
	})
	return s.done("FastLayerNorm", e, out, x, w, b)
}
