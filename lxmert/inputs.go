package lxmert

import (
	"context"
	"fmt"

	"github.com/lxmert-go/golxmert/binding"
)

// Inputs are a forward's tensors, named as HF's forward arguments. Optional tensors may be
// left zero: TokenTypeIDs (zeros), AttentionMask (attend everywhere), VisualAttentionMask (no
// visual masking anywhere). Give InputIDs or InputsEmbeds, not both.
type Inputs struct {
	InputIDs            binding.Tensor // [batch, len] int64
	TokenTypeIDs        binding.Tensor // [batch, len] int64
	AttentionMask       binding.Tensor // [batch, len], 1 attend / 0 masked
	InputsEmbeds        binding.Tensor // [batch, len, hidden] float32
	VisualFeats         binding.Tensor // [batch, boxes, visual_feat_dim] float32
	VisualPos           binding.Tensor // [batch, boxes, visual_pos_dim] float32, x1,y1,x2,y2 in [0,1]
	VisualAttentionMask binding.Tensor // [batch, boxes]
}

// Options select extra outputs and bound a forward. The zero value is valid: a field that is
// false falls back to the config's output_attentions / output_hidden_states, as HF's None
// does, unless IgnoreConfigOutputs makes the two fields final (HF's explicit False).
type Options struct {
	OutputAttentions   bool
	OutputHiddenStates bool
	// IgnoreConfigOutputs makes OutputAttentions and OutputHiddenStates the final word:
	// false then turns an output off even when config.json says output_attentions: true.
	IgnoreConfigOutputs bool
	// Context, when not nil, is checked between layers: once it is cancelled or past its
	// deadline the forward stops at the next layer boundary and returns Context.Err().
	Context context.Context
	// Precision applies to inference (eval mode, a scope without autograd); the zero value
	// is float32, within the parity tolerance of HF.
	Precision Precision
}

// attentions and hiddenStates resolve the options against the config.
func (o Options) attentions(c *LxmertConfig) bool {
	return o.OutputAttentions || (!o.IgnoreConfigOutputs && c.OutputAttentions)
}

func (o Options) hiddenStates(c *LxmertConfig) bool {
	return o.OutputHiddenStates || (!o.IgnoreConfigOutputs && c.OutputHiddenStates)
}

// InputError reports an input tensor whose shape, type or values do not fit the model.
type InputError struct {
	Tensor string // argument name, e.g. "visual_feats"
	Msg    string
}

func (e *InputError) Error() string { return "lxmert input " + e.Tensor + ": " + e.Msg }

func present(t binding.Tensor) bool { return !t.IsNil() }

// checkShape verifies rank, known sizes (-1 = any) and dtype of one input tensor.
func checkShape(name string, t binding.Tensor, want []int64, dtypes ...binding.DType) error {
	got, err := binding.Shape(t)
	if err != nil {
		return &InputError{name, err.Error()}
	}
	ok := len(got) == len(want)
	for i := 0; ok && i < len(want); i++ {
		ok = want[i] < 0 || want[i] == got[i]
	}
	if !ok {
		return &InputError{name, fmt.Sprintf("expected shape %s, got %v", shapeString(want), got)}
	}
	dt, err := binding.TypeOf(t)
	if err != nil {
		return &InputError{name, err.Error()}
	}
	for _, d := range dtypes {
		if d == dt {
			return nil
		}
	}
	return &InputError{name, fmt.Sprintf("expected dtype %v, got %v", dtypes, dt)}
}

func shapeString(s []int64) string {
	out := "["
	for i, d := range s {
		if i > 0 {
			out += " "
		}
		if d < 0 {
			out += "*"
		} else {
			out += fmt.Sprint(d)
		}
	}
	return out + "]"
}

