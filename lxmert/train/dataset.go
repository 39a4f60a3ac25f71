package train

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/lxmert-go/golxmert/binding"
	"github.com/lxmert-go/golxmert/lxmert"
	"github.com/lxmert-go/golxmert/lxmert/features"
	"github.com/lxmert-go/golxmert/lxmert/vqa"
)

// item is an example resolved against the answer set.
type item struct {
	ex      Example
	targets map[int]float64 // label id -> soft score (soft) or the one answer with 1 (hard)
}

// dataset is a list of resolved examples with what batching needs.
type dataset struct {
	items   []item
	soft    bool // VQA soft scores (BCE) rather than single answers (cross-entropy)
	skipped int  // examples with no answer in the answer set (not in items unless evaluating)
	feats   features.Source
	enc     *vqa.Encoder
	labels  *vqa.Labels
}

// resolve maps examples to label ids, dropping answers outside labels and counting the
// examples left with none: training skips them, evaluation keeps them (they score 0, as in
// the original LXMERT, so that accuracy is over the whole evaluation set). It checks that
// every image exists and that the first has the model's feature size; mixed label kinds
// (maps and strings) are an error. path (the examples' file) is for messages.
func resolve(path string, exs []Example, labels *vqa.Labels, src features.Source, enc *vqa.Encoder, forEval bool) (*dataset, error) {
	d := &dataset{feats: src, enc: enc, labels: labels}
	known := map[string]bool{}
	for _, id := range src.IDs() {
		known[id] = true
	}
	kind := map[bool]string{true: "a map of answer scores", false: "a single answer"}
	for i, ex := range exs {
		if !known[ex.ImageID] {
			return nil, fmt.Errorf("train: %s: img_id %q is not in %s", ex.where, ex.ImageID, src.Path())
		}
		soft := ex.Scores != nil
		if i == 0 {
			d.soft = soft
		} else if soft != d.soft {
			return nil, fmt.Errorf("train: %s: the label is %s but in %s it is %s; use one kind throughout", ex.where, kind[soft], exs[0].where, kind[d.soft])
		}
		it := item{ex: ex, targets: map[int]float64{}}
		if soft {
			for a, v := range ex.Scores {
				if id, ok := labels.ID(a); ok {
					it.targets[id] = v
				}
			}
		} else if id, ok := labels.ID(ex.Answer); ok {
			it.targets[id] = 1
		}
		if len(it.targets) == 0 {
			d.skipped++
			if !forEval {
				continue
			}
		}
		d.items = append(d.items, it)
	}
	if d.skipped == len(exs) {
		return nil, fmt.Errorf("train: %s: none of its %d examples has an answer in the answer set (%d answers: %s)", path, len(exs), labels.Len(), preview(labels.Names))
	}
	// The model's feature size is checked here, on the first image, rather than at the
	// first batch, after --out was created.
	img, err := src.Image(d.items[0].ex.ImageID)
	if err != nil {
		return nil, fmt.Errorf("train: %s: %w", d.items[0].ex.where, err)
	}
	if img.FeatDim != enc.FeatDim {
		return nil, fmt.Errorf("train: %s: image %q has features of size %d but the model's visual_feat_dim is %d", src.Path(), img.ID, img.FeatDim, enc.FeatDim)
	}
	return d, nil
}

// order is the example order of one epoch: file order, or a permutation seeded by
// (seed, epoch) so that a resumed run sees the same batches.
func (d *dataset) order(epoch int, seed uint64, shuffle bool) []int {
	if !shuffle {
		idx := make([]int, len(d.items))
		for i := range idx {
			idx[i] = i
		}
		return idx
	}
	return rand.New(rand.NewPCG(seed, uint64(epoch))).Perm(len(d.items))
}

// batch builds the inputs and the loss target tensor of the examples at idx, in s.
func (d *dataset) batch(s *binding.Scope, idx []int) (lxmert.Inputs, binding.Tensor, error) {
	qs := make([]string, len(idx))
	imgs := make([]*features.Image, len(idx))
	for i, k := range idx {
		it := d.items[k]
		qs[i] = it.ex.Sent
		img, err := d.feats.Image(it.ex.ImageID)
		if err != nil {
			return lxmert.Inputs{}, binding.Tensor{}, fmt.Errorf("train: %s: %w", it.ex.where, err)
		}
		imgs[i] = img
	}
	b, err := d.enc.Encode(qs, imgs)
	if err != nil {
		return lxmert.Inputs{}, binding.Tensor{}, err
	}
	in, err := b.Inputs(s)
	if err != nil {
		return lxmert.Inputs{}, binding.Tensor{}, err
	}
	return in, d.targets(s, idx), s.Err()
}

// targets is [n, labels] float soft scores, or [n] int64 answer ids for cross-entropy.
func (d *dataset) targets(s *binding.Scope, idx []int) binding.Tensor {
	n := d.labels.Len()
	if !d.soft {
		ids := make([]int64, len(idx))
		for i, k := range idx {
			for id := range d.items[k].targets {
				ids[i] = int64(id)
			}
		}
		return s.FromInt64(ids, int64(len(idx)))
	}
	t := make([]float32, len(idx)*n)
	for i, k := range idx {
		for id, v := range d.items[k].targets {
			t[i*n+id] = float32(v)
		}
	}
	return s.FromFloat32(t, int64(len(idx)), int64(n))
}

// preview lists the first few names.
func preview(names []string) string {
	const n = 5
	if len(names) <= n {
		return strings.Join(names, ", ")
	}
	return strings.Join(names[:n], ", ") + ", …"
}
