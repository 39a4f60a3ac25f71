package answer

import (
	"context"
	"fmt"

	"github.com/lxmert-go/golxmert/lxmert/features"
)

// Item is one question about one image, with its own number of answers.
type Item struct {
	Image    *features.Image
	Question string
	TopK     int // answers for this item; 0 means the Answerer's TopK
}

// AskItems answers every item in one forward, each with its own TopK (capped at the number
// of labels). As with AskBatch, padding and masks make each answer equal the one Ask gives
// within float tolerance, so a server may batch unrelated requests together.
func (a *Answerer) AskItems(ctx context.Context, items []Item) ([]*Result, error) {
	images := make([]*features.Image, len(items))
	questions := make([]string, len(items))
	for i, it := range items {
		if it.TopK < 0 {
			return nil, fmt.Errorf("answer: item %d: negative TopK %d", i, it.TopK)
		}
		images[i], questions[i] = it.Image, it.Question
	}
	probs, _, err := a.forward(ctx, images, questions, false)
	if err != nil {
		return nil, err
	}
	n := a.Labels.Len()
	out := make([]*Result, len(items))
	for i, it := range items {
		k := it.TopK
		if k == 0 {
			k = a.topK
		}
		out[i] = &Result{ImageID: it.Image.ID, Question: it.Question, Answers: a.rankK(probs[i*n:(i+1)*n], k)}
	}
	return out, nil
}

// NumLabels is the number of answers the model chooses from (the largest useful TopK).
func (a *Answerer) NumLabels() int { return a.Labels.Len() }

// FeatDim is the region feature dimension the model reads (visual_feat_dim).
func (a *Answerer) FeatDim() int { return a.Model.Config.VisualFeatDim }

// TopK is the number of answers Ask returns.
func (a *Answerer) TopK() int { return a.topK }

// Check reports whether img can be asked about: a valid image with at least one region of
// the model's feature dimension. Ask would fail on the same images; Check says so before a
// caller puts the image into a batch with others.
func (a *Answerer) Check(img *features.Image) error {
	if err := img.Validate(); err != nil {
		return fmt.Errorf("answer: %w", err)
	}
	if img.NumBoxes < 1 {
		return fmt.Errorf("answer: image %q has no regions", img.ID)
	}
	if img.FeatDim != a.FeatDim() {
		return fmt.Errorf("answer: image %q has %d features per region; the model wants %d", img.ID, img.FeatDim, a.FeatDim())
	}
	return nil
}
