// Package answer answers questions about images with an LXMERT question-answering model:
// model, tokenizer, answer labels and region features in, ranked answers out. One Answerer
// serves many goroutines.
package answer

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/lxmert-go/golxmert/binding"
	"github.com/lxmert-go/golxmert/lxmert"
	"github.com/lxmert-go/golxmert/lxmert/features"
	"github.com/lxmert-go/golxmert/lxmert/vqa"
	"github.com/lxmert-go/golxmert/tokenizer"
)

// Answer is one ranked answer with its probability (softmax over the QA logits).
type Answer struct {
	Answer string  `json:"answer"`
	Prob   float64 `json:"prob"`
}

// Result is the answers to one question.
type Result struct {
	ImageID  string   `json:"image_id"`
	Question string   `json:"question"`
	Answers  []Answer `json:"answers"`
}

// Options tune an Answerer. The zero value is valid.
type Options struct {
	TopK      int // answers per question; 0 means 5
	MaxLength int // question tokens, [CLS] and [SEP] included; 0 means 20
	// Precision of the forwards (lxmert.PrecisionBF16: about twice as fast,
	// lxmert.PrecisionInt8: about three times; answers agree with float32 on ≥ 99% of
	// questions); the zero value is float32.
	Precision lxmert.Precision
}

// Answerer holds a QA model, its tokenizer and its answer labels.
type Answerer struct {
	Model  *lxmert.LxmertForQuestionAnswering
	Labels *vqa.Labels
	enc    *vqa.Encoder
	topK   int
	prec   lxmert.Precision
}

// Load reads a model folder: config.json, weights, answer labels (id2label or the original
// LXMERT answer files) and vocab.txt (the embedded bert-base-uncased vocabulary when absent).
func Load(dir string, o Options) (*Answerer, error) {
	m, err := lxmert.LxmertForQuestionAnsweringFromPretrained(dir)
	if err != nil {
		return nil, err
	}
	labels, err := vqa.LoadLabels(dir, m.Config)
	if err != nil {
		m.Close()
		return nil, err
	}
	var tok *tokenizer.LxmertTokenizerFast
	if _, statErr := os.Stat(filepath.Join(dir, "vocab.txt")); statErr == nil {
		tok, err = tokenizer.FastFromPretrained(dir)
	} else {
		tok, err = tokenizer.NewFast(tokenizer.Options{})
	}
	if err != nil {
		m.Close()
		return nil, err
	}
	return New(m, labels, tok, o)
}

// New assembles an Answerer from parts; it takes ownership of m (Close frees it).
func New(m *lxmert.LxmertForQuestionAnswering, labels *vqa.Labels, tok *tokenizer.LxmertTokenizerFast, o Options) (*Answerer, error) {
	if m == nil || labels == nil || tok == nil {
		return nil, fmt.Errorf("answer: New needs a model, labels and a tokenizer (got %v, %v, %v)", m != nil, labels != nil, tok != nil)
	}
	if labels.Len() != m.Config.NumQALabels {
		return nil, fmt.Errorf("answer: %d answer labels for a model with num_qa_labels %d", labels.Len(), m.Config.NumQALabels)
	}
	if o.TopK < 0 || o.MaxLength < 0 {
		return nil, fmt.Errorf("answer: negative TopK %d or MaxLength %d", o.TopK, o.MaxLength)
	}
	if o.TopK == 0 {
		o.TopK = 5
	}
	m.Eval()
	if _, err := lxmert.ParsePrecision(o.Precision.String()); err != nil {
		return nil, fmt.Errorf("answer: %w", err)
	}
	return &Answerer{Model: m, Labels: labels, topK: o.TopK, prec: o.Precision,
		enc: &vqa.Encoder{Tok: tok, MaxLength: o.MaxLength, FeatDim: m.Config.VisualFeatDim}}, nil
}

var errNotBuilt = errors.New("answer: the Answerer was never built (use Load or New)")

// Close frees the model. Safe to call twice, or on a zero Answerer.
func (a *Answerer) Close() {
	if a != nil && a.Model != nil {
		a.Model.Close()
	}
}

// Ask answers one question about one image.
func (a *Answerer) Ask(ctx context.Context, img *features.Image, question string) (*Result, error) {
	res, err := a.AskBatch(ctx, []*features.Image{img}, []string{question})
	if err != nil {
		return nil, err
	}
	return res[0], nil
}

// AskBatch answers questions[i] about images[i] in one forward. Images with fewer regions
// are padded and masked, so each answer equals the one Ask gives (within float tolerance).
func (a *Answerer) AskBatch(ctx context.Context, images []*features.Image, questions []string) ([]*Result, error) {
	probs, _, err := a.forward(ctx, images, questions, false)
	if err != nil {
		return nil, err
	}
	n := a.Labels.Len()
	out := make([]*Result, len(questions))
	for i := range questions {
		out[i] = &Result{ImageID: images[i].ID, Question: questions[i], Answers: a.rank(probs[i*n : (i+1)*n])}
	}
	return out, nil
}

// forward returns the softmax probabilities [batch × labels] and, when asked, the last cross
// layer's attention [batch, heads, len, boxes] with the batch's shape.
func (a *Answerer) forward(ctx context.Context, images []*features.Image, questions []string, attn bool) ([]float32, *attention, error) {
	if a == nil || a.Model == nil || a.enc == nil {
		return nil, nil, errNotBuilt
	}
	if ctx == nil {
		ctx = context.Background()
	}
	if err := ctx.Err(); err != nil {
		return nil, nil, err
	}
	b, err := a.enc.Encode(questions, images)
	if err != nil {
		return nil, nil, fmt.Errorf("answer: %w", err)
	}
	s := binding.NewScope()
	defer s.Close()
	in, err := b.Inputs(s)
	if err != nil {
		return nil, nil, err
	}
	out, err := a.Model.ForwardScope(s, in, nil, lxmert.Options{OutputAttentions: attn, IgnoreConfigOutputs: true, Context: ctx, Precision: a.prec})
	if err != nil {
		return nil, nil, fmt.Errorf("answer: %w", err)
	}
	probs := s.Float32s(s.Softmax(out.QuestionAnsweringScore, -1))
	var at *attention
	if attn && len(out.CrossEncoderAttentions) > 0 {
		last := out.CrossEncoderAttentions[len(out.CrossEncoderAttentions)-1]
		at = &attention{shape: s.Shape(last), probs: s.Float32s(last), batch: b}
	}
	if err := s.Err(); err != nil {
		return nil, nil, fmt.Errorf("answer: %w", err)
	}
	return probs, at, nil
}
