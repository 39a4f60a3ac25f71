package answer

import (
	"context"
	"fmt"

	"github.com/lxmert-go/golxmert/lxmert/features"
	"github.com/lxmert-go/golxmert/lxmert/vqa"
)

// attention is one forward's last cross-layer attention (language to vision).
type attention struct {
	shape []int64 // [batch, heads, len, boxes]
	probs []float32
	batch *vqa.Batch
}

// Explained is a Result with the attention each region received from the question.
type Explained struct {
	Result
	// RegionAttention[j] is the attention region j received in the last cross-modality
	// layer, averaged over heads and over the question's tokens ([CLS] and [SEP] included,
	// padding excluded); it sums to 1 over the regions.
	RegionAttention []float64
}

// Explain answers like Ask and also returns the regions' attention.
func (a *Answerer) Explain(ctx context.Context, img *features.Image, question string) (*Explained, error) {
	probs, at, err := a.forward(ctx, []*features.Image{img}, []string{question}, true)
	if err != nil {
		return nil, err
	}
	if at == nil || len(at.shape) != 4 {
		return nil, fmt.Errorf("answer: the model returned no cross-modality attention")
	}
	heads, l, boxes := int(at.shape[1]), int(at.shape[2]), int(at.shape[3])
	weights := make([]float64, boxes)
	tokens := 0
	for t := 0; t < l; t++ {
		if at.batch.Mask[t] == 0 {
			continue
		}
		tokens++
		for h := 0; h < heads; h++ {
			row := at.probs[(h*l+t)*boxes : (h*l+t+1)*boxes]
			for j, v := range row {
				weights[j] += float64(v)
			}
		}
	}
	for j := range weights {
		weights[j] /= float64(heads * tokens)
	}
	return &Explained{
		Result:          Result{ImageID: img.ID, Question: question, Answers: a.rank(probs)},
		RegionAttention: weights[:img.NumBoxes],
	}, nil
}
