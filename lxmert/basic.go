package lxmert

import (
	"context"

	"github.com/lxmert-go/golxmert/binding"
)

// run carries what every module's forward needs: the scope that owns the intermediates,
// whether dropout is active, and the caller's context (nil: never cancelled).
type run struct {
	s     *binding.Scope
	train bool
	ctx   context.Context
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
	var b binding.Tensor
	if l.Bias != nil {
		b = l.Bias.T
	}
	return r.s.Linear(x, l.Weight.T, b)
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
	return r.s.LayerNorm(x, n.Weight.T, n.Bias.T, layerNormEps)
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
