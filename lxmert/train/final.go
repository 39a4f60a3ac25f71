package train

import (
	"fmt"
	"os"
	"path/filepath"
)

// saveFinal writes the trained model into o.Out as an HF folder (config.json with id2label,
// model.safetensors, vocab.txt): each file is written into a temporary folder first and then
// renamed into place, so a failure leaves no half-written file.
func (ss *session) saveFinal() error {
	tmp, err := os.MkdirTemp(ss.o.Out, ".tmp-final")
	if err != nil {
		return fmt.Errorf("train: final model: %w", err)
	}
	defer os.RemoveAll(tmp)
	if err := ss.m.SavePretrained(tmp); err != nil {
		return err
	}
	if err := ss.tok.SavePretrained(tmp); err != nil {
		return err
	}
	entries, err := os.ReadDir(tmp)
	if err != nil {
		return fmt.Errorf("train: final model: %w", err)
	}
	for _, e := range entries {
		if err := os.Rename(filepath.Join(tmp, e.Name()), filepath.Join(ss.o.Out, e.Name())); err != nil {
			return fmt.Errorf("train: final model: %w", err)
		}
	}
	return nil
}
