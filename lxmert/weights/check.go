package weights

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

// ShapeMismatch is one tensor whose shape differs from the model's.
type ShapeMismatch struct {
	Name     string
	Expected []int64
	Actual   []int64
}

// KeyError reports every way a state dict fails to match a model: keys the
// model needs that are missing, keys the model does not have, and shape
// mismatches. Each list is sorted by name.
type KeyError struct {
	Missing    []string
	Unexpected []string
	Mismatched []ShapeMismatch
}

// Error lists every problem, one per line.
func (e *KeyError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "weights: state dict does not match the model: %d missing, %d unexpected, %d shape mismatches",
		len(e.Missing), len(e.Unexpected), len(e.Mismatched))
	for _, k := range e.Missing {
		fmt.Fprintf(&b, "\n  missing: %s", k)
	}
	for _, k := range e.Unexpected {
		fmt.Fprintf(&b, "\n  unexpected: %s", k)
	}
	for _, m := range e.Mismatched {
		fmt.Fprintf(&b, "\n  shape mismatch: %s: expected %v, got %v", m.Name, m.Expected, m.Actual)
	}
	return b.String()
}

// CheckKeys compares sd with the tensors a model expects (name to shape).
// Names in optional may be absent (a tied weight HF omits, for example); a
// present optional name is shape-checked when expected lists it. Any other
// difference is reported in one *KeyError; a nil error means every expected
// tensor is present with its shape and nothing else is.
func CheckKeys(sd *StateDict, expected map[string][]int64, optional map[string]bool) error {
	e := &KeyError{}
	for name, shape := range expected {
		t, ok := sd.Get(name)
		switch {
		case !ok && !optional[name]:
			e.Missing = append(e.Missing, name)
		case ok && !slices.Equal(t.Shape, shape):
			e.Mismatched = append(e.Mismatched, ShapeMismatch{Name: name, Expected: shape, Actual: t.Shape})
		}
	}
	for _, name := range sd.Names {
		if _, ok := expected[name]; !ok && !optional[name] {
			e.Unexpected = append(e.Unexpected, name)
		}
	}
	if len(e.Missing)+len(e.Unexpected)+len(e.Mismatched) == 0 {
		return nil
	}
	sort.Strings(e.Missing)
	sort.Strings(e.Unexpected)
	sort.Slice(e.Mismatched, func(i, j int) bool { return e.Mismatched[i].Name < e.Mismatched[j].Name })
	return e
}
