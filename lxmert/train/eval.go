package train

import (
	"context"

	"github.com/lxmert-go/golxmert/binding"
	"github.com/lxmert-go/golxmert/lxmert"
)

// Accuracy is VQA accuracy: the mean, over examples, of the predicted answer's score in the
// label (1 or 0 for single-answer labels), overall and per question_type.
type Accuracy struct {
	Overall float64            `json:"eval_accuracy"`
	ByType  map[string]float64 `json:"eval_accuracy_by_type,omitempty"`
	N       int                `json:"eval_examples"`
}

// evaluate runs eval-mode forwards over d in batches and scores the argmax answers.
func evaluate(ctx context.Context, m *lxmert.LxmertForQuestionAnswering, d *dataset, batch int) (Accuracy, error) {
	wasTraining := m.Lxmert.Training()
	m.Eval()
	defer func() {
		if wasTraining {
			m.Train()
		}
	}()
	sum, typeSum, typeN := 0.0, map[string]float64{}, map[string]int{}
	for start := 0; start < len(d.items); start += batch {
		if err := ctx.Err(); err != nil {
			return Accuracy{}, err
		}
		idx := make([]int, 0, batch)
		for k := start; k < min(start+batch, len(d.items)); k++ {
			idx = append(idx, k)
		}
		pred, err := predict(m, d, idx)
		if err != nil {
			return Accuracy{}, err
		}
		for i, k := range idx {
			it := d.items[k]
			score := it.targets[int(pred[i])]
			sum += score
			if it.ex.Type != "" {
				typeSum[it.ex.Type] += score
				typeN[it.ex.Type]++
			}
		}
	}
	acc := Accuracy{Overall: sum / float64(len(d.items)), N: len(d.items)}
	if len(typeN) > 0 {
		acc.ByType = map[string]float64{}
		for t, n := range typeN {
			acc.ByType[t] = typeSum[t] / float64(n)
		}
	}
	return acc, nil
}

func predict(m *lxmert.LxmertForQuestionAnswering, d *dataset, idx []int) ([]int64, error) {
	s := binding.NewScope()
	defer s.Close()
	in, _, err := d.batch(s, idx)
	if err != nil {
		return nil, err
	}
	out, err := m.ForwardScope(s, in, nil, lxmert.Options{})
	if err != nil {
		return nil, err
	}
	pred := s.Int64s(s.Argmax(out.QuestionAnsweringScore, -1))
	return pred, s.Err()
}
