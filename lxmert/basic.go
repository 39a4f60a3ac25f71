package lxmert

import (
	"context"

	"github.com/lxmert-go/golxmert/binding"
)

// run carries what every module's forward needs: the scope that owns the intermediates,
// whether dropout is active, the caller's context (nil: never cancelled), and for inference
// the fast path's context and precision (nil: the op-by-op ATen path, which autograd runs
// through).
type run struct {
	s     *binding.Scope
	train bool
	ctx   context.Context
	fast  *binding.FastContext
	prec  binding.Precision
	// threads is the OpenMP team size of fast calls (0: the process setting); a branch of
	// a two-branch run gets its share.
	threads int
	// lone: a two-branch forward small enough (crossThreads) that the calls outside the
	// branches run on one thread too.
	lone bool
	// pair: a lone forward with no other forward in flight in the process (see enter): two
	// threads may then share each step of its X-layers and answer head.
	pair, entered bool
	// firstOnly: the caller reads only the pooled output (the first language token of the
	// last layer), so the fast path may skip the last X-layer's work nothing else reads.
	firstOnly bool
}

// Linear is nn.Linear: keys NAME.weight [out, in] and NAME.bias [out].
type Linear struct {
	Weight, Bias *Param
}

func newLinear(p *params, name string, in, out int, bias bool) *Linear {
	l := &Linear{Weight: p.add(name+".weight", initNormal, int64(out), int64(in))}
	if bias {
		l.Bias = p.add(name+".bias", initZeros, int64(out))
	}
	return l
}

func (l *Linear) forward(r run, x binding.Tensor) binding.Tensor {
	return l.forwardAct(r, x, binding.ActNone)
}

// forwardAct is act(forward(x)), the activation fused into the GEMM on the fast path.
func (l *Linear) forwardAct(r run, x binding.Tensor, act binding.Activation) binding.Tensor {
	if r.fast != nil {
		if r.pair && r.threads == 0 { // few rows outside the branches: two threads, half the columns each
			if y, ok := r.s.FastLinearPair(r.fast, r.prec, x, l.fast(), act); ok {
				return y
			}
		}
		return r.s.FastLinear(r.fast, r.prec, r.callThreads(), x, l.fast(), act)
	}
	var b binding.Tensor
	if l.Bias != nil {
		b = l.Bias.T
	}
	y := r.s.Linear(x, l.Weight.T, b)
	switch act {
	case binding.ActGELU:
		return r.s.GELU(y)
	case binding.ActTanh:
		return r.s.Tanh(y)
	case binding.ActReLU:
		return r.s.ReLU(y)
	case binding.ActSigmoid:
		return r.s.Sigmoid(y)
	}
	return y
}

func (l *Linear) fast() binding.FastLinear {
	f := binding.FastLinear{W: l.Weight.T}
	if l.Bias != nil {
		f.B = l.Bias.T
	}
	return f
}

// LayerNorm is nn.LayerNorm with HF LXMERT's epsilon 1e-12: keys NAME.weight, NAME.bias.
type LayerNorm struct {
	Weight, Bias *Param
}

func newLayerNorm(p *params, name string, dim int) *LayerNorm {
	return &LayerNorm{
		Weight: p.add(name+".weight", initOnes, int64(dim)),
		Bias:   p.add(name+".bias", initZeros, int64(dim)),
	}
}

func (n *LayerNorm) forward(r run, x binding.Tensor) binding.Tensor {
	if r.fast != nil {
		return r.s.FastLayerNorm(r.fast, r.callThreads(), x, n.Weight.T, n.Bias.T, layerNormEps)
	}
	return r.s.LayerNorm(x, n.Weight.T, n.Bias.T, layerNormEps)
}

// actCode is config.hidden_act as the fast path's activation code.
func actCode(name string) binding.Activation {
	switch name {
	case "relu":
		return binding.ActReLU
	case "tanh":
		return binding.ActTanh
	case "sigmoid":
		return binding.ActSigmoid
	}
	return binding.ActGELU
}

// activation applies config.hidden_act (validated by LxmertConfig.Validate).
func activation(r run, name string, x binding.Tensor) binding.Tensor {
	switch name {
	case "relu":
		return r.s.ReLU(x)
	case "tanh":
		return r.s.Tanh(x)
	case "sigmoid":
		return r.s.Sigmoid(x)
	}
	return r.s.GELU(x)
}

// dropout applies p in train mode only.
func (r run) dropout(x binding.Tensor, p float64) binding.Tensor {
	if !r.train || p == 0 {
		return x
	}
	return r.s.Dropout(x, p, true)
}
