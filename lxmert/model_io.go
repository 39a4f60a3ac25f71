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

// TFLxmertModel is HF's TFLxmertModel: the same model as LxmertModel (an alias). Its
// checkpoint, tf_model.h5, loads with FromPretrained (after any PyTorch weights in the
// folder) or TFLxmertModelFromPretrained (before them).
type TFLxmertModel = LxmertModel

// TFLxmertForPreTraining is HF's TFLxmertForPreTraining: the same model as
// LxmertForPreTraining (an alias).
type TFLxmertForPreTraining = LxmertForPreTraining

// TFLxmertModelFromPretrained loads a bare model from the folder's tf_model.h5, which HF's
// TFLxmertModel.from_pretrained prefers; without one, from its PyTorch weights.
func TFLxmertModelFromPretrained(dir string) (*LxmertModel, error) {
	return loadTyped(dir, true, newLxmertModel)
}

// TFLxmertForPreTrainingFromPretrained loads a pretraining model from the folder's
// tf_model.h5 or, without one, from its PyTorch weights.
func TFLxmertForPreTrainingFromPretrained(dir string) (*LxmertForPreTraining, error) {
	return loadTyped(dir, true, newLxmertForPreTraining)
}
