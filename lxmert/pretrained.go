package lxmert

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/lxmert-go/golxmert/lxmert/weights"
	"github.com/lxmert-go/golxmert/lxmert/weights/tfh5"
)

// Pretrained is what the three models share for checkpoint I/O and mode switches.
type Pretrained interface {
	StateDict() (*weights.StateDict, error)
	LoadStateDict(sd *weights.StateDict) error
	SavePretrained(dir string) error
	Parameters() []*Param
	Grads() (*weights.StateDict, error)
	ZeroGrad() error
	Train()
	Eval()
	Close()
}

var (
	_ Pretrained = (*LxmertModel)(nil)
	_ Pretrained = (*LxmertForPreTraining)(nil)
	_ Pretrained = (*LxmertForQuestionAnswering)(nil)
)

// The architecture names config.json uses.
const (
	ArchModel      = "LxmertModel"
	ArchPreTrain   = "LxmertForPreTraining"
	ArchQuestionQA = "LxmertForQuestionAnswering"
	// HF's TensorFlow classes: the same models, from tf_model.h5 (see ReadCheckpoint).
	ArchTFModel    = "TFLxmertModel"
	ArchTFPreTrain = "TFLxmertForPreTraining"
)

// TFModelFile is the Keras HDF5 weights file of HF's TensorFlow models.
const TFModelFile = "tf_model.h5"

// ReadCheckpoint reads the weights of a model folder, in HF's order of preference:
// model.safetensors, a sharded model.safetensors.index.json, pytorch_model.bin (torch.save's
// zip, read without running pickled code), then tf_model.h5 or a sharded
// tf_model.h5.index.json (HF TensorFlow's Keras weights, read with the HDF5 library and mapped
// to PyTorch names as HF's TF↔PT cross-loading does). A model.safetensors written by HF's TF
// models (metadata format "tf") is mapped the same way.
// Original LXMERT key names are mapped to HF's (see weights.MapOriginalKeys).
func ReadCheckpoint(dir string) (*weights.StateDict, error) {
	sd, _, err := readCheckpoint(dir, false)
	return sd, err
}

// readCheckpoint is ReadCheckpoint, trying tf_model.h5 first when preferTF is set (as HF's TF
// classes do). For a tf_model.h5 it also returns the file's mapping, which explains a key
// mismatch in the file's dataset names.
func readCheckpoint(dir string, preferTF bool) (*weights.StateDict, *tfh5.Checkpoint, error) {
	var sd *weights.StateDict
	var err error
	switch {
	case preferTF && exists(filepath.Join(dir, TFModelFile)):
		return readTF(filepath.Join(dir, TFModelFile))
	case preferTF && exists(filepath.Join(dir, tfh5.IndexFile)):
		return readTF(filepath.Join(dir, tfh5.IndexFile))
	case exists(filepath.Join(dir, "model.safetensors")):
		var meta map[string]string
		sd, meta, err = weights.ReadSafetensors(filepath.Join(dir, "model.safetensors"))
		if err == nil && meta["format"] == "tf" { // written by HF's TF save_pretrained(safe_serialization=True)
			sd, _, err = weights.FromTFWeights(sd)
			if err != nil {
				err = fmt.Errorf("lxmert: %s: %w", filepath.Join(dir, "model.safetensors"), err)
			}
			return sd, nil, err
		}
	case exists(filepath.Join(dir, "model.safetensors.index.json")):
		sd, err = weights.ReadShardedSafetensors(dir)
	case exists(filepath.Join(dir, "pytorch_model.bin")):
		sd, err = weights.ReadTorchBin(filepath.Join(dir, "pytorch_model.bin"))
	case exists(filepath.Join(dir, TFModelFile)):
		return readTF(filepath.Join(dir, TFModelFile))
	case exists(filepath.Join(dir, tfh5.IndexFile)):
		return readTF(filepath.Join(dir, tfh5.IndexFile))
	default:
		return nil, nil, fmt.Errorf("lxmert: %s has no model.safetensors, model.safetensors.index.json, pytorch_model.bin, %s or %s",
			dir, TFModelFile, tfh5.IndexFile)
	}
	if err != nil {
		return nil, nil, err
	}
	sd, err = weights.MapOriginalKeys(sd)
	return sd, nil, err
}

