package lxmert

import (
	"fmt"

	"github.com/lxmert-go/golxmert/binding"
)

// ignoreIndex is CrossEntropyLoss's default ignore_index.
const ignoreIndex = -100

// ce is HF's CrossEntropyLoss over flattened logits [*, n] and targets [*].
func ce(r run, logits, target binding.Tensor, n int64, red binding.Reduction) binding.Tensor {
	s := r.s
	return s.CrossEntropy(s.Reshape(logits, -1, n), s.Reshape(target, -1), ignoreIndex, red)
}

// loss adds, in HF's order, masked LM, matched, visual (obj, attr, feat) and answer losses,
// each only when its labels are given and its task is on. Starting from 0 keeps the sums
// bit-identical with HF's total_loss = tensor(0.0); total_loss += ….
func (m *LxmertForPreTraining) loss(r run, l *PreTrainingLabels, out *LxmertForPreTrainingOutput, visn binding.Tensor) (binding.Tensor, error) {
	s, c := r.s, m.Config
	total := s.Zeros(binding.Float32)
	if present(l.Labels) && c.TaskMaskLM {
		total = s.Add(total, ce(r, out.PredictionLogits, l.Labels, int64(c.VocabSize), binding.ReduceMean))
	}
	if present(l.MatchedLabel) && c.TaskMatched {
		total = s.Add(total, ce(r, out.CrossRelationshipScore, l.MatchedLabel, 2, binding.ReduceMean))
	}
	if l.ObjLabels != nil && c.TaskObjPredict {
		known := map[string]bool{}
		for _, vl := range m.ObjPredictHead.losses {
			known[vl.key] = true
		}
		for key := range l.ObjLabels {
			if !known[key] {
				return binding.Tensor{}, &InputError{"obj_labels", fmt.Sprintf("%q is not a visual loss of this config (obj, attr, feat as enabled)", key)}
			}
		}
		visual := s.Zeros(binding.Float32)
		scores := m.ObjPredictHead.forward(r, visn)
		for _, vl := range m.ObjPredictHead.losses {
			lab, ok := l.ObjLabels[vl.key]
			if !ok || !present(lab.Label) || !present(lab.Conf) {
				return binding.Tensor{}, &InputError{"obj_labels", fmt.Sprintf("missing label or confidence for %q", vl.key)}
			}
			var per binding.Tensor
			if vl.feat {
				pred := s.Reshape(scores[vl.key], -1, int64(vl.num))
				per = s.MeanDim(s.SmoothL1(pred, s.Reshape(lab.Label, -1, int64(vl.num)), binding.ReduceNone, 1.0), 1, false)
			} else {
				per = ce(r, scores[vl.key], lab.Label, int64(vl.num), binding.ReduceNone)
			}
			weighted := s.MulScalar(s.Mean(s.Mul(per, s.Reshape(lab.Conf, -1))), c.VisualLossNormalizer)
			visual = s.Add(visual, weighted)
		}
		total = s.Add(total, visual)
	}
	if present(l.Ans) && c.TaskQA {
		total = s.Add(total, ce(r, out.QuestionAnsweringScore, l.Ans, int64(c.NumQALabels), binding.ReduceMean))
	}
	return total, s.Err()
}
