package lxmert

import "github.com/lxmert-go/golxmert/binding"

// stage builds replacement parameter tensors in a scope of its own, so that any failure on
// the way (a bad checkpoint tensor, an absurd size, a caller's freed tensor, out of memory)
// leaves the model exactly as it was and never becomes the parameter store's sticky error.
// commit then swaps every staged tensor in at once.
type stage struct {
	p     *params
	s     *binding.Scope
	swaps []swap
}

type swap struct {
	prm   *Param
	t     binding.Tensor
	shape []int64
}

func (p *params) newStage() *stage { return &stage{p: p, s: binding.NewScope()} }

// put stages t (made in st.s) as prm's next tensor, a leaf that requires gradients.
func (st *stage) put(prm *Param, t binding.Tensor, shape []int64) {
	st.s.SetRequiresGrad(t, true)
	if prm.kind == initNormal && len(shape) == 2 { // a linear weight: stored transposed
		st.s.RelayoutLinear(t, true)
	}
	st.swaps = append(st.swaps, swap{prm, t, append([]int64(nil), shape...)})
}

// commit moves every staged tensor into the store and frees the ones they replace. The
// caller holds the store's exclusive lock and has checked st.s.Err().
func (st *stage) commit() {
	for _, w := range st.swaps {
		st.s.Keep(w.t)
	}
	for _, w := range st.swaps {
		st.p.scope.Adopt(w.t)
		old := w.prm.T
		w.prm.T, w.prm.Shape = w.t, w.shape
		st.p.scope.Free(old)
	}
	st.swaps = nil
}

// close frees whatever was staged and not committed.
func (st *stage) close() { st.s.Close() }
