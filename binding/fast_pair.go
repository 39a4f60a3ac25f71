package binding

// #include "lx.h"
import "C"

import (
	"runtime"
)

// FastXLayerPair is FastXLayer computed by two threads at once (this goroutine's and a C++
// helper thread), each with a team of one thread: each takes half of every weight (half the heads of
// each attention, half the FFN's columns) and they wait for each other between steps. For
// small batches on two cores: the work splits evenly, with no OpenMP fork and join per op.
// The outputs match FastXLayer's within float32 rounding (the dense layers after attention
// and the FFN add two partial sums). ok is false, with nothing computed and no error, where
// the two-thread kernels cannot take the weights (no AVX-512, or shapes that do not split
// in halves); take another path then.
func (s *Scope) FastXLayerPair(f *FastContext, cfg FastConfig, cross, langSelf, visnSelf *FastAttention, langFFN, visnFFN *FastFFN, lang, visn, langMask, visnMask Tensor, wantProbs bool) (langOut, visnOut, probs Tensor, ok bool) {
	return s.fastXLayerPair(f, cfg, cross, langSelf, visnSelf, langFFN, visnFFN, lang, visn, langMask, visnMask, wantProbs, false)
}

// fastXLayerPair is FastXLayerPair; with failSecond (tests) the second thread fails at once.
func (s *Scope) fastXLayerPair(f *FastContext, cfg FastConfig, cross, langSelf, visnSelf *FastAttention, langFFN, visnFFN *FastFFN, lang, visn, langMask, visnMask Tensor, wantProbs, failSecond bool) (langOut, visnOut, probs Tensor, ok bool) {
	const op = "FastXLayerPair"
	args := xlayerArgs(cross, langSelf, visnSelf, langFFN, visnFFN, lang, visn, langMask, visnMask)
	if !s.check(op, args) {
		return Tensor{}, Tensor{}, Tensor{}, true
	}
	cx, cl, cv, fl, fv, cc := cross.c(), langSelf.c(), visnSelf.c(), langFFN.c(), visnFFN.c(), cfg.c()
	var lo, vo, p C.lx_tensor
	pp := &p
	if !wantProbs {
		pp = nil
	}
	ok = s.pair(op, f, func(c C.lx_fast_ctx, co *C.lx_fast_coop) C.lx_err {
		return C.lx_fast_xlayer_coop_new(c, &cc, &cx, &cl, &cv, &fl, &fv, ptr(lang), ptr(visn), ptr(langMask), ptr(visnMask), cbool(wantProbs), co)
	}, func(co C.lx_fast_coop) C.lx_err { return C.lx_fast_coop_take(co, &lo, &vo, pp) }, failSecond)
	runtime.KeepAlive(args)
	if !ok || s.err != nil {
		return Tensor{}, Tensor{}, Tensor{}, ok
	}
	langOut = s.done(op, nil, lo)
	visnOut = s.done(op, nil, vo)
	if wantProbs {
		probs = s.done(op, nil, p)
	}
	return langOut, visnOut, probs, true
}

// FastXLayerFirstPair is FastXLayerFirst computed by two threads at once, as
// FastXLayerPair computes FastXLayer; ok is false where its kernels cannot run.
func (s *Scope) FastXLayerFirstPair(f *FastContext, cfg FastConfig, cross, langSelf *FastAttention, langFFN *FastFFN, lang, visn, langMask, visnMask Tensor) (out Tensor, ok bool) {
	const op = "FastXLayerFirstPair"
	args := firstArgs(cross, langSelf, langFFN, lang, visn, langMask, visnMask)
	if !s.check(op, args) {
		return Tensor{}, true
	}
	cx, cl, fl, cc := cross.c(), langSelf.c(), langFFN.c(), cfg.c()
	var o C.lx_tensor
	ok = s.pair(op, f, func(c C.lx_fast_ctx, co *C.lx_fast_coop) C.lx_err {
		return C.lx_fast_xlayer_first_coop_new(c, &cc, &cx, &cl, &fl, ptr(lang), ptr(visn), ptr(langMask), ptr(visnMask), co)
	}, func(co C.lx_fast_coop) C.lx_err { return C.lx_fast_coop_take(co, &o, nil, nil) }, false)
	runtime.KeepAlive(args)
	if !ok || s.err != nil {
		return Tensor{}, ok
	}
	return s.done(op, nil, o), true
}

// pair makes a cooperative call's state (create: null state, no error, when its kernels
// decline), runs its two halves at once (half 0 on this goroutine's thread, half 1 on a C++
// helper thread: see csrc/fast_helper.h for why not a second goroutine), then take hands out
// the outputs. ok is false when create declined; errors go to s.
func (s *Scope) pair(op string, f *FastContext, create func(C.lx_fast_ctx, *C.lx_fast_coop) C.lx_err, take func(C.lx_fast_coop) C.lx_err, failSecond bool) (ok bool) {
	var err error
	f.use(s, op, func(c C.lx_fast_ctx) {
		var co C.lx_fast_coop
		if err = takeErr(op, create(c, &co)); err != nil || co == nil {
			ok = err != nil // an error is not a decline
			return
		}
		ok = true
		defer C.lx_fast_coop_free(co)
		if err = takeErr(op, C.lx_fast_coop_run(co, cbool(failSecond))); err != nil {
			return
		}
		err = takeErr(op, take(co))
	})
	if err != nil {
		s.Fail(err)
	}
	return ok || s.err != nil
}

// FastLinearPair is FastLinear computed by two threads at once (as FastXLayerPair), each
// with half the output columns (half the weight streamed each): for few rows, where a
// single-threaded GEMM waits on the weight's memory. ok is false, with nothing computed and
// no error, where the two-thread kernels cannot take the weight; take FastLinear then.
func (s *Scope) FastLinearPair(f *FastContext, p Precision, x Tensor, l FastLinear, act Activation) (out Tensor, ok bool) {
	const op = "FastLinearPair"
	if !s.ok(op, x, l.W) || !s.optOK(op, l.B) {
		return Tensor{}, true
	}
	cl := l.c()
	var o C.lx_tensor
	ok = s.pair(op, f, func(c C.lx_fast_ctx, co *C.lx_fast_coop) C.lx_err {
		return C.lx_fast_linear_coop_new(c, C.int(p), ptr(x), &cl, C.int(act), co)
	}, func(co C.lx_fast_coop) C.lx_err { return C.lx_fast_coop_take(co, &o, nil, nil) }, false)
	runtime.KeepAlive(x)
	runtime.KeepAlive(l)
	if !ok || s.err != nil {
		return Tensor{}, ok
	}
	return s.done(op, nil, o), true
}
