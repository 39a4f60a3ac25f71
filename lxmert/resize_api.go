package lxmert

import "github.com/lxmert-go/golxmert/binding"

// ResizeNumQALabels gives the answer head n labels, keeping the first min(old, n) rows and
// initialising the rest, and updates num_qa_labels. On failure the model is unchanged.
func (m *LxmertForQuestionAnswering) ResizeNumQALabels(n int) error {
	if m == nil {
		return errNoModel
	}
	return m.params.resize(func(st *stage) error { return st.resizeLinearOut(m.AnswerHead.LogitFC3, n) },
		func() { m.Config.NumQALabels = n })
}

// GetQALogitLayer returns the answer head's last Linear (answer_head.logit_fc.3).
func (m *LxmertForQuestionAnswering) GetQALogitLayer() *Linear {
	if m == nil || m.AnswerHead == nil {
		return nil
	}
	return m.AnswerHead.LogitFC3
}

// SetQALogitLayer replaces the answer head's last Linear with copies of weight [n, 2·hidden]
// and bias [n], and sets num_qa_labels to n. On failure the model is unchanged.
func (m *LxmertForQuestionAnswering) SetQALogitLayer(weight, bias binding.Tensor) error {
	if m == nil {
		return errNoModel
	}
	l := m.AnswerHead.LogitFC3
	return m.params.setLinear(l, weight, bias, func() { m.Config.NumQALabels = int(l.Weight.Shape[0]) })
}

// ResizeNumQALabels is the pretraining model's version; ErrNoAnswerHead without task_qa.
func (m *LxmertForPreTraining) ResizeNumQALabels(n int) error {
	if m == nil {
		return errNoModel
	}
	if m.AnswerHead == nil {
		return ErrNoAnswerHead
	}
	return m.params.resize(func(st *stage) error { return st.resizeLinearOut(m.AnswerHead.LogitFC3, n) },
		func() { m.Config.NumQALabels = n })
}

// GetQALogitLayer returns answer_head.logit_fc.3, or nil without task_qa.
func (m *LxmertForPreTraining) GetQALogitLayer() *Linear {
	if m == nil || m.AnswerHead == nil {
		return nil
	}
	return m.AnswerHead.LogitFC3
}

// SetQALogitLayer replaces answer_head.logit_fc.3 with copies of weight and bias.
func (m *LxmertForPreTraining) SetQALogitLayer(weight, bias binding.Tensor) error {
	if m == nil {
		return errNoModel
	}
	if m.AnswerHead == nil {
		return ErrNoAnswerHead
	}
	l := m.AnswerHead.LogitFC3
	return m.params.setLinear(l, weight, bias, func() { m.Config.NumQALabels = int(l.Weight.Shape[0]) })
}

// ResizeTokenEmbeddings gives the word embeddings (and so the tied LM decoder) n rows and
// resizes cls.predictions.bias (kept entries, zeros appended), updating vocab_size; all of
// it or, on failure, nothing.
func (m *LxmertForPreTraining) ResizeTokenEmbeddings(n int) error {
	if m == nil {
		return errNoModel
	}
	return m.params.resize(func(st *stage) error {
		if err := st.resizeRows(m.Lxmert.Embeddings.WordEmbeddings, int64(n), initNormal); err != nil {
			return err
		}
		return st.resizeRows(m.Cls.Predictions.Bias, int64(n), initZeros)
	}, func() { m.Config.VocabSize = n })
}

// ResizeTokenEmbeddings gives the word embeddings n rows (new rows initialised) and updates
// vocab_size. On failure the model is unchanged.
func (m *LxmertModel) ResizeTokenEmbeddings(n int) error {
	if m == nil {
		return errNoModel
	}
	return m.params.resize(func(st *stage) error {
		return st.resizeRows(m.Embeddings.WordEmbeddings, int64(n), initNormal)
	}, func() { m.Config.VocabSize = n })
}
