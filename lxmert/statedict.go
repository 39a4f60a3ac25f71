package lxmert

import (
	"fmt"
	"strings"

	"github.com/lxmert-go/golxmert/binding"
	"github.com/lxmert-go/golxmert/lxmert/weights"
)

// hostTypes maps checkpoint element types to LibTorch's; floating ones are converted to
// float32 on load.
var hostTypes = map[weights.DType]binding.DType{
	weights.F32: binding.Float32, weights.F16: binding.Float16, weights.BF16: binding.BFloat16,
	weights.F64: binding.Float64,
}

// stateDict copies every parameter to host memory as float32, in HF's order, leaving out tied
// aliases as save_pretrained does.
func (p *params) stateDict() (*weights.StateDict, error) {
	unlock, err := p.shared()
	if err != nil {
		return nil, err
	}
	defer unlock()
	return p.stateDictLocked()
}

func (p *params) stateDictLocked() (*weights.StateDict, error) {
	sd := weights.NewStateDict()
	s := binding.NewScope()
	defer s.Close()
	for _, prm := range p.order {
		v := s.Float32s(prm.T)
		if err := s.Err(); err != nil {
			return nil, fmt.Errorf("lxmert state dict: %s: %w", prm.Name, err)
		}
		t, err := weights.FromFloat32(prm.Name, prm.Shape, v)
		if err != nil {
			return nil, fmt.Errorf("lxmert state dict: %w", err)
		}
		sd.Set(t)
	}
	return sd, nil
}

// load replaces every parameter with the checkpoint's tensor of the same name. It is strict:
// one error lists every missing, unexpected and wrongly shaped tensor; only tied aliases may
// be absent (and are ignored when present, since they are the embeddings' own tensor). It is
// atomic: names, shapes, dtypes and byte counts are all checked and every new tensor is built
// before the first parameter changes, so a failed load leaves the model as it was.
func (p *params) load(sd *weights.StateDict) error {
	unlock, err := p.exclusive()
	if err != nil {
		return err
	}
	defer unlock()
	if sd == nil {
		return fmt.Errorf("lxmert load: nil state dict")
	}
	sd = adaptPrefix(sd, p)
	expected := map[string][]int64{}
	for _, prm := range p.order {
		expected[prm.Name] = prm.Shape
	}
	optional := map[string]bool{}
	for alias, owner := range p.tied {
		optional[alias] = true
		expected[alias] = p.byName[owner].Shape
	}
	if err := weights.CheckKeys(sd, expected, optional); err != nil {
		return err
	}
	if err := checkDTypes(sd, p.order); err != nil {
		return err
	}
	st := p.newStage()
	defer st.close()
	for _, prm := range p.order {
		src, _ := sd.Get(prm.Name)
		dt := hostTypes[src.DType]
		var t binding.Tensor
		if dt == binding.Float32 && isLinearWeight(prm) && len(src.Shape) == 2 {
			t = st.s.FromBytesLinear(src.Data, src.Shape[0], src.Shape[1]) // stored transposed in one copy
		} else {
			t = st.s.FromBytes(src.Data, dt, src.Shape...)
		}
		if dt != binding.Float32 {
			t = st.s.ToDType(t, binding.Float32)
		}
		st.put(prm, t, prm.Shape)
		if err := st.s.Err(); err != nil {
			return fmt.Errorf("lxmert load: %s: %w (the model is unchanged)", prm.Name, err)
		}
	}
	st.commit()
	return nil
}

// checkDTypes lists every tensor that is not floating point or whose bytes do not match its
// shape, in one error.
func checkDTypes(sd *weights.StateDict, order []*Param) error {
	var bad []string
	for _, prm := range order {
		src, _ := sd.Get(prm.Name)
		if _, ok := hostTypes[src.DType]; !ok {
			bad = append(bad, fmt.Sprintf("%s: dtype %v is not a floating type", prm.Name, src.DType))
		} else if err := src.Validate(); err != nil {
			bad = append(bad, err.Error())
		}
	}
	if len(bad) == 0 {
		return nil
	}
	return fmt.Errorf("lxmert load: %d tensors cannot be loaded:\n  %s", len(bad), strings.Join(bad, "\n  "))
}

// adaptPrefix follows HF's base_model_prefix rule: a head model loads a bare LxmertModel
// checkpoint by adding "lxmert.", and a bare model loads a head checkpoint's backbone by
// dropping that prefix (and the head tensors, which it has no place for).
func adaptPrefix(sd *weights.StateDict, p *params) *weights.StateDict {
	const prefix = "lxmert."
	wantPrefix := false
	for _, prm := range p.order {
		if strings.HasPrefix(prm.Name, prefix) {
			wantPrefix = true
			break
		}
	}
	hasPrefix := false
	for _, n := range sd.Names {
		if strings.HasPrefix(n, prefix) {
			hasPrefix = true
			break
		}
	}
	if wantPrefix == hasPrefix {
		return sd
	}
	out := weights.NewStateDict()
	for _, n := range sd.Names {
		t, _ := sd.Get(n)
		c := *t
		switch {
		case wantPrefix && isBackboneKey(n):
			c.Name = prefix + n
		case !wantPrefix && strings.HasPrefix(n, prefix):
			c.Name = strings.TrimPrefix(n, prefix)
		case !wantPrefix:
			continue // a head's tensor: a bare model has no place for it
		}
		out.Set(&c)
	}
	return out
}

func isBackboneKey(n string) bool {
	for _, root := range []string{"embeddings.", "encoder.", "pooler."} {
		if strings.HasPrefix(n, root) {
			return true
		}
	}
	return false
}
