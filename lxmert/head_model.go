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

// Train turns dropout on for later forwards (which then record autograd graphs).
func (h *headModel) Train() { h.Lxmert.Train() }

// Eval turns dropout off (the state after loading).
func (h *headModel) Eval() { h.Lxmert.Eval() }

// Close frees the model's parameters.
func (h *headModel) Close() { h.params.close() }
