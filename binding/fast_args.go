package binding

import "fmt"

// callArgs is a fused call's tensors, each with the name its error gives, so that a nil or
// freed weight is reported as "language self-attention key weight", not as the position
// in a flattened list. Required tensors must be live; optional ones (masks, biases) may be
// the zero Tensor (absent) but not freed.
type callArgs struct {
	req, opt         []Tensor
	reqName, optName []string
}

func (a *callArgs) need(name string, t Tensor) {
	a.req, a.reqName = append(a.req, t), append(a.reqName, name)
}

func (a *callArgs) maybe(name string, t Tensor) {
	a.opt, a.optName = append(a.opt, t), append(a.optName, name)
}

// attention adds an attention block's weights; a nil block is reported as a nil weight.
func (a *callArgs) attention(block string, at *FastAttention) {
	if at == nil {
		a.need(block, Tensor{})
		return
	}
	a.linear(block+" query", at.Query)
	a.linear(block+" key", at.Key)
	a.linear(block+" value", at.Value)
	a.linear(block+" output dense", at.Dense)
	a.need(block+" LayerNorm weight", at.NormW)
	a.need(block+" LayerNorm bias", at.NormB)
}

// ffn adds an FFN block's weights; a nil block is reported as a nil weight.
func (a *callArgs) ffn(block string, f *FastFFN) {
	if f == nil {
		a.need(block, Tensor{})
		return
	}
	a.linear(block+" intermediate dense", f.Intermediate)
	a.linear(block+" output dense", f.Output)
	a.need(block+" LayerNorm weight", f.NormW)
	a.need(block+" LayerNorm bias", f.NormB)
}

func (a *callArgs) linear(name string, l FastLinear) {
	a.need(name+" weight", l.W)
	a.maybe(name+" bias", l.B)
}

// all is every tensor the call reads, to keep alive while C++ runs.
func (a *callArgs) all() []Tensor { return append(append([]Tensor{}, a.req...), a.opt...) }

// check is ok and optOK for a's tensors, naming the first bad one.
func (s *Scope) check(op string, a *callArgs) bool {
	if !s.ok(op) {
		return false
	}
	for i, t := range a.req {
		if !t.live() {
			s.Fail(&Error{Op: op, Msg: fmt.Sprintf("%s is a nil or freed tensor", a.reqName[i])})
			return false
		}
	}
	for i, t := range a.opt {
		if t.c != nil && !t.live() {
			s.Fail(&Error{Op: op, Msg: fmt.Sprintf("%s (optional) is a freed tensor", a.optName[i])})
			return false
		}
	}
	return true
}

// layerArgs is one LxmertLayer's tensors (FastLayer).
func layerArgs(att *FastAttention, ffn *FastFFN, x, mask Tensor) *callArgs {
	a := &callArgs{}
	a.need("input", x)
	a.maybe("mask", mask)
	a.attention("attention", att)
	a.ffn("FFN", ffn)
	return a
}

// crossInputs is an X-layer's inputs and masks.
func crossInputs(lang, visn, langMask, visnMask Tensor) *callArgs {
	a := &callArgs{}
	a.need("language input", lang)
	a.need("vision input", visn)
	a.maybe("language mask", langMask)
	a.maybe("vision mask", visnMask)
	return a
}

// crossArgs is an X-layer's inputs and shared cross-attention.
func crossArgs(cross *FastAttention, lang, visn, langMask, visnMask Tensor) *callArgs {
	a := crossInputs(lang, visn, langMask, visnMask)
	a.attention("cross-attention", cross)
	return a
}

// xlayerArgs is a whole X-layer's tensors.
func xlayerArgs(cross, langSelf, visnSelf *FastAttention, langFFN, visnFFN *FastFFN, lang, visn, langMask, visnMask Tensor) *callArgs {
	a := crossArgs(cross, lang, visn, langMask, visnMask)
	a.attention("language self-attention", langSelf)
	a.attention("vision self-attention", visnSelf)
	a.ffn("language FFN", langFFN)
	a.ffn("vision FFN", visnFFN)
	return a
}

// firstArgs is an X-layer's language side only (FastXLayerFirst and its pair).
func firstArgs(cross, langSelf *FastAttention, langFFN *FastFFN, lang, visn, langMask, visnMask Tensor) *callArgs {
	a := crossArgs(cross, lang, visn, langMask, visnMask)
	a.attention("language self-attention", langSelf)
	a.ffn("language FFN", langFFN)
	return a
}
