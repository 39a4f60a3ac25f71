package weights

import "fmt"

// StateDict is an ordered collection of tensors keyed by name, the Go
// counterpart of a PyTorch state_dict. Names lists the keys in order; use
// Set and Delete rather than editing Names directly. The zero value is an
// empty, usable StateDict.
type StateDict struct {
	Names  []string
	byName map[string]*Tensor
}

// NewStateDict returns an empty StateDict.
func NewStateDict() *StateDict {
	return &StateDict{byName: map[string]*Tensor{}}
}

// Len returns the number of tensors.
func (sd *StateDict) Len() int { return len(sd.Names) }

// Get returns the tensor called name and whether it exists.
func (sd *StateDict) Get(name string) (*Tensor, bool) {
	t, ok := sd.byName[name]
	return t, ok
}

// Set stores t under t.Name. A new name is appended to the order; an
// existing one is replaced in place.
func (sd *StateDict) Set(t *Tensor) {
	if sd.byName == nil {
		sd.byName = map[string]*Tensor{}
	}
	if _, ok := sd.byName[t.Name]; !ok {
		sd.Names = append(sd.Names, t.Name)
	}
	sd.byName[t.Name] = t
}

// add stores t and fails if the name is already taken; readers use it to
// refuse files that define a tensor twice.
func (sd *StateDict) add(t *Tensor) error {
	if _, ok := sd.byName[t.Name]; ok {
		return fmt.Errorf("duplicate tensor name %q", t.Name)
	}
	sd.Set(t)
	return nil
}

// Delete removes the tensor called name, if present, keeping the order of
// the others.
func (sd *StateDict) Delete(name string) {
	if _, ok := sd.byName[name]; !ok {
		return
	}
	delete(sd.byName, name)
	for i, n := range sd.Names {
		if n == name {
			sd.Names = append(sd.Names[:i:i], sd.Names[i+1:]...)
			break
		}
	}
}

// Tensors returns the tensors in order. The slice is new; the tensors are not
// copied.
func (sd *StateDict) Tensors() []*Tensor {
	out := make([]*Tensor, len(sd.Names))
	for i, n := range sd.Names {
		out[i] = sd.byName[n]
	}
	return out
}

// All iterates over the tensors in order: for name, t := range sd.All() {...}.
func (sd *StateDict) All() func(yield func(string, *Tensor) bool) {
	return func(yield func(string, *Tensor) bool) {
		for _, n := range sd.Names {
			if !yield(n, sd.byName[n]) {
				return
			}
		}
	}
}
