package binding

// #include "lx.h"
import "C"

import (
	"errors"
	"runtime"
	"strings"
	"sync"
)

// FastXLayerPair is FastXLayer computed by two goroutines at once, each calling into C on its
// own OS thread with a team of one thread: each owns half of the stacked language and vision
// rows through every row-wise step and one attention direction (or side), and they wait for
// each other between steps. For small batches on two cores: the work splits evenly, with no
// OpenMP fork and join per op. The outputs match FastXLayer's within float32 rounding (the
// dense layers after attention and the FFN add two partial sums). ok is false, with nothing
// computed and no error, where the two-thread kernels cannot take the weights (no AVX-512,
// or shapes that do not split in halves); take another path then.
func (s *Scope) FastXLayerPair(f *FastContext, cfg FastConfig, cross, langSelf, visnSelf *FastAttention, langFFN, visnFFN *FastFFN, lang, visn, langMask, visnMask Tensor, wantProbs bool) (langOut, visnOut, probs Tensor, ok bool) {
	return s.fastXLayerPair(f, cfg, cross, langSelf, visnSelf, langFFN, visnFFN, lang, visn, langMask, visnMask, wantProbs, false)
}

// fastXLayerPair is FastXLayerPair; with failSecond (tests) the second thread fails at once.
func (s *Scope) fastXLayerPair(f *FastContext, cfg FastConfig, cross, langSelf, visnSelf *FastAttention, langFFN, visnFFN *FastFFN, lang, visn, langMask, visnMask Tensor, wantProbs, failSecond bool) (langOut, visnOut, probs Tensor, ok bool) {
	const op = "FastXLayerPair"
	args := []Tensor{lang, visn}
	for _, a := range []*FastAttention{cross, langSelf, visnSelf} {
		args = append(args, a.tensors()...)
	}
	args = append(append(args, langFFN.tensors()...), visnFFN.tensors()...)
	if !s.ok(op, args...) {
		return Tensor{}, Tensor{}, Tensor{}, true
	}
	cx, cl, cv, fl, fv, cc := cross.c(), langSelf.c(), visnSelf.c(), langFFN.c(), visnFFN.c(), cfg.c()
	var lo, vo, p C.lx_tensor
	pp := &p
	if !wantProbs {
		pp = nil
	}
	var err error
	f.use(s, op, func(c C.lx_fast_ctx) {
		var co C.lx_fast_coop
		e := C.lx_fast_xlayer_coop_new(c, &cc, &cx, &cl, &cv, &fl, &fv, ptr(lang), ptr(visn), ptr(langMask), ptr(visnMask), cbool(wantProbs), &co)
		if err = takeErr(op, e); err != nil || co == nil {
			return
		}
		ok = true
		defer C.lx_fast_xlayer_coop_free(co)
		var e1 C.lx_err
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			if failSecond {
				e1 = C.lx_fast_xlayer_coop_fail(co)
				return
			}
			e1 = C.lx_fast_xlayer_coop_run(co, 1)
		}()
		e0 := C.lx_fast_xlayer_coop_run(co, 0)
		wg.Wait()
		if err = firstCause(takeErr(op, e0), takeErr(op, e1)); err != nil {
			return
		}
		err = takeErr(op, C.lx_fast_xlayer_coop_take(co, &lo, &vo, pp))
	})
	runtime.KeepAlive(args)
	if s.err != nil {
		return Tensor{}, Tensor{}, Tensor{}, true
	}
	if err != nil {
		s.Fail(err)
		return Tensor{}, Tensor{}, Tensor{}, true
	}
	if !ok {
		return Tensor{}, Tensor{}, Tensor{}, false
	}
	langOut = s.done(op, nil, lo)
	visnOut = s.done(op, nil, vo)
	if wantProbs {
		probs = s.done(op, nil, p)
	}
	return langOut, visnOut, probs, true
}

// firstCause picks, of the two halves' errors, the one that is not a report of the other
// half's failure.
func firstCause(a, b error) error {
	var e *Error
	if a != nil && errors.As(a, &e) && strings.Contains(e.Msg, "the other half failed") && b != nil {
		return b
	}
	if a != nil {
		return a
	}
	return b
}
