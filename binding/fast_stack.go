package binding

// #include "lx.h"
import "C"
import (
	"fmt"
	"runtime"
	"sync"
)

// FastStack is a stack of FastLayer calls running on a C++ helper thread while the goroutine
// that started it (Scope.StartFastStack) goes on; Scope.WaitFastStack ends it. A helper
// thread, not a second goroutine: with two goroutines inside long C calls a two-processor Go
// runtime has no idle processor, and its monitor then takes each caller's processor every
// 20 µs and wakes spare threads that preempt the compute (csrc/fast_helper.h).
type FastStack struct {
	mu   sync.Mutex
	p    C.lx_fast_stack // nil once freed
	n    int
	want bool
	keep []Tensor // the weights, biases, inputs and mask, alive until the stack is freed
}

// FastFeatures is LxmertVisualFeatureEncoder's weights and inputs for a stack to run first:
// (LayerNorm(Visn(Feats)) + LayerNorm(Box(Pos))) / 2, eval mode, linear layers in Precision.
type FastFeatures struct {
	Visn, Box                                FastLinear
	VisnNormW, VisnNormB, BoxNormW, BoxNormB Tensor
	Eps                                      float64
	Precision                                Precision
	Feats, Pos                               Tensor // [batch, boxes, F] and [batch, boxes, P]
}

// args adds the feature encoder's weights and inputs to a.
func (f *FastFeatures) args(a *callArgs) {
	const fe = "feature encoder"
	a.input("visual features", f.Feats)
	a.input("box positions", f.Pos)
	a.linear(argName{-1, fe, "visn_fc", ""}, f.Visn)
	a.linear(argName{-1, fe, "box_fc", ""}, f.Box)
	a.need(argName{-1, fe, "visn_layer_norm", "weight"}, f.VisnNormW)
	a.need(argName{-1, fe, "visn_layer_norm", "bias"}, f.VisnNormB)
	a.need(argName{-1, fe, "box_layer_norm", "weight"}, f.BoxNormW)
	a.need(argName{-1, fe, "box_layer_norm", "bias"}, f.BoxNormB)
}

// StartFastStack starts len(atts) FastLayer calls in sequence, layer i with atts[i] and
// ffns[i] on layer i-1's output (the first on x), with mask and cfg; with fc, the feature
// encoder first (take its output with FastStackFeatures). It returns nil when s has failed
// (the error is s's). Call WaitFastStack once, on the same scope, before the weights or
// inputs are freed.
func (s *Scope) StartFastStack(f *FastContext, cfg FastConfig, atts []*FastAttention, ffns []*FastFFN, x, mask Tensor, wantProbs bool, fc *FastFeatures) *FastStack {
	const op = "StartFastStack"
	if len(atts) == 0 || len(atts) != len(ffns) {
		s.Fail(&Error{Op: op, Msg: fmt.Sprintf("%d attention blocks and %d FFN blocks: want the same number, at least one", len(atts), len(ffns))})
		return nil
	}
	a := &callArgs{}
	a.input("input", x)
	a.inputMaybe("mask", mask)
	for i := range atts {
		a.attention(i, "attention", atts[i])
		a.ffn(i, "FFN", ffns[i])
	}
	if fc != nil {
		fc.args(a)
	}
	if !s.check(op, a) {
		return nil
	}
	ca, cf := make([]C.lx_fast_att, len(atts)), make([]C.lx_fast_ffn, len(ffns))
	for i := range atts {
		ca[i], cf[i] = atts[i].c(), ffns[i].c()
	}
	var cfc *C.lx_fast_fc
	if fc != nil {
		cfc = &C.lx_fast_fc{visn: fc.Visn.c(), box: fc.Box.c(), visn_lnw: ptr(fc.VisnNormW), visn_lnb: ptr(fc.VisnNormB),
			box_lnw: ptr(fc.BoxNormW), box_lnb: ptr(fc.BoxNormB), eps: C.double(fc.Eps), precision: C.int(fc.Precision),
			feats: ptr(fc.Feats), pos: ptr(fc.Pos)}
	}
	cc := cfg.c()
	st := &FastStack{n: len(atts), want: wantProbs, keep: a.all()}
	var e C.lx_err
	f.use(s, op, func(c C.lx_fast_ctx) {
		e = C.lx_fast_stack_start(c, &cc, C.int(len(atts)), &ca[0], &cf[0], ptr(x), ptr(mask), cbool(wantProbs), cfc, &st.p)
	})
	runtime.KeepAlive(mask)
	if err := takeErr(op, e); err != nil {
		s.Fail(err)
	}
	if st.p == nil {
		return nil
	}
	return st
}

// FastStackFeatures waits for the feature encoder of st (started with fc) and returns its
// output, owned by s; it may come before WaitFastStack, not after.
func (s *Scope) FastStackFeatures(st *FastStack) Tensor {
	const op = "FastStackFeatures"
	if !s.ok(op) {
		return Tensor{}
	}
	if st == nil || st.p == nil {
		s.Fail(&Error{Op: op, Msg: "no running stack"})
		return Tensor{}
	}
	var o C.lx_tensor
	e := C.lx_fast_stack_features(st.p, &o)
	return s.done(op, e, o)
}

// Stop makes the stack stop before its next layer (its wait then fails); from any goroutine,
// any number of times, also after the wait (then it does nothing). Nil-safe.
func (st *FastStack) Stop() {
	if st == nil {
		return
	}
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.p != nil {
		C.lx_fast_stack_stop(st.p)
	}
}

// WaitFastStack waits for st and returns every layer's output (and attention probabilities
// when asked), owned by s; nil when st is nil or s has failed (it still waits and frees).
func (s *Scope) WaitFastStack(st *FastStack) (outs, probs []Tensor) {
	const op = "WaitFastStack"
	if st == nil {
		return nil, nil
	}
	co, cp := make([]C.lx_tensor, st.n), make([]C.lx_tensor, st.n)
	pp := &cp[0]
	if !st.want {
		pp = nil
	}
	e := C.lx_fast_stack_wait(st.p, &co[0], pp)
	st.mu.Lock()
	C.lx_fast_stack_free(st.p)
	st.p = nil
	st.mu.Unlock()
	runtime.KeepAlive(st.keep)
	if err := takeErr(op, e); err != nil || s.err != nil {
		if err == nil { // the outputs were made: free them
			for i := range co {
				C.lx_free(co[i])
				if st.want {
					C.lx_free(cp[i])
				}
			}
		}
		s.Fail(err)
		return nil, nil
	}
	for i := range co {
		outs = append(outs, s.done(op, nil, co[i]))
		if st.want {
			probs = append(probs, s.done(op, nil, cp[i]))
		}
	}
	return outs, probs
}
