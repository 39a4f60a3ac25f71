package lxmert

import (
	"fmt"
	"sort"
	"strings"

	"github.com/lxmert-go/golxmert/binding"
	"github.com/lxmert-go/golxmert/lxmert/weights"
)

// tensorTypes maps file element types to LibTorch's for inputs (which keep their type).
var tensorTypes = map[weights.DType]binding.DType{
	weights.F32: binding.Float32, weights.F16: binding.Float16, weights.BF16: binding.BFloat16,
	weights.F64: binding.Float64, weights.I64: binding.Int64, weights.I32: binding.Int32,
	weights.Bool: binding.Bool, weights.U8: binding.Uint8, weights.I8: binding.Int8,
}

// ForwardNamed runs m on inputs named as HF's forward arguments (input_ids, visual_feats, …,
// labels, obj_labels.<key>.label / .conf, matched_label, ans) and returns the outputs under
// HF's field names, tuples as <field>.<index> (the layout of `lxmert forward`'s files).
// Unknown or inapplicable input names are an error.
func ForwardNamed(m Pretrained, in *weights.StateDict, opts Options) (*weights.StateDict, error) {
	s := binding.NewScope()
	defer s.Close()
	out, err := forwardNamed(s, m, in, opts)
	if err != nil {
		return nil, err
	}
	return toHost(s, out)
}

func forwardNamed(s *binding.Scope, m Pretrained, in *weights.StateDict, opts Options) (map[string]binding.Tensor, error) {
	t := map[string]binding.Tensor{}
	for _, name := range in.Names {
		h, _ := in.Get(name)
		dt, ok := tensorTypes[h.DType]
		if !ok {
			return nil, &InputError{name, fmt.Sprintf("unsupported dtype %v", h.DType)}
		}
		t[name] = s.FromBytes(h.Data, dt, h.Shape...)
	}
	if err := s.Err(); err != nil {
		return nil, err
	}
	take := func(name string) binding.Tensor { v := t[name]; delete(t, name); return v }
	inputs := Inputs{
		InputIDs: take("input_ids"), TokenTypeIDs: take("token_type_ids"), AttentionMask: take("attention_mask"),
		InputsEmbeds: take("inputs_embeds"), VisualFeats: take("visual_feats"), VisualPos: take("visual_pos"),
		VisualAttentionMask: take("visual_attention_mask"),
	}
	out := map[string]binding.Tensor{}
	var err error
	switch mm := m.(type) {
	case *LxmertModel:
		var o *LxmertModelOutput
		if o, err = mm.ForwardScope(s, inputs, opts); err == nil {
			out["language_output"], out["vision_output"], out["pooled_output"] = o.LanguageOutput, o.VisionOutput, o.PooledOutput
			collectTuples(out, o.LanguageHiddenStates, o.VisionHiddenStates, o.LanguageAttentions, o.VisionAttentions, o.CrossEncoderAttentions)
		}
	case *LxmertForPreTraining:
		labels := &PreTrainingLabels{Labels: take("labels"), MatchedLabel: take("matched_label"), Ans: take("ans")}
		for name := range t {
			if rest, ok := strings.CutPrefix(name, "obj_labels."); ok {
				key, field, _ := strings.Cut(rest, ".")
				if labels.ObjLabels == nil {
					labels.ObjLabels = map[string]ObjLabel{}
				}
				l := labels.ObjLabels[key]
				switch field {
				case "label":
					l.Label = take(name)
				case "conf":
					l.Conf = take(name)
				}
				labels.ObjLabels[key] = l
			}
		}
		if len(t) == 0 {
			var o *LxmertForPreTrainingOutput
			if o, err = mm.ForwardScope(s, inputs, labels, opts); err == nil {
				out["loss"] = o.Loss
				out["prediction_logits"], out["cross_relationship_score"] = o.PredictionLogits, o.CrossRelationshipScore
				out["question_answering_score"] = o.QuestionAnsweringScore
				collectTuples(out, o.LanguageHiddenStates, o.VisionHiddenStates, o.LanguageAttentions, o.VisionAttentions, o.CrossEncoderAttentions)
			}
		}
	case *LxmertForQuestionAnswering:
		labels := take("labels")
		if len(t) == 0 {
			var o *LxmertForQuestionAnsweringOutput
			if o, err = mm.ForwardScope(s, inputs, &QuestionAnsweringLabels{Labels: labels}, opts); err == nil {
				out["loss"], out["question_answering_score"] = o.Loss, o.QuestionAnsweringScore
				collectTuples(out, o.LanguageHiddenStates, o.VisionHiddenStates, o.LanguageAttentions, o.VisionAttentions, o.CrossEncoderAttentions)
			}
		}
	default:
		return nil, fmt.Errorf("lxmert: forward by name: unsupported model type %T", m)
	}
	if len(t) > 0 {
		var extra []string
		for k := range t {
			extra = append(extra, k)
		}
		sort.Strings(extra)
		return nil, &InputError{strings.Join(extra, ", "), fmt.Sprintf("not an input of %T", m)}
	}
	if err != nil {
		return nil, err
	}
	return out, nil
}

var tupleNames = []string{"language_hidden_states", "vision_hidden_states", "language_attentions", "vision_attentions", "cross_encoder_attentions"}

func collectTuples(out map[string]binding.Tensor, tuples ...[]binding.Tensor) {
	for i, tu := range tuples {
		for j, t := range tu {
			out[fmt.Sprintf("%s.%d", tupleNames[i], j)] = t
		}
	}
}

// toHost copies the present outputs to host float32 tensors, sorted by name.
func toHost(s *binding.Scope, out map[string]binding.Tensor) (*weights.StateDict, error) {
	names := make([]string, 0, len(out))
	for k, v := range out {
		if present(v) {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	sd := weights.NewStateDict()
	for _, n := range names {
		shape, vals := s.Shape(out[n]), s.Float32s(out[n])
		if err := s.Err(); err != nil {
			return nil, fmt.Errorf("lxmert: output %s: %w", n, err)
		}
		h, err := weights.FromFloat32(n, shape, vals)
		if err != nil {
			return nil, err
		}
		sd.Set(h)
	}
	return sd, nil
}