// readTF reads tf_model.h5 or, given the index of a sharded TF checkpoint, its shards.
func readTF(path string) (*weights.StateDict, *tfh5.Checkpoint, error) {
	read := tfh5.Read
	if filepath.Base(path) == tfh5.IndexFile {
		read = tfh5.ReadSharded
	}
	tf, err := read(path)
	if err != nil {
		return nil, nil, err
	}
	return tf.StateDict, tf, nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// FromPretrained loads the model that config.json's architectures names (LxmertModel when it
// names none). Use the typed loaders to insist on one kind.
func FromPretrained(dir string) (Pretrained, error) {
	c, err := LoadConfig(dir)
	if err != nil {
		return nil, err
	}
	switch arch := c.Architecture(); arch {
	case "", ArchModel, ArchTFModel:
		return load(dir, false, c, newLxmertModel)
	case ArchPreTrain, ArchTFPreTrain:
		return load(dir, false, c, newLxmertForPreTraining)
	case ArchQuestionQA:
		return load(dir, false, c, newLxmertForQuestionAnswering)
	default:
		return nil, fmt.Errorf("lxmert: %s: architecture %q is not one of %s, %s, %s, %s, %s", dir, arch,
			ArchModel, ArchPreTrain, ArchQuestionQA, ArchTFModel, ArchTFPreTrain)
	}
}

// LxmertModelFromPretrained loads a bare model (from a bare or a head checkpoint).
func LxmertModelFromPretrained(dir string) (*LxmertModel, error) {
	return loadTyped(dir, false, newLxmertModel)
}

// LxmertForPreTrainingFromPretrained loads a pretraining model.
func LxmertForPreTrainingFromPretrained(dir string) (*LxmertForPreTraining, error) {
	return loadTyped(dir, false, newLxmertForPreTraining)
}

// LxmertForQuestionAnsweringFromPretrained loads a question-answering model.
func LxmertForQuestionAnsweringFromPretrained(dir string) (*LxmertForQuestionAnswering, error) {
	return loadTyped(dir, false, newLxmertForQuestionAnswering)
}

func loadTyped[M Pretrained](dir string, preferTF bool, build func(*LxmertConfig, bool) (M, error)) (M, error) {
	var zero M
	c, err := LoadConfig(dir)
	if err != nil {
		return zero, err
	}
	return load(dir, preferTF, c, build)
}

// load builds the model with placeholder parameters (no initialisation: the strict load below
// replaces every one of them or the model is closed) and loads the checkpoint.
func load[M Pretrained](dir string, preferTF bool, c *LxmertConfig, build func(*LxmertConfig, bool) (M, error)) (M, error) {
	var zero M
	sd, tf, release, err := readMapped(dir, preferTF)
	if err != nil {
		return zero, err
	}
	defer release() // LoadStateDict copies every tensor: nothing keeps the mapped bytes
	m, err := build(c, true)
	if err != nil {
		return zero, err
	}
	if err := m.LoadStateDict(sd); err != nil {
		m.Close()
		if tf != nil {
			err = tf.Explain(err)
		}
		return zero, fmt.Errorf("lxmert: loading %s: %w", dir, err)
	}
	return m, nil
}

// savePretrained writes config.json (naming arch) and model.safetensors into dir.
func savePretrained(dir string, c *LxmertConfig, arch string, p *params) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("lxmert save: %w", err)
	}
	unlock, err := p.shared()
	if err != nil {
		return err
	}
	sd, err := p.stateDictLocked()
	cc := *c // read under the lock: a resize changes the config
	unlock()
	if err != nil {
		return err
	}
	cc.Architectures = []string{arch}
	return errors.Join(
		weights.WriteSafetensors(filepath.Join(dir, "model.safetensors"), sd, map[string]string{"format": "pt"}),
		cc.Save(filepath.Join(dir, "config.json")),
	)
}
