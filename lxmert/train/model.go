package train

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	"github.com/lxmert-go/golxmert/binding"
	"github.com/lxmert-go/golxmert/lxmert"
	"github.com/lxmert-go/golxmert/lxmert/vqa"
	"github.com/lxmert-go/golxmert/lxmert/weights"
)

// loadModel builds the QA model to fine-tune: from a QA checkpoint as it is; from a
// pretraining or bare checkpoint by taking its backbone (and its answer head when it has
// one) over a freshly initialised model; from a folder with only config.json, fresh. It
// returns the model, its answer labels (nil when the folder has none) and a note of what
// was initialised.
func loadModel(dir string, seed uint64) (*lxmert.LxmertForQuestionAnswering, *vqa.Labels, string, error) {
	c, err := lxmert.LoadConfig(dir)
	if err != nil {
		return nil, nil, "", err
	}
	binding.ManualSeed(seed) // fresh parameters are reproducible
	m, err := lxmert.NewLxmertForQuestionAnswering(c)
	if err != nil {
		return nil, nil, "", err
	}
	note := "all parameters initialised (no weights in " + dir + ")"
	if hasWeights(dir) {
		if note, err = overlay(m, dir); err != nil {
			m.Close()
			return nil, nil, "", err
		}
	}
	labels, err := vqa.LoadLabels(dir, c)
	if err != nil {
		labels = nil // a pretraining checkpoint usually ships no answer names
	}
	return m, labels, note, nil
}

func hasWeights(dir string) bool {
	for _, f := range []string{"model.safetensors", "model.safetensors.index.json", "pytorch_model.bin"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err == nil {
			return true
		}
	}
	return false
}

// overlay loads every checkpoint tensor the QA model has (strictly checking shapes) and
// keeps the fresh initialisation for the rest; tensors of other heads are dropped.
func overlay(m *lxmert.LxmertForQuestionAnswering, dir string) (string, error) {
	ckpt, err := lxmert.ReadCheckpoint(dir)
	if err != nil {
		return "", err
	}
	own, err := m.StateDict()
	if err != nil {
		return "", err
	}
	if !anyPrefix(ckpt, "lxmert.") { // a bare LxmertModel checkpoint
		renamed := weights.NewStateDict()
		for _, n := range ckpt.Names {
			t, _ := ckpt.Get(n)
			c := *t
			c.Name = "lxmert." + n
			renamed.Set(&c)
		}
		ckpt = renamed
	}
	var fresh []string
	for _, n := range own.Names {
		t, ok := ckpt.Get(n)
		if !ok {
			fresh = append(fresh, n)
			continue
		}
		own.Set(t)
	}
	if len(fresh) == len(own.Names) {
		return "", fmt.Errorf("train: %s has none of the QA model's parameters", dir)
	}
	if err := m.LoadStateDict(own); err != nil {
		return "", fmt.Errorf("train: loading %s: %w", dir, err)
	}
	if len(fresh) == 0 {
		return "loaded every parameter from " + dir, nil
	}
	return fmt.Sprintf("loaded %s; initialised %d parameters it lacks (%s)", dir, len(fresh), strings.Join(fresh, ", ")), nil
}

func anyPrefix(sd *weights.StateDict, p string) bool {
	for _, n := range sd.Names {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}

// setAnswers gives the model's answer head the answer set want: rows of answers the model
// already knows (by name) are kept, the others are initialised as HF does (weights
// N(0, initializer_range), bias 0). With no known labels every row is new.
func setAnswers(m *lxmert.LxmertForQuestionAnswering, have, want *vqa.Labels, seed uint64) (kept int, err error) {
	sd, err := m.StateDict()
	if err != nil {
		return 0, err
	}
	wT, _ := sd.Get("answer_head.logit_fc.3.weight")
	bT, _ := sd.Get("answer_head.logit_fc.3.bias")
	oldW, err := wT.Float32()
	if err != nil {
		return 0, err
	}
	oldB, err := bT.Float32()
	if err != nil {
		return 0, err
	}
	in := int(wT.Shape[1])
	n := want.Len()
	w, b := make([]float32, n*in), make([]float32, n)
	rng := rand.New(rand.NewPCG(seed, 0x616e73)) // "ans"
	std := m.Config.InitializerRange
	for i, name := range want.Names {
		if have != nil {
			if j, ok := have.ID(name); ok {
				copy(w[i*in:(i+1)*in], oldW[j*in:(j+1)*in])
				b[i] = oldB[j]
				kept++
				continue
			}
		}
		for k := 0; k < in; k++ {
			w[i*in+k] = float32(rng.NormFloat64() * std)
		}
	}
	s := binding.NewScope()
	defer s.Close()
	if err := m.SetQALogitLayer(s.FromFloat32(w, int64(n), int64(in)), s.FromFloat32(b, int64(n))); err != nil {
		return 0, err
	}
	m.Config.ID2Label = want.ID2Label()
	m.Config.Label2ID = nil
	return kept, nil
}
