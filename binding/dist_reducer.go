package binding

// #include "dist.h"
import "C"

import "runtime"

// Default bucket sizes of torch's DistributedDataParallel.
const (
	DefaultBucketBytes      = 25 << 20
	DefaultFirstBucketBytes = 1 << 20
)

// GradReducer averages gradients over a ProcessGroup as DDP does: parameters are grouped in
// buckets (in reverse order, the first one small); during an armed backward, each bucket's
// all-reduce is launched as soon as its last gradient is accumulated, overlapping the rest
// of the backward, and the backward returns once every gradient holds the group's mean.
// A failed collective fails that Backward (the scope's error).
type GradReducer struct {
	g      *ProcessGroup
	h      C.lx_reducer
	params []Tensor
}

// NewGradReducer hooks the parameters' gradient accumulators. The parameters must stay
// the same tensors while the reducer lives (make it after loading a checkpoint), and every
// rank must pass the same shapes in the same order.
func (g *ProcessGroup) NewGradReducer(params []Tensor, bucketBytes, firstBucketBytes int64) (*GradReducer, error) {
	h, err := handles("NewGradReducer", params)
	if err != nil {
		return nil, err
	}
	r := &GradReducer{g: g, params: params}
	err = g.call("NewGradReducer", func(pg C.lx_pg) C.lx_err {
		return C.lx_reducer_new(pg, first(h), C.int(len(h)), C.int64_t(bucketBytes), C.int64_t(firstBucketBytes), &r.h)
	})
	runtime.KeepAlive(params)
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Prepare arms the backward of loss, to be run next: the gradients it leaves are averaged
// over the group. Parameters loss does not depend on are final at once (their buckets need
// not wait); afterwards a parameter that no rank has a gradient for keeps none, the others
// hold the mean over the ranks (a rank without one counts as zeros). Backwards that are not
// armed (earlier micro-batches of an accumulated step) only accumulate.
func (r *GradReducer) Prepare(loss Tensor) error {
	if r.h == nil {
		return &Error{Op: "GradReducer.Prepare", Msg: "the reducer is closed"}
	}
	if !loss.live() {
		return &Error{Op: "GradReducer.Prepare", Msg: "nil or freed loss tensor"}
	}
	err := takeErr("GradReducer.Prepare", C.lx_reducer_prepare(r.h, ptr(loss)))
	runtime.KeepAlive(loss)
	return err
}

// Buckets returns each bucket's parameter count and size in bytes, in launch order.
func (r *GradReducer) Buckets() (params []int, bytes []int64, err error) {
	if r.h == nil {
		return nil, nil, &Error{Op: "GradReducer.Buckets", Msg: "the reducer is closed"}
	}
	n := len(r.params)
	ps, bs := make([]C.int64_t, n), make([]C.int64_t, n)
	var got C.int
	if err := takeErr("GradReducer.Buckets", C.lx_reducer_buckets(r.h, &ps[0], &bs[0], C.int(n), &got)); err != nil {
		return nil, nil, err
	}
	for i := 0; i < int(got); i++ {
		params, bytes = append(params, int(ps[i])), append(bytes, int64(bs[i]))
	}
	return params, bytes, nil
}

// Close removes the hooks. It is safe to call twice.
func (r *GradReducer) Close() {
	if r.h != nil {
		C.lx_reducer_free(r.h)
		r.h = nil
	}
}
