package weights

import (
	"bytes"
	"fmt"
	"sort"

	"github.com/nlpodyssey/gopickle/pickle"
	"github.com/nlpodyssey/gopickle/types"
)

// unpickle decodes the pickle at the start of data with the allow-listed
// globals and the given persistent-id loader (nil refuses persistent ids),
// and returns the object and the pickle's length in bytes. scanPickle runs
// first so gopickle never sees a length larger than the input. gopickle can
// still panic on malformed input (unhashable dict keys, for example); the
// panic becomes an error so a corrupt checkpoint never crashes the caller.
func unpickle(data []byte, persistent func(interface{}) (interface{}, error)) (v interface{}, n int, err error) {
	n, err = scanPickle(data)
	if err != nil {
		return nil, 0, err
	}
	u := pickle.NewUnpickler(bytes.NewReader(data[:n]))
	u.FindClass = allowedGlobal
	u.PersistentLoad = persistent
	if persistent == nil {
		u.PersistentLoad = func(id interface{}) (interface{}, error) {
			return nil, fmt.Errorf("unexpected persistent id %v", id)
		}
	}
	defer func() {
		if p := recover(); p != nil {
			v, n, err = nil, 0, fmt.Errorf("malformed pickle: %v", p)
		}
	}()
	v, err = u.Load()
	return v, n, err
}

// storageClassArg checks the storage-class element of a persistent id.
func storageClassArg(v interface{}) (*storageClass, error) {
	sc, ok := v.(*storageClass)
	if !ok {
		return nil, fmt.Errorf("persistent id names %T, not a torch storage class", v)
	}
	return sc, nil
}

// toStateDict interprets the unpickled object: a dict or OrderedDict of
// tensors, or such a dict under a "state_dict" or "model" key of a larger
// checkpoint dict. Tensors are materialised in the dict's order.
func toStateDict(obj interface{}) (*StateDict, error) {
	entries, err := dictEntries(obj)
	if err != nil {
		return nil, fmt.Errorf("checkpoint top level: %w", err)
	}
	if !allTensors(entries) {
		for _, key := range []string{"state_dict", "model"} {
			for _, e := range entries {
				if e.Key != key {
					continue
				}
				inner, err := dictEntries(e.Value)
				if err == nil && allTensors(inner) {
					return buildStateDict(inner)
				}
			}
		}
	}
	return buildStateDict(entries)
}

// dictEntries lists the entries of a pickled dict or OrderedDict in order.
func dictEntries(obj interface{}) ([]types.DictEntry, error) {
	switch d := obj.(type) {
	case *types.OrderedDict:
		out := make([]types.DictEntry, 0, d.Len())
		for el := d.List.Front(); el != nil; el = el.Next() {
			e, ok := el.Value.(*types.OrderedDictEntry)
			if !ok {
				return nil, fmt.Errorf("corrupt OrderedDict entry %T", el.Value)
			}
			out = append(out, types.DictEntry{Key: e.Key, Value: e.Value})
		}
		return out, nil
	case *types.Dict:
		return *d, nil
	}
	return nil, fmt.Errorf("holds a %T, not a dict of tensors", obj)
}

func allTensors(entries []types.DictEntry) bool {
	for _, e := range entries {
		if _, ok := e.Value.(*pickledTensor); !ok {
			return false
		}
	}
	return true
}

// buildStateDict materialises every entry, failing on non-string keys or
// non-tensor values (naming them). A key repeated in a plain dict keeps its
// last value, as Python does.
func buildStateDict(entries []types.DictEntry) (*StateDict, error) {
	sd := NewStateDict()
	budget := gatherBudget(entries)
	var bad []string
	for _, e := range entries {
		name, ok := e.Key.(string)
		if !ok {
			return nil, fmt.Errorf("state dict key %v is a %T, not a string", e.Key, e.Key)
		}
		pt, ok := e.Value.(*pickledTensor)
		if !ok {
			bad = append(bad, fmt.Sprintf("%q (%T)", name, e.Value))
			continue
		}
		t, err := materialize(name, pt, &budget)
		if err != nil {
			return nil, err
		}
		sd.Set(t)
	}
	if len(bad) > 0 {
		sort.Strings(bad)
		return nil, fmt.Errorf("entries that are not tensors: %v (expected a state dict, or one under \"state_dict\" or \"model\")", bad)
	}
	return sd, nil
}

// gatherBudget bounds the bytes all non-contiguous views together may be copied into: twice
// the bytes of the storages they view, plus maxExpandedBytes. Real checkpoints stay far
// below it (a transposed weight copies its storage once); without it, thousands of pickled
// views of one storage could claim memory a thousand times the file's size.
func gatherBudget(entries []types.DictEntry) int64 {
	budget := int64(maxExpandedBytes)
	seen := map[*storageRef]bool{}
	for _, e := range entries {
		if pt, ok := e.Value.(*pickledTensor); ok && pt.storage != nil && !seen[pt.storage] {
			seen[pt.storage] = true
			budget += 2 * int64(len(pt.storage.data))
		}
	}
	return budget
}
