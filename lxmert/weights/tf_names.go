package weights

import (
	"fmt"
	"regexp"
	"strings"
)

// TF↔PyTorch naming, as HF's cross-loading (modeling_tf_pytorch_utils) converts names.
//
// A Keras weights file (tf_model.h5) stores a weight at LAYER/WEIGHT_NAME, where LAYER is a
// top-level Keras layer of the model ("lxmert", "cls", "obj_predict_head", "answer_head") and
// WEIGHT_NAME is the variable's name, which starts with the model's own scope
// ("tf_lxmert_for_pre_training/lxmert/encoder/layer_._0/attention/self/query/kernel:0").

var tripleUnderscore = regexp.MustCompile(`/[^/]*___([^/]*)/`)

// TFWeightToPT converts a Keras variable name (with its model scope, as in the file's
// weight_names) to the HF PyTorch parameter name, as HF does: ":0" dropped, "A___B" levels
// become B, "_._" becomes a level separator (Keras lists: "layer_._3" is "layer.3"), the model
// scope is dropped, and the last level renamed: kernel → weight (transposed: Keras dense
// kernels are [in, out], PyTorch's [out, in]), embeddings and gamma → weight, beta → bias.
func TFWeightToPT(name string) (pt string, transpose bool) {
	name = strings.ReplaceAll(name, ":0", "")
	name = tripleUnderscore.ReplaceAllString(name, "/$1/")
	name = strings.ReplaceAll(name, "_._", "/")
	for strings.Contains(name, "//") {
		name = strings.ReplaceAll(name, "//", "/")
	}
	parts := strings.Split(strings.TrimSuffix(name, "/"), "/")
	if len(parts) > 1 {
		parts = parts[1:] // the model scope
	}
	last := &parts[len(parts)-1]
	switch *last {
	case "kernel":
		*last, transpose = "weight", true
	case "embeddings", "gamma":
		*last = "weight"
	case "beta":
		*last = "bias"
	}
	return strings.Join(parts, "."), transpose
}

// TFDatasetToPT converts the path of a dataset in a Keras weights file (LAYER/WEIGHT_NAME)
// to the PyTorch name; see TFWeightToPT. A path with fewer than three levels is not a layer
// weight and is an error.
func TFDatasetToPT(path string) (pt string, transpose bool, err error) {
	layer, weight, ok := strings.Cut(strings.TrimPrefix(path, "/"), "/")
	if !ok || layer == "" || !strings.Contains(weight, "/") {
		return "", false, fmt.Errorf("dataset %q is not a Keras layer weight (LAYER/MODEL_SCOPE/.../NAME:0)", path)
	}
	pt, transpose = TFWeightToPT(weight)
	return pt, transpose, nil
}

// TFScopeOf returns the model scope of a dataset path (its second level), "" if it has none.
func TFScopeOf(path string) string {
	parts := strings.SplitN(strings.TrimPrefix(path, "/"), "/", 3)
	if len(parts) < 3 {
		return ""
	}
	return parts[1]
}

// PTToTFWeight is the inverse of TFWeightToPT for LXMERT's parameters: the Keras variable
// name under scope (e.g. "tf_lxmert_model") and whether the tensor is stored transposed.
// Bare-model names (without "lxmert.") get the "lxmert" level the TF models always have.
func PTToTFWeight(pt, scope string) (name string, transpose bool) {
	parts := strings.Split(pt, ".")
	if isBackboneRoot(parts[0]) {
		parts = append([]string{"lxmert"}, parts...)
	}
	var levels []string
	for i := 0; i < len(parts); i++ {
		switch {
		case i+1 < len(parts) && isIndex(parts[i+1]):
			levels = append(levels, parts[i]+"_._"+parts[i+1]) // a Keras list item
			i++
			continue
		case parts[i] == "decoder_dict" && i+2 < len(parts):
			levels = append(levels, parts[i]+"."+parts[i+1]) // Keras layer "decoder_dict.obj"
			i++
			continue
		}
		levels = append(levels, parts[i])
	}
	n := len(levels)
	module := ""
	if n > 1 {
		module = levels[n-2]
	}
	switch last := &levels[n-1]; {
	case *last == "weight" && isLayerNorm(module):
		*last = "gamma"
	case *last == "bias" && isLayerNorm(module):
		*last = "beta"
	case *last == "weight" && (module == "token_type_embeddings" || module == "position_embeddings"):
		*last = "embeddings"
	case *last == "weight" && module != "word_embeddings":
		*last, transpose = "kernel", true
	}
	return scope + "/" + strings.Join(levels, "/") + ":0", transpose
}

// PTToTFDataset returns the dataset path of a PyTorch parameter in a Keras weights file:
// the variable name under its top-level layer (the first level after the scope).
func PTToTFDataset(pt, scope string) (path string, transpose bool) {
	name, transpose := PTToTFWeight(pt, scope)
	layer, _, _ := strings.Cut(strings.TrimPrefix(name, scope+"/"), "/")
	return layer + "/" + name, transpose
}

func isBackboneRoot(s string) bool { return s == "embeddings" || s == "encoder" || s == "pooler" }

func isIndex(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// isLayerNorm reports whether a (Keras-named) module of LXMERT is a LayerNormalization: the
// BERT-style "LayerNorm", the visual encoder's two, and the answer head's logit_fc[2].
func isLayerNorm(module string) bool {
	return module == "LayerNorm" || strings.HasSuffix(module, "_layer_norm") || module == "logit_fc_._2"
}
