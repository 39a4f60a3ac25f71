package lxmert

import (
	"fmt"

	"github.com/lxmert-go/golxmert/binding"
	"github.com/lxmert-go/golxmert/lxmert/weights"
)

// Parameters returns the model's parameters in HF's order (named_parameters: a tied weight
// appears once, under its owner's name). Training reads and updates them in place; callers
// must not replace their tensors.
func (m *LxmertModel) Parameters() []*Param { return m.store().list() }

// Parameters returns the model's parameters in HF's order (see LxmertModel.Parameters).
func (h *headModel) Parameters() []*Param { return h.params.list() }

// Grads copies every accumulated gradient to host float32 tensors keyed by parameter name
// (parameters without a gradient are left out, as HF's p.grad is None).
func (m *LxmertModel) Grads() (*weights.StateDict, error) { return m.store().grads() }

// Grads copies every accumulated gradient to host memory (see LxmertModel.Grads).
func (h *headModel) Grads() (*weights.StateDict, error) { return h.params.grads() }

// ZeroGrad drops every parameter's gradient (torch's zero_grad(set_to_none=True)).
func (m *LxmertModel) ZeroGrad() error { return m.store().zeroGrad() }

// ZeroGrad drops every parameter's gradient.
func (h *headModel) ZeroGrad() error { return h.params.zeroGrad() }

// list returns the parameters (nil for a closed or unbuilt model).
func (p *params) list() []*Param {
	unlock, err := p.shared()
	if err != nil {
		return nil
	}
	defer unlock()
	return append([]*Param(nil), p.order...)
}

func (p *params) tensors() []binding.Tensor {
	ts := make([]binding.Tensor, len(p.order))
	for i, prm := range p.order {
		ts[i] = prm.T
	}
	return ts
}

func (p *params) zeroGrad() error {
	unlock, err := p.exclusive()
	if err != nil {
		return err
	}
	defer unlock()
	if err := binding.ZeroGrad(p.tensors()...); err != nil {
		return fmt.Errorf("lxmert zero_grad: %w", err)
	}
	return nil
}

func (p *params) grads() (*weights.StateDict, error) {
	unlock, err := p.shared()
	if err != nil {
		return nil, err
	}
	defer unlock()
	sd := weights.NewStateDict()
	s := binding.NewScope()
	defer s.Close()
	for _, prm := range p.order {
		g := s.GradOf(prm.T)
		if g.IsNil() {
			continue
		}
		v := s.Float32s(g)
		if err := s.Err(); err != nil {
			return nil, fmt.Errorf("lxmert grads: %s: %w", prm.Name, err)
		}
		t, err := weights.FromFloat32(prm.Name, prm.Shape, v)
		if err != nil {
			return nil, fmt.Errorf("lxmert grads: %w", err)
		}
		sd.Set(t)
	}
	if err := s.Err(); err != nil {
		return nil, fmt.Errorf("lxmert grads: %w", err)
	}
	return sd, nil
}

// BackwardNamed is ForwardNamed followed by loss.backward(): it records the autograd graph
// (dropout stays as the model's mode says: eval for HF's gradient checks), drops earlier
// gradients first, and returns the outputs and d(loss)/d(param) keyed by HF parameter name.
// The inputs must include labels, so that there is a loss.
func BackwardNamed(m Pretrained, in *weights.StateDict, opts Options) (outputs, grads *weights.StateDict, err error) {
	s := binding.NewGradScope()
	defer s.Close()
	if err := m.ZeroGrad(); err != nil {
		return nil, nil, err
	}
	out, err := forwardNamed(s, m, in, opts)
	if err != nil {
		return nil, nil, err
	}
	loss, ok := out["loss"]
	if !ok || !present(loss) {
		return nil, nil, &InputError{"labels", "gradients need a loss: give the model's labels"}
	}
	s.Backward(loss)
	if err := s.Err(); err != nil {
		return nil, nil, fmt.Errorf("lxmert backward: %w", err)
	}
	if outputs, err = toHost(s, out); err != nil {
		return nil, nil, err
	}
	grads, err = m.Grads()
	return outputs, grads, err
}
