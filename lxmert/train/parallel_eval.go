package train

import (
	"context"
	"sort"

	"github.com/lxmert-go/golxmert/lxmert"
)

// evaluate is evaluate for a group: rank r scores examples r, r+N, … and the sums are
// all-reduced, so every rank gets the accuracy over the whole set. A Ctrl-C on any rank
// (ctx) is agreed on at the end and returns errStop on every rank.
func (dp *dataParallel) evaluate(ctx context.Context, m *lxmert.LxmertForQuestionAnswering, d *dataset, batch int) (Accuracy, error) {
	wasTraining := m.Lxmert.Training()
	m.Eval()
	defer func() {
		if wasTraining {
			m.Train()
		}
	}()
	var types []string
	slot := map[string]int{}
	for _, it := range d.items {
		if _, ok := slot[it.ex.Type]; !ok && it.ex.Type != "" {
			slot[it.ex.Type] = 0
			types = append(types, it.ex.Type)
		}
	}
	sort.Strings(types)
	for i, t := range types {
		slot[t] = i
	}
	// sums: overall score, then per type its score and count, then the stop flag.
	sums := make([]float64, 1+2*len(types)+1)
	var mine []int
	for k := dp.rank; k < len(d.items); k += dp.size {
		mine = append(mine, k)
	}
	for start := 0; start < len(mine); start += batch {
		idx := mine[start:min(start+batch, len(mine))]
		pred, err := predict(m, d, idx)
		if err != nil {
			return Accuracy{}, err
		}
		for i, k := range idx {
			it := d.items[k]
			score := it.targets[int(pred[i])]
			sums[0] += score
			if it.ex.Type != "" {
				sums[1+2*slot[it.ex.Type]] += score
				sums[2+2*slot[it.ex.Type]]++
			}
		}
	}
	if ctx.Err() != nil {
		sums[len(sums)-1] = 1
	}
	sums, err := dp.g.SumFloat64s(sums)
	if err != nil {
		return Accuracy{}, err
	}
	if sums[len(sums)-1] > 0 {
		return Accuracy{}, errStop
	}
	acc := Accuracy{Overall: sums[0] / float64(len(d.items)), N: len(d.items)}
	if len(types) > 0 {
		acc.ByType = map[string]float64{}
		for i, t := range types {
			acc.ByType[t] = sums[1+2*i] / sums[2+2*i]
		}
	}
	return acc, nil
}
