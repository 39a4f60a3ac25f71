package lxmert

import "github.com/lxmert-go/golxmert/binding"

// LxmertModelOutput mirrors HF's LxmertModelOutput. Tuples are nil unless asked for.
// Tensors returned by Forward are owned by the output: call Close when done.
type LxmertModelOutput struct {
	LanguageOutput         binding.Tensor   // [batch, len, hidden]
	VisionOutput           binding.Tensor   // [batch, boxes, hidden]
	PooledOutput           binding.Tensor   // [batch, hidden]
	LanguageHiddenStates   []binding.Tensor // l_layers + x_layers entries
	VisionHiddenStates     []binding.Tensor // r_layers + x_layers entries
	LanguageAttentions     []binding.Tensor // l_layers × [batch, heads, len, len]
	VisionAttentions       []binding.Tensor // r_layers × [batch, heads, boxes, boxes]
	CrossEncoderAttentions []binding.Tensor // x_layers × [batch, heads, len, boxes]
}

// LxmertForPreTrainingOutput mirrors HF's LxmertForPreTrainingOutput.
type LxmertForPreTrainingOutput struct {
	Loss                   binding.Tensor // 0-dim; zero Tensor when no labels were given
	PredictionLogits       binding.Tensor // [batch, len, vocab]
	CrossRelationshipScore binding.Tensor // [batch, 2]
	QuestionAnsweringScore binding.Tensor // [batch, num_qa_labels], or a 0-dim tensor without task_qa
	LanguageHiddenStates   []binding.Tensor
	VisionHiddenStates     []binding.Tensor
	LanguageAttentions     []binding.Tensor
	VisionAttentions       []binding.Tensor
	CrossEncoderAttentions []binding.Tensor
}

// TFLxmertModelOutput is HF's TFLxmertModelOutput, an alias of LxmertModelOutput: HF's
// TensorFlow and PyTorch classes return the same fields, and a checkpoint of HF's
// TFLxmertModel (tf_model.h5) loads into the Go LxmertModel.
type TFLxmertModelOutput = LxmertModelOutput

// TFLxmertForPreTrainingOutput is HF's TFLxmertForPreTrainingOutput, an alias of
// LxmertForPreTrainingOutput (the same fields). Loss is computed as HF PyTorch computes it;
// HF TF's differs in two ways (see the README's comparison with HF).
type TFLxmertForPreTrainingOutput = LxmertForPreTrainingOutput

// LxmertForQuestionAnsweringOutput mirrors HF's LxmertForQuestionAnsweringOutput.
type LxmertForQuestionAnsweringOutput struct {
	Loss                   binding.Tensor // 0-dim; zero Tensor when no labels were given
	QuestionAnsweringScore binding.Tensor // [batch, num_qa_labels]
	LanguageHiddenStates   []binding.Tensor
	VisionHiddenStates     []binding.Tensor
	LanguageAttentions     []binding.Tensor
	VisionAttentions       []binding.Tensor
	CrossEncoderAttentions []binding.Tensor
}

func tuples(ts ...[]binding.Tensor) []binding.Tensor {
	var all []binding.Tensor
	for _, t := range ts {
		all = append(all, t...)
	}
	return all
}

func (o *LxmertModelOutput) all() []binding.Tensor {
	return append([]binding.Tensor{o.LanguageOutput, o.VisionOutput, o.PooledOutput},
		tuples(o.LanguageHiddenStates, o.VisionHiddenStates, o.LanguageAttentions, o.VisionAttentions, o.CrossEncoderAttentions)...)
}

func (o *LxmertForPreTrainingOutput) all() []binding.Tensor {
	return append([]binding.Tensor{o.Loss, o.PredictionLogits, o.CrossRelationshipScore, o.QuestionAnsweringScore},
		tuples(o.LanguageHiddenStates, o.VisionHiddenStates, o.LanguageAttentions, o.VisionAttentions, o.CrossEncoderAttentions)...)
}

func (o *LxmertForQuestionAnsweringOutput) all() []binding.Tensor {
	return append([]binding.Tensor{o.Loss, o.QuestionAnsweringScore},
		tuples(o.LanguageHiddenStates, o.VisionHiddenStates, o.LanguageAttentions, o.VisionAttentions, o.CrossEncoderAttentions)...)
}

// Close frees the output's tensors now (for ForwardScope outputs, before their scope would).
// Safe to call twice.
func (o *LxmertModelOutput) Close() { binding.Free(o.all()...) }

// Close frees the output's tensors. Safe to call twice.
func (o *LxmertForPreTrainingOutput) Close() { binding.Free(o.all()...) }

// Close frees the output's tensors. Safe to call twice.
func (o *LxmertForQuestionAnsweringOutput) Close() { binding.Free(o.all()...) }
