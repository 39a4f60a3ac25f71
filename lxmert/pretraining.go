package lxmert

import "github.com/lxmert-go/golxmert/binding"

// LxmertForPreTraining is the backbone with the pretraining heads: masked LM (tied to the
// word embeddings), cross-modality matching, masked object prediction and QA.
//
// Concurrency: as LxmertModel's (many forwards at once; Close, LoadStateDict, Resize*, Set*,
// Train, Eval and ZeroGrad exclusive; ErrClosed after Close).
type LxmertForPreTraining struct {
	headModel
	Cls            *LxmertPreTrainingHeads
	ObjPredictHead *LxmertVisualObjHead    // nil unless task_obj_predict
	AnswerHead     *LxmertVisualAnswerHead // nil unless task_qa
}

// ObjLabel is one visual task's targets: Label (class ids [batch, boxes] for obj/attr,
// features [batch, boxes, feat_dim] for feat) and Conf, the per-box weight [batch, boxes].
type ObjLabel struct {
	Label, Conf binding.Tensor
}

// PreTrainingLabels are HF's optional loss targets; each present one adds its loss.
type PreTrainingLabels struct {
	Labels       binding.Tensor      // masked LM targets [batch, len], -100 ignored
	ObjLabels    map[string]ObjLabel // "obj", "attr", "feat"
	MatchedLabel binding.Tensor      // [batch] 0/1
	Ans          binding.Tensor      // [batch] answer ids
}

func (l *PreTrainingLabels) any() bool {
	return l != nil && (present(l.Labels) || l.ObjLabels != nil || present(l.MatchedLabel) || present(l.Ans))
}

// NewLxmertForPreTraining builds a randomly initialised pretraining model for c.
func NewLxmertForPreTraining(c *LxmertConfig) (*LxmertForPreTraining, error) {
	return newLxmertForPreTraining(c, false)
}

func newLxmertForPreTraining(c *LxmertConfig, placeholders bool) (*LxmertForPreTraining, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	m := &LxmertForPreTraining{headModel: newHeadModel(c, placeholders)}
	p := m.params
	m.Cls = newPreTrainingHeads(p, "cls", c, m.Lxmert.Embeddings.WordEmbeddings)
	if c.TaskObjPredict {
		m.ObjPredictHead = newVisualObjHead(p, "obj_predict_head", c)
	}
	if c.TaskQA {
		m.AnswerHead = newAnswerHead(p, "answer_head", c, c.NumQALabels)
	}
	if err := p.err(); err != nil {
		p.close()
		return nil, err
	}
	return m, nil
}

// Forward runs the model and the losses of the labels given (labels may be nil).
func (m *LxmertForPreTraining) Forward(in Inputs, labels *PreTrainingLabels, opts Options) (*LxmertForPreTrainingOutput, error) {
	unlock, err := m.store().shared()
	if err != nil {
		return nil, err
	}
	defer unlock()
	return forwardOwned(m.params.g.training, func(s *binding.Scope) (*LxmertForPreTrainingOutput, error) {
		return m.forward(m.params.run(s, opts), in, labels, opts)
	})
}

// ForwardScope is Forward inside the caller's scope, which owns every tensor made.
func (m *LxmertForPreTraining) ForwardScope(s *binding.Scope, in Inputs, labels *PreTrainingLabels, opts Options) (*LxmertForPreTrainingOutput, error) {
	if s == nil {
		return nil, errNilScope
	}
	unlock, err := m.store().shared()
	if err != nil {
		return nil, err
	}
	defer unlock()
	return m.forward(m.params.run(s, opts), in, labels, opts)
}

func (m *LxmertForPreTraining) forward(r run, in Inputs, labels *PreTrainingLabels, opts Options) (*LxmertForPreTrainingOutput, error) {
	s := r.s
	base, err := m.Lxmert.forward(r, in, opts)
	if err != nil {
		return nil, err
	}
	r.check()
	out := &LxmertForPreTrainingOutput{
		PredictionLogits:       m.Cls.Predictions.forward(r, base.LanguageOutput),
		CrossRelationshipScore: m.Cls.SeqRelationship.forward(r, base.PooledOutput),
		LanguageHiddenStates:   base.LanguageHiddenStates,
		VisionHiddenStates:     base.VisionHiddenStates,
		LanguageAttentions:     base.LanguageAttentions,
		VisionAttentions:       base.VisionAttentions,
		CrossEncoderAttentions: base.CrossEncoderAttentions,
	}
	if m.AnswerHead != nil {
		out.QuestionAnsweringScore = m.AnswerHead.forward(r, base.PooledOutput)
	} else {
		// HF returns pooled_output[0][0] here; kept for parity.
		out.QuestionAnsweringScore = s.Select(s.Select(base.PooledOutput, 0, 0), 0, 0)
	}
	if labels.any() {
		out.Loss, err = m.loss(r, labels, out, base.VisionOutput)
		if err != nil {
			return nil, err
		}
	}
	if err := s.Err(); err != nil {
		return nil, forwardError("lxmert pretraining forward", err)
	}
	return out, nil
}
