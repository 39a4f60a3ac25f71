package lxmert

import "github.com/lxmert-go/golxmert/lxmert/weights"

// StateDict returns the parameters as host float32 tensors under HF's keys.
func (m *LxmertModel) StateDict() (*weights.StateDict, error) { return m.store().stateDict() }

// LoadStateDict loads parameters strictly (every key, shape and dtype) and atomically: on
// failure the model is unchanged.
func (m *LxmertModel) LoadStateDict(sd *weights.StateDict) error { return m.store().load(sd) }

// SavePretrained writes config.json and model.safetensors into dir.
func (m *LxmertModel) SavePretrained(dir string) error {
	return savePretrained(dir, m.Config, ArchModel, m.params)
}

// StateDict returns the parameters as host float32 tensors under HF's keys (the tied
// cls.predictions.decoder.weight left out, as save_pretrained does).
func (m *LxmertForPreTraining) StateDict() (*weights.StateDict, error) { return m.store().stateDict() }

// LoadStateDict loads parameters strictly; the tied decoder weight may be absent.
func (m *LxmertForPreTraining) LoadStateDict(sd *weights.StateDict) error { return m.store().load(sd) }

// SavePretrained writes config.json and model.safetensors into dir.
func (m *LxmertForPreTraining) SavePretrained(dir string) error {
	return savePretrained(dir, m.Config, ArchPreTrain, m.params)
}

// StateDict returns the parameters as host float32 tensors under HF's keys.
func (m *LxmertForQuestionAnswering) StateDict() (*weights.StateDict, error) {
	return m.store().stateDict()
}

// LoadStateDict loads parameters strictly (every key, shape and dtype) and atomically: on
// failure the model is unchanged.
func (m *LxmertForQuestionAnswering) LoadStateDict(sd *weights.StateDict) error {
	return m.store().load(sd)
}

// SavePretrained writes config.json and model.safetensors into dir.
func (m *LxmertForQuestionAnswering) SavePretrained(dir string) error {
	return savePretrained(dir, m.Config, ArchQuestionQA, m.params)
}
