package weights

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"unsafe"
)

// FromTF maps a state dict keyed by the dataset paths of a Keras weights file
// (LAYER/SCOPE/.../NAME:0, see TFDatasetToPT) onto HF PyTorch names, transposing dense
// kernels. It also returns, for every PyTorch name, the dataset it came from.
//
// Keras stores a weight shared by two layers once per layer (TFLxmertForPreTraining's "cls"
// layer holds a copy of the word embeddings it is tied to): copies with identical contents
// are one parameter; copies that differ are an error naming both datasets. A dataset whose
// path is not a layer weight, or a kernel that is not 2-D, is an error too.
func FromTF(sd *StateDict) (*StateDict, map[string]string, error) {
	return fromTF(sd, TFDatasetToPT)
}

// FromTFWeights is FromTF for the layouts that store each variable once, under its name
// without the model scope ("lxmert/encoder/layer_._0/attention/self/query/kernel:0"): HF's
// sharded tf_model-*.h5 and the model.safetensors HF's TF models write with
// safe_serialization (metadata format "tf").
func FromTFWeights(sd *StateDict) (*StateDict, map[string]string, error) {
	return fromTF(sd, func(name string) (string, bool, error) {
		pt, transpose := TFWeightToPT("scope/" + name)
		return pt, transpose, nil
	})
}

func fromTF(sd *StateDict, toPT func(string) (string, bool, error)) (*StateDict, map[string]string, error) {
	out := NewStateDict()
	source := map[string]string{}
	for path, t := range sd.All() {
		pt, transpose, err := toPT(path)
		if err != nil {
			return nil, nil, err
		}
		mapped := *t
		mapped.Name = pt
		if transpose {
			if len(t.Shape) != 2 {
				return nil, nil, fmt.Errorf("dataset %q: a dense kernel must be 2-D, got shape %v", path, t.Shape)
			}
			if mapped.Data, err = transpose2D(t); err != nil {
				return nil, nil, fmt.Errorf("dataset %q: %w", path, err)
			}
			mapped.Shape = []int64{t.Shape[1], t.Shape[0]}
		}
		if prev, dup := out.Get(pt); dup {
			if prev.DType != mapped.DType || !slices.Equal(prev.Shape, mapped.Shape) || !bytes.Equal(prev.Data, mapped.Data) {
				return nil, nil, fmt.Errorf("datasets %q and %q both hold %s but differ", source[pt], path, pt)
			}
			continue
		}
		out.Set(&mapped)
		source[pt] = path
	}
	return out, source, nil
}

// transpose2D returns the bytes of t's transpose (any element size), in tiles so that both
// sides stay in cache: LXMERT-base's kernels are ~200 M elements.
func transpose2D(t *Tensor) ([]byte, error) {
	if err := t.Validate(); err != nil {
		return nil, err
	}
	rows, cols, size := int(t.Shape[0]), int(t.Shape[1]), t.DType.ItemSize()
	out := make([]byte, len(t.Data))
	if size == 4 && len(out) > 0 && uintptr(unsafe.Pointer(&t.Data[0]))%4 == 0 {
		src := unsafe.Slice((*uint32)(unsafe.Pointer(&t.Data[0])), rows*cols)
		dst := unsafe.Slice((*uint32)(unsafe.Pointer(&out[0])), rows*cols)
		const tile = 64
		for r0 := 0; r0 < rows; r0 += tile {
			for c0 := 0; c0 < cols; c0 += tile {
				for r := r0; r < min(r0+tile, rows); r++ {
					for c := c0; c < min(c0+tile, cols); c++ {
						dst[c*rows+r] = src[r*cols+c]
					}
				}
			}
		}
		return out, nil
	}
	for r := 0; r < rows; r++ {
		for c := 0; c < cols; c++ {
			copy(out[(c*rows+r)*size:(c*rows+r+1)*size], t.Data[(r*cols+c)*size:(r*cols+c+1)*size])
		}
	}
	return out, nil
}

// TFWeight is one dataset of a Keras weights file: the top-level layer that holds it, the
// variable name (the dataset's path under that layer) and its contents.
type TFWeight struct {
	Layer  string
	Name   string
	Tensor *Tensor
}

// ToTF lays out an HF PyTorch state dict as the datasets of a Keras weights file for the
// TF model whose scope is given (tf_lxmert_model, tf_lxmert_for_pre_training): names as
// PTToTFWeight, dense kernels transposed, layers in order of first appearance. The tied
// decoder weight (cls.predictions.decoder.weight) is left out, and a model with the "cls"
// layer gets a copy of the embeddings in it, as Keras writes a shared weight.
func ToTF(sd *StateDict, scope string) ([]TFWeight, error) {
	var out []TFWeight
	var embeddings []TFWeight
	hasCls := false
	for pt, t := range sd.All() {
		if pt == "cls.predictions.decoder.weight" {
			continue
		}
		name, transpose := PTToTFWeight(pt, scope)
		layer, _, _ := strings.Cut(strings.TrimPrefix(name, scope+"/"), "/")
		w := TFWeight{Layer: layer, Name: name, Tensor: t}
		if transpose {
			if len(t.Shape) != 2 {
				return nil, fmt.Errorf("weights: %s: a dense weight must be 2-D, got shape %v", pt, t.Shape)
			}
			data, err := transpose2D(t)
			if err != nil {
				return nil, fmt.Errorf("weights: %s: %w", pt, err)
			}
			w.Tensor = &Tensor{Name: name, DType: t.DType, Shape: []int64{t.Shape[1], t.Shape[0]}, Data: data}
		}
		if strings.HasPrefix(name, scope+"/lxmert/embeddings/") {
			embeddings = append(embeddings, w)
		}
		hasCls = hasCls || layer == "cls"
		out = append(out, w)
	}
	if hasCls {
		for _, e := range embeddings {
			e.Layer = "cls"
			out = append(out, e)
		}
	}
	return out, nil
}
