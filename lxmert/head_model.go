package lxmert

// headModel is what LxmertForPreTraining and LxmertForQuestionAnswering share: the config, the
// backbone under the "lxmert." prefix, the parameter store and the mode switches.
type headModel struct {
	Config *LxmertConfig
	Lxmert *LxmertModel
	params *params
}

func newHeadModel(c *LxmertConfig, placeholders bool) headModel {
	p := newParams(c.InitializerRange, placeholders)
	return headModel{Config: c, Lxmert: buildBackbone(p, "lxmert.", c), params: p}
}

// Train turns dropout on for later forwards (which then record autograd graphs), after
// running forwards finish.
func (h *headModel) Train() { h.params.setTraining(true) }

// Eval turns dropout off (the state after loading).
func (h *headModel) Eval() { h.params.setTraining(false) }

// Training reports whether the model is in train mode (dropout on).
func (h *headModel) Training() bool { return h.params.isTraining() }

// store is the model's parameter store (nil for a nil or zero-value model).
func (m *LxmertForQuestionAnswering) store() *params {
	if m == nil {
		return nil
	}
	return m.params
}

// store is the model's parameter store (nil for a nil or zero-value model).
func (m *LxmertForPreTraining) store() *params {
	if m == nil {
		return nil
	}
	return m.params
}

// Close frees the model's parameters once running forwards finish. Safe to call twice, on a
// zero value or on nil.
func (m *LxmertForQuestionAnswering) Close() { m.store().close() }

// Close frees the model's parameters once running forwards finish. Safe to call twice, on a
// zero value or on nil.
func (m *LxmertForPreTraining) Close() { m.store().close() }
