// Package demo ships the default question-answering model: a small LxmertForQuestionAnswering
// on the real bert-base-uncased vocabulary, trained with `lxmert train` on synthetic scenes
// (lxmert/scenes), stored in float16 and embedded in the binary. MODEL_CARD.md says how it
// was made and how well it does; `make demo-model` makes it again from scratch.
package demo

import (
	"embed"
	"encoding/json"
	"fmt"

	"github.com/lxmert-go/golxmert/lxmert"
	"github.com/lxmert-go/golxmert/lxmert/answer"
	"github.com/lxmert-go/golxmert/lxmert/vqa"
	"github.com/lxmert-go/golxmert/lxmert/weights"
	"github.com/lxmert-go/golxmert/tokenizer"
)

//go:embed model/config.json model/model.safetensors
var files embed.FS

//go:embed MODEL_CARD.md
var ModelCard string

// ModelConfig returns the embedded model's configuration.
func ModelConfig() (*lxmert.LxmertConfig, error) {
	raw, err := files.ReadFile("model/config.json")
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	c := lxmert.DefaultConfig()
	if err := json.Unmarshal(raw, c); err != nil {
		return nil, fmt.Errorf("demo: embedded config.json: %w", err)
	}
	return c, c.Validate()
}

// Model loads the embedded model (its float16 weights become float32).
func Model() (*lxmert.LxmertForQuestionAnswering, error) {
	c, err := ModelConfig()
	if err != nil {
		return nil, err
	}
	raw, err := files.ReadFile("model/model.safetensors")
	if err != nil {
		return nil, fmt.Errorf("demo: %w", err)
	}
	sd, _, err := weights.ParseSafetensors(raw)
	if err != nil {
		return nil, fmt.Errorf("demo: embedded weights: %w", err)
	}
	m, err := lxmert.NewLxmertForQuestionAnswering(c)
	if err != nil {
		return nil, err
	}
	if err := m.LoadStateDict(sd); err != nil {
		m.Close()
		return nil, fmt.Errorf("demo: embedded weights: %w", err)
	}
	return m, nil
}

// Answerer loads the embedded model with its answer labels and the embedded tokenizer.
func Answerer(o answer.Options) (*answer.Answerer, error) {
	m, err := Model()
	if err != nil {
		return nil, err
	}
	labels, err := vqa.LoadLabels("(embedded demo model)", m.Config)
	if err != nil {
		m.Close()
		return nil, err
	}
	tok, err := tokenizer.NewFast(tokenizer.Options{})
	if err != nil {
		m.Close()
		return nil, err
	}
	a, err := answer.New(m, labels, tok, o)
	if err != nil {
		m.Close()
		return nil, err
	}
	return a, nil
}
