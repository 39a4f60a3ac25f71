package binding

import (
	"fmt"
	"strings"
)

// callArgs is a fused call's tensors, each with the name its error gives, so that a nil or
// freed weight is reported as "language self-attention key weight", not as the position
// in a flattened list. Required tensors must be live; optional ones (masks, biases) may be
// the zero Tensor (absent) but not freed. Names are put together only for an error: these
// lists are built on every layer call.
type callArgs struct {
	req, opt         []Tensor
	reqName, optName []argName
}

// argName is "layer <layer> <block> <field> <part>", without the layer part when layer < 0
// and without empty words.
type argName struct {
	layer              int
	block, field, part string
}

func (n argName) String() string {
	words := []string{}
	if n.layer >= 0 {
		words = append(words, fmt.Sprintf("layer %d", n.layer))
	}
	for _, w := range []string{n.block, n.field, n.part} {
		if w != "" {
			words = append(words, w)
		}
	}
	return strings.Join(words, " ")
}

func (a *callArgs) need(n argName, t Tensor) {
	a.req, a.reqName = append(a.req, t), append(a.reqName, n)
}

func (a *callArgs) maybe(n argName, t Tensor) {
	a.opt, a.optName = append(a.opt, t), append(a.optName, n)
}

// input adds a required tensor named name, inputMaybe an optional one.
func (a *callArgs) input(name string, t Tensor)      { a.need(argName{layer: -1, block: name}, t) }
func (a *callArgs) inputMaybe(name string, t Tensor) { a.maybe(argName{layer: -1, block: name}, t) }

// attention adds an attention block's weights (layer < 0: not in a stack); a nil block is
// reported as a nil weight.
func (a *callArgs) attention(layer int, block string, at *FastAttention) {
	if at == nil {
		a.need(argName{layer: layer, block: block}, Tensor{})
		return
	}
	a.linear(argName{layer, block, "query", ""}, at.Query)
	a.linear(argName{layer, block, "key", ""}, at.Key)
	a.linear(argName{layer, block, "value", ""}, at.Value)
	a.linear(argName{layer, block, "output dense", ""}, at.Dense)
	a.need(argName{layer, block, "LayerNorm", "weight"}, at.NormW)
	a.need(argName{layer, block, "LayerNorm", "bias"}, at.NormB)
}

// ffn adds an FFN block's weights, as attention does.
func (a *callArgs) ffn(layer int, block string, f *FastFFN) {
	if f == nil {
		a.need(argName{layer: layer, block: block}, Tensor{})
		return
	}
	a.linear(argName{layer, block, "intermediate dense", ""}, f.Intermediate)
	a.linear(argName{layer, block, "output dense", ""}, f.Output)
	a.need(argName{layer, block, "LayerNorm", "weight"}, f.NormW)
	a.need(argName{layer, block, "LayerNorm", "bias"}, f.NormB)
}

// linear adds n's weight (required) and bias (optional).
func (a *callArgs) linear(n argName, l FastLinear) {
	w, b := n, n
	w.part, b.part = "weight", "bias"
	a.need(w, l.W)
	a.maybe(b, l.B)
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
			s.Fail(&Error{Op: op, Msg: fmt.Sprintf("%s is a nil or freed tensor", a.reqName[i].String())})
			return false
		}
	}
	for i, t := range a.opt {
		if t.c != nil && !t.live() {
			s.Fail(&Error{Op: op, Msg: fmt.Sprintf("%s (optional) is a freed tensor", a.optName[i].String())})
			return false
		}
	}
	return true
}

// layerArgs is one LxmertLayer's tensors (FastLayer).
func layerArgs(att *FastAttention, ffn *FastFFN, x, mask Tensor) *callArgs {
	a := &callArgs{}
	a.input("input", x)
	a.inputMaybe("mask", mask)
	a.attention(-1, "attention", att)
	a.ffn(-1, "FFN", ffn)
	return a
}

// crossInputs is an X-layer's inputs and masks.
func crossInputs(lang, visn, langMask, visnMask Tensor) *callArgs {
	a := &callArgs{}
	a.input("language input", lang)
	a.input("vision input", visn)
	a.inputMaybe("language mask", langMask)
	a.inputMaybe("vision mask", visnMask)
	return a
}

// crossArgs is an X-layer's inputs and shared cross-attention.
func crossArgs(cross *FastAttention, lang, visn, langMask, visnMask Tensor) *callArgs {
	a := crossInputs(lang, visn, langMask, visnMask)
	a.attention(-1, "cross-attention", cross)
	return a
}

// xlayerArgs is a whole X-layer's tensors.
func xlayerArgs(cross, langSelf, visnSelf *FastAttention, langFFN, visnFFN *FastFFN, lang, visn, langMask, visnMask Tensor) *callArgs {
	a := crossArgs(cross, lang, visn, langMask, visnMask)
	a.attention(-1, "language self-attention", langSelf)
	a.attention(-1, "vision self-attention", visnSelf)
	a.ffn(-1, "language FFN", langFFN)
	a.ffn(-1, "vision FFN", visnFFN)
	return a
}

// firstArgs is an X-layer's language side only (FastXLayerFirst and its pair).
func firstArgs(cross, langSelf *FastAttention, langFFN *FastFFN, lang, visn, langMask, visnMask Tensor) *callArgs {
	a := crossArgs(cross, lang, visn, langMask, visnMask)
	a.attention(-1, "language self-attention", langSelf)
	a.ffn(-1, "language FFN", langFFN)
	return a
}
