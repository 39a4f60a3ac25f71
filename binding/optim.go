package binding

// #include "lx.h"
import "C"

import (
	"fmt"
	"runtime"
	"unsafe"
)

// ClipGradNorm scales the gradients of ts so that their global 2-norm is at most maxNorm,
// exactly as torch.nn.utils.clip_grad_norm_, and returns the norm before clipping.
func ClipGradNorm(ts []Tensor, maxNorm float64) (float64, error) {
	h, err := handles("ClipGradNorm", ts)
	if err != nil {
		return 0, err
	}
	var total C.double
	err = takeErr("ClipGradNorm", C.lx_clip_grad_norm(first(h), C.int(len(h)), C.double(maxNorm), &total))
	runtime.KeepAlive(ts)
	return float64(total), err
}

// AdamWHyper are one parameter group's AdamW settings for one step.
type AdamWHyper struct {
	LR, Beta1, Beta2, Eps, WeightDecay float64
}

// AdamWStep applies one torch.optim.AdamW step to params (those without a gradient are
// skipped, as torch does). expAvg and expAvgSq are the optimizer's state tensors, one per
// parameter; steps holds each parameter's step count including this step.
func AdamWStep(params, expAvg, expAvgSq []Tensor, steps []float64, h AdamWHyper) error {
	n := len(params)
	if len(expAvg) != n || len(expAvgSq) != n || len(steps) != n {
		return &Error{Op: "AdamWStep", Msg: fmt.Sprintf("%d parameters but %d exp_avg, %d exp_avg_sq, %d steps", n, len(expAvg), len(expAvgSq), len(steps))}
	}
	p, err := handles("AdamWStep", params)
	if err != nil {
		return err
	}
	m, err := handles("AdamWStep", expAvg)
	if err != nil {
		return err
	}
	v, err := handles("AdamWStep", expAvgSq)
	if err != nil {
		return err
	}
	var st *C.double
	if n > 0 {
		st = (*C.double)(unsafe.Pointer(&steps[0]))
	}
	err = takeErr("AdamWStep", C.lx_adamw_step(first(p), first(m), first(v), st, C.int(n),
		C.double(h.LR), C.double(h.Beta1), C.double(h.Beta2), C.double(h.Eps), C.double(h.WeightDecay)))
	runtime.KeepAlive(params)
	runtime.KeepAlive(expAvg)
	runtime.KeepAlive(expAvgSq)
	runtime.KeepAlive(steps)
	return err
}