// checkRange verifies that every id of an integer tensor lies in [0, n).
func checkRange(name string, s *binding.Scope, t binding.Tensor, n int, what string) error {
	vals := s.Int64s(t)
	if err := s.Err(); err != nil {
		return err
	}
	for i, v := range vals {
		if v < 0 || v >= int64(n) {
			return &InputError{name, fmt.Sprintf("value %d at flat index %d is outside [0, %d) (%s)", v, i, n, what)}
		}
	}
	return nil
}

var floatTypes = []binding.DType{binding.Float32}
var maskTypes = []binding.DType{binding.Float32, binding.Int64, binding.Int32, binding.Bool, binding.Float64}

// validate checks every input against the config and returns batch, text length and boxes.
func (in *Inputs) validate(s *binding.Scope, c *LxmertConfig) (b, l, n int64, err error) {
	if err := s.Err(); err != nil { // an input tensor that failed to build: the real cause
		return 0, 0, 0, fmt.Errorf("lxmert input: building the inputs failed: %w", err)
	}
	switch {
	case present(in.InputIDs) && present(in.InputsEmbeds):
		return 0, 0, 0, &InputError{"input_ids", "give input_ids or inputs_embeds, not both"}
	case present(in.InputIDs):
		if err = checkShape("input_ids", in.InputIDs, []int64{-1, -1}, binding.Int64); err != nil {
			return
		}
	case present(in.InputsEmbeds):
		if err = checkShape("inputs_embeds", in.InputsEmbeds, []int64{-1, -1, int64(c.HiddenSize)}, floatTypes...); err != nil {
			return
		}
	default:
		return 0, 0, 0, &InputError{"input_ids", "missing (give input_ids or inputs_embeds)"}
	}
	text := in.InputIDs
	if !present(text) {
		text = in.InputsEmbeds
	}
	dims, _ := binding.Shape(text)
	b, l = dims[0], dims[1]
	if l < 1 || b < 1 {
		return 0, 0, 0, &InputError{"input_ids", fmt.Sprintf("empty batch or sequence: shape %v", dims)}
	}
	if l > int64(c.MaxPositionEmbeddings) {
		return 0, 0, 0, &InputError{"input_ids", fmt.Sprintf("sequence length %d exceeds max_position_embeddings %d", l, c.MaxPositionEmbeddings)}
	}
	if !present(in.VisualFeats) || !present(in.VisualPos) {
		return 0, 0, 0, &InputError{"visual_feats", "visual_feats and visual_pos are required"}
	}
	if err = checkShape("visual_feats", in.VisualFeats, []int64{b, -1, int64(c.VisualFeatDim)}, floatTypes...); err != nil {
		return
	}
	vd, _ := binding.Shape(in.VisualFeats)
	n = vd[1]
	if n < 1 {
		return 0, 0, 0, &InputError{"visual_feats", "no regions (boxes dimension is 0)"}
	}
	checks := []struct {
		name  string
		t     binding.Tensor
		shape []int64
		types []binding.DType
	}{
		{"visual_pos", in.VisualPos, []int64{b, n, int64(c.VisualPosDim)}, floatTypes},
		{"token_type_ids", in.TokenTypeIDs, []int64{b, l}, []binding.DType{binding.Int64}},
		{"attention_mask", in.AttentionMask, []int64{b, l}, maskTypes},
		{"visual_attention_mask", in.VisualAttentionMask, []int64{b, n}, maskTypes},
	}
	for _, ch := range checks {
		if present(ch.t) {
			if err = checkShape(ch.name, ch.t, ch.shape, ch.types...); err != nil {
				return
			}
		}
	}
	if present(in.InputIDs) {
		if err = checkRange("input_ids", s, in.InputIDs, c.VocabSize, "vocab_size"); err != nil {
			return
		}
	}
	if present(in.TokenTypeIDs) {
		if err = checkRange("token_type_ids", s, in.TokenTypeIDs, c.TypeVocabSize, "type_vocab_size"); err != nil {
			return
		}
	}
	return b, l, n, nil
}
