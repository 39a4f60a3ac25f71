package scenes

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/lxmert-go/golxmert/lxmert/atomicfile"
)

// writeAtomic writes path through fill so that readers never see a partial file.
func writeAtomic(path string, fill func(io.Writer) error) error {
	if err := atomicfile.Write(path, fill); err != nil {
		return fmt.Errorf("scenes: %w", err)
	}
	return nil
}

func writeJSON(path string, v any) error {
	return writeAtomic(path, func(w io.Writer) error {
		b, err := json.Marshal(v)
		if err != nil {
			return err
		}
		_, err = w.Write(append(b, '\n'))
		return err
	})
}

// writeJSONList writes a JSON list with one element per line, easy to read and diff.
func writeJSONList[T any](path string, items []T) error {
	return writeAtomic(path, func(w io.Writer) error {
		if _, err := io.WriteString(w, "["); err != nil {
			return err
		}
		for i, it := range items {
			b, err := json.Marshal(it)
			if err != nil {
				return err
			}
			sep := ",\n"
			if i == 0 {
				sep = "\n"
			}
			if _, err := io.WriteString(w, sep); err != nil {
				return err
			}
			if _, err := w.Write(b); err != nil {
				return err
			}
		}
		_, err := io.WriteString(w, "\n]\n")
		return err
	})
}
