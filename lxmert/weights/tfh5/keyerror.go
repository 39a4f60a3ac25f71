package tfh5

import (
	"errors"
	"fmt"
	"strings"

	"github.com/lxmert-go/golxmert/lxmert/weights"
)

// KeyError is a *weights.KeyError from loading a Keras weights file, told in the file's terms:
// each missing parameter with the dataset it is read from, each unexpected or wrongly shaped
// one with the dataset it was read from. errors.As finds the *weights.KeyError inside.
type KeyError struct {
	File     string
	Err      *weights.KeyError
	Datasets map[string]string // PyTorch name → dataset path, for every name Err lists
}

// Error lists every problem, one per line, as weights.KeyError does, with the datasets.
func (e *KeyError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s does not match the model: %d missing, %d unexpected, %d shape mismatches",
		e.File, len(e.Err.Missing), len(e.Err.Unexpected), len(e.Err.Mismatched))
	for _, k := range e.Err.Missing {
		fmt.Fprintf(&b, "\n  missing: dataset %s (%s)", e.Datasets[k], k)
	}
	for _, k := range e.Err.Unexpected {
		fmt.Fprintf(&b, "\n  unexpected: dataset %s (%s)", e.Datasets[k], k)
	}
	for _, m := range e.Err.Mismatched {
		fmt.Fprintf(&b, "\n  shape mismatch: dataset %s (%s): expected %v, got %v%s",
			e.Datasets[m.Name], m.Name, m.Expected, m.Actual, storedNote(e.Datasets[m.Name], m.Actual))
	}
	return b.String()
}

// Unwrap returns the *weights.KeyError.
func (e *KeyError) Unwrap() error { return e.Err }

// storedNote tells the shape as stored for a transposed kernel (the file has it [in, out]).
func storedNote(dataset string, shape []int64) string {
	if strings.HasSuffix(dataset, "/kernel:0") && len(shape) == 2 {
		return fmt.Sprintf(" (stored as %v)", []int64{shape[1], shape[0]})
	}
	return ""
}

// Explain turns a *weights.KeyError from loading c.StateDict into a *KeyError naming c's
// datasets; any other error is returned unchanged.
func (c *Checkpoint) Explain(err error) error {
	var ke *weights.KeyError
	if !errors.As(err, &ke) {
		return err
	}
	e := &KeyError{File: c.Path, Err: ke, Datasets: map[string]string{}}
	names := append(append([]string(nil), ke.Missing...), ke.Unexpected...)
	for _, m := range ke.Mismatched {
		names = append(names, m.Name)
	}
	for _, n := range names {
		e.Datasets[n] = c.datasetOf(n)
	}
	return e
}

// datasetOf finds the dataset of a parameter name as the model uses it (a bare model drops
// the "lxmert." its TF checkpoint has), or where it would be stored when absent.
func (c *Checkpoint) datasetOf(name string) string {
	for _, n := range []string{name, "lxmert." + name} {
		if d, ok := c.Dataset[n]; ok {
			return d
		}
	}
	scope := c.Scope
	if scope == "" {
		scope = "tf_lxmert_model"
	}
	if c.Unscoped {
		w, _ := weights.PTToTFWeight(name, scope)
		return strings.TrimPrefix(w, scope+"/")
	}
	d, _ := weights.PTToTFDataset(name, scope)
	return d
}
