package weights

import (
	"fmt"
	"strings"
)

// originalPrefixes rewrite the leading path of original LXMERT keys to the
// HF names, longest first. The original repository
// (github.com/airsplay/lxmert, src/lxrt/modeling.py) names the encoder's
// submodules exactly as HF does (embeddings, encoder.layer, encoder.r_layers,
// encoder.x_layers, encoder.visn_fc, pooler) and the pre-training heads too
// (cls.predictions, cls.seq_relationship, obj_predict_head, answer_head);
// only the roots differ:
//
//	bert.                     -> lxmert.              (model_LXRT.pth, pre-training)
//	lxrt_encoder.model.bert.  -> lxmert.              (fine-tuned VQA/GQA/NLVR2 models)
//	logit_fc.                 -> answer_head.logit_fc. (the fine-tuned answer head)
var originalPrefixes = []struct{ from, to string }{
	{"lxrt_encoder.model.bert.", "lxmert."},
	{"bert.", "lxmert."},
	{"logit_fc.", "answer_head.logit_fc."},
}

// MapOriginalKeys returns a StateDict whose keys follow HF LXMERT naming,
// given one saved by the original LXMERT code. It
//   - drops every "module" path component (torch.nn.DataParallel inserts it
//     at the wrapped level: "module.bert.x" or "lxrt_encoder.model.module.bert.x");
//   - rewrites the roots listed above ("bert." and "lxrt_encoder.model.bert."
//     become "lxmert.", a top-level "logit_fc." becomes "answer_head.logit_fc.");
//   - renames a final "gamma"/"beta" component to "weight"/"bias" (old
//     TensorFlow-style LayerNorm names), as HF's loader does.
//
// Keys it does not recognise are kept unchanged, so a strict loader (see
// CheckKeys) reports them. HF keys pass through untouched. Two input keys
// that map to the same output key are an error naming both. Tensors are
// shared with sd, not copied.
func MapOriginalKeys(sd *StateDict) (*StateDict, error) {
	out := NewStateDict()
	from := map[string]string{}
	for name, t := range sd.All() {
		key := MapOriginalKey(name)
		if prev, ok := from[key]; ok {
			return nil, fmt.Errorf("weights: keys %q and %q both map to %q", prev, name, key)
		}
		from[key] = name
		mapped := *t
		mapped.Name = key
		out.Set(&mapped)
	}
	return out, nil
}

// MapOriginalKey maps one original LXMERT key to its HF name; see
// MapOriginalKeys for the rules.
func MapOriginalKey(name string) string {
	parts := strings.Split(name, ".")
	kept := parts[:0:0]
	for _, p := range parts {
		if p != "module" {
			kept = append(kept, p)
		}
	}
	if n := len(kept); n > 1 {
		switch kept[n-1] {
		case "gamma":
			kept[n-1] = "weight"
		case "beta":
			kept[n-1] = "bias"
		}
	}
	key := strings.Join(kept, ".")
	for _, p := range originalPrefixes {
		if strings.HasPrefix(key, p.from) {
			return p.to + strings.TrimPrefix(key, p.from)
		}
	}
	return key
}
