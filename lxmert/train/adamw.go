package train

import (
	"fmt"
	"strconv"

	"github.com/lxmert-go/golxmert/binding"
	"github.com/lxmert-go/golxmert/lxmert"
	"github.com/lxmert-go/golxmert/lxmert/weights"
)

// AdamW is torch.optim.AdamW over a model's parameters in two groups: weight decay for the
// weights of linear and embedding layers, none for biases and LayerNorm weights.
type AdamW struct {
	Beta1, Beta2, Eps, WeightDecay float64
	groups                         [2]group // 0: decay, 1: no decay
	scope                          *binding.Scope
}

type group struct {
	params        []*lxmert.Param // read at every step: loading a checkpoint swaps their tensors
	m, v          []binding.Tensor
	steps         []float64
	weightDecayed bool
}

// NewAdamW makes zeroed state (exp_avg, exp_avg_sq) for every parameter.
func NewAdamW(params []*lxmert.Param, beta1, beta2, eps, weightDecay float64) (*AdamW, error) {
	o := &AdamW{Beta1: beta1, Beta2: beta2, Eps: eps, WeightDecay: weightDecay, scope: binding.NewScope()}
	o.groups[0].weightDecayed = true
	for _, prm := range params {
		g := &o.groups[1]
		if prm.WeightDecay() {
			g = &o.groups[0]
		}
		g.params = append(g.params, prm)
		g.m = append(g.m, o.scope.Zeros(binding.Float32, prm.Shape...))
		g.v = append(g.v, o.scope.Zeros(binding.Float32, prm.Shape...))
		g.steps = append(g.steps, 0)
	}
	if err := o.scope.Err(); err != nil {
		o.Close()
		return nil, fmt.Errorf("train: optimizer state: %w", err)
	}
	return o, nil
}

// Step applies one update with learning rate lr to every parameter that has a gradient.
func (o *AdamW) Step(lr float64) error {
	for gi := range o.groups {
		g := &o.groups[gi]
		ts := make([]binding.Tensor, len(g.params))
		for i, prm := range g.params {
			ts[i] = prm.T
			has, err := binding.HasGrad(prm.T)
			if err != nil {
				return fmt.Errorf("train: %s: %w", g.params[i].Name, err)
			}
			if has {
				g.steps[i]++ // torch counts steps per parameter
			}
		}
		wd := 0.0
		if g.weightDecayed {
			wd = o.WeightDecay
		}
		h := binding.AdamWHyper{LR: lr, Beta1: o.Beta1, Beta2: o.Beta2, Eps: o.Eps, WeightDecay: wd}
		if err := binding.AdamWStep(ts, g.m, g.v, g.steps, h); err != nil {
			return fmt.Errorf("train: AdamW step: %w", err)
		}
	}
	return nil
}

// StateDict returns the optimizer state by parameter name ("exp_avg.NAME", "exp_avg_sq.NAME")
// and the step counts as metadata ("step.NAME").
func (o *AdamW) StateDict() (*weights.StateDict, map[string]string, error) {
	sd, meta := weights.NewStateDict(), map[string]string{}
	s := binding.NewScope()
	defer s.Close()
	for _, g := range o.groups {
		for i, prm := range g.params {
			for _, st := range []struct {
				key string
				t   binding.Tensor
			}{{"exp_avg.", g.m[i]}, {"exp_avg_sq.", g.v[i]}} {
				h, err := weights.FromFloat32(st.key+prm.Name, prm.Shape, s.Float32s(st.t))
				if err != nil {
					return nil, nil, err
				}
				sd.Set(h)
			}
			meta["step."+prm.Name] = strconv.FormatFloat(g.steps[i], 'g', -1, 64)
		}
	}
	return sd, meta, s.Err()
}

// LoadStateDict restores state written by StateDict; every parameter must be present.
func (o *AdamW) LoadStateDict(sd *weights.StateDict, meta map[string]string) error {
	for gi := range o.groups {
		g := &o.groups[gi]
		for i, prm := range g.params {
			step, err := strconv.ParseFloat(meta["step."+prm.Name], 64)
			if err != nil {
				return fmt.Errorf("train: optimizer state: step of %s: %v", prm.Name, err)
			}
			g.steps[i] = step
			for _, st := range []struct {
				key string
				t   binding.Tensor
			}{{"exp_avg.", g.m[i]}, {"exp_avg_sq.", g.v[i]}} {
				h, ok := sd.Get(st.key + prm.Name)
				if !ok || fmt.Sprint(h.Shape) != fmt.Sprint(prm.Shape) || h.DType != weights.F32 {
					return fmt.Errorf("train: optimizer state: %s%s missing or not float32 of shape %v", st.key, prm.Name, prm.Shape)
				}
				src := o.scope.FromBytes(h.Data, binding.Float32, h.Shape...)
				o.scope.CopyInto(st.t, src)
				o.scope.Free(src)
			}
		}
	}
	if err := o.scope.Err(); err != nil {
		return fmt.Errorf("train: optimizer state: %w", err)
	}
	return nil
}

// Close frees the optimizer state.
func (o *AdamW) Close() { o.scope.Close() }
