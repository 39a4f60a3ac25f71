package vqa

import (
	"fmt"

	"github.com/lxmert-go/golxmert/binding"
	"github.com/lxmert-go/golxmert/lxmert"
	"github.com/lxmert-go/golxmert/lxmert/features"
	"github.com/lxmert-go/golxmert/tokenizer"
)

// DefaultMaxLength is the question length of the original LXMERT VQA recipe (tokens,
// [CLS] and [SEP] included).
const DefaultMaxLength = 20

// Encoder turns questions and images into model inputs. It is safe for concurrent use.
type Encoder struct {
	Tok       *tokenizer.LxmertTokenizerFast
	MaxLength int // 0: DefaultMaxLength
	FeatDim   int // the model's visual_feat_dim, checked against every image
}

// Batch is one batch's host data, ready to become tensors.
type Batch struct {
	N, Len, Boxes int
	IDs, TypeIDs  []int64
	Mask          []int64
	Feats, Pos    []float32
	VisualMask    []float32 // nil when every image has Boxes regions
}

// Encode tokenizes each question as `[CLS] tokens[:L-2] [SEP]` padded to L (HF's LXMERT
// demo), and pads images with fewer regions than the largest to its box count, masking the
// padding out.
func (e *Encoder) Encode(questions []string, images []*features.Image) (*Batch, error) {
	if len(questions) != len(images) || len(questions) == 0 {
		return nil, fmt.Errorf("vqa: %d questions and %d images (want the same number, at least one)", len(questions), len(images))
	}
	L := e.MaxLength
	if L == 0 {
		L = DefaultMaxLength
	}
	if L < 3 {
		return nil, fmt.Errorf("vqa: max length %d leaves no room for a question between [CLS] and [SEP]", L)
	}
	b := &Batch{N: len(questions), Len: L}
	opts := tokenizer.EncodeOptions{Truncation: tokenizer.LongestFirst, Padding: tokenizer.PadMaxLength, MaxLength: L}
	for i, q := range questions {
		enc, err := e.Tok.EncodeWith(tokenizer.Input{Text: q}, opts)
		if err != nil {
			return nil, fmt.Errorf("vqa: question %d: %w", i, err)
		}
		if enc.Len() != L {
			return nil, fmt.Errorf("vqa: question %d encoded to %d tokens, want %d", i, enc.Len(), L)
		}
		for j := range enc.IDs {
			b.IDs = append(b.IDs, int64(enc.IDs[j]))
			b.TypeIDs = append(b.TypeIDs, int64(enc.TypeIDs[j]))
			b.Mask = append(b.Mask, int64(enc.AttentionMask[j]))
		}
	}
	for i, img := range images {
		if img == nil || img.NumBoxes < 1 {
			return nil, fmt.Errorf("vqa: image %d has no regions", i)
		}
		if img.FeatDim != e.FeatDim || len(img.Features) != img.NumBoxes*img.FeatDim || len(img.Boxes) != 4*img.NumBoxes {
			return nil, fmt.Errorf("vqa: image %q: %d regions of %d features (%d values) and %d box values; the model wants %d features per region", img.ID, img.NumBoxes, img.FeatDim, len(img.Features), len(img.Boxes), e.FeatDim)
		}
		b.Boxes = max(b.Boxes, img.NumBoxes)
	}
	b.Feats = make([]float32, b.N*b.Boxes*e.FeatDim)
	b.Pos = make([]float32, b.N*b.Boxes*4)
	for i, img := range images {
		copy(b.Feats[i*b.Boxes*e.FeatDim:], img.Features)
		copy(b.Pos[i*b.Boxes*4:], img.Boxes)
		if img.NumBoxes < b.Boxes && b.VisualMask == nil {
			b.VisualMask = make([]float32, b.N*b.Boxes)
		}
	}
	if b.VisualMask != nil {
		for i, img := range images {
			for j := 0; j < img.NumBoxes; j++ {
				b.VisualMask[i*b.Boxes+j] = 1
			}
		}
	}
	return b, nil
}

// Inputs copies the batch into tensors owned by s.
func (b *Batch) Inputs(s *binding.Scope) (lxmert.Inputs, error) {
	n, l, r := int64(b.N), int64(b.Len), int64(b.Boxes)
	in := lxmert.Inputs{
		InputIDs:      s.FromInt64(b.IDs, n, l),
		TokenTypeIDs:  s.FromInt64(b.TypeIDs, n, l),
		AttentionMask: s.FromInt64(b.Mask, n, l),
		VisualFeats:   s.FromFloat32(b.Feats, n, r, int64(len(b.Feats))/(n*r)),
		VisualPos:     s.FromFloat32(b.Pos, n, r, 4),
	}
	if b.VisualMask != nil {
		in.VisualAttentionMask = s.FromFloat32(b.VisualMask, n, r)
	}
	if err := s.Err(); err != nil {
		return lxmert.Inputs{}, fmt.Errorf("vqa: batch tensors: %w", err)
	}
	return in, nil
}
