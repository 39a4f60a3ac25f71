package vqa

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/lxmert-go/golxmert/binding"
	"github.com/lxmert-go/golxmert/lxmert/features"
	"github.com/lxmert-go/golxmert/tokenizer"
)

func image(id string, boxes, dim int) *features.Image {
	img := &features.Image{ID: id, NumBoxes: boxes, FeatDim: dim, Features: make([]float32, boxes*dim), Boxes: make([]float32, 4*boxes)}
	for i := range img.Features {
		img.Features[i] = float32(i + 1)
	}
	for i := range img.Boxes {
		img.Boxes[i] = 0.5
	}
	return img
}

// Questions become [CLS] tokens[:L-2] [SEP] padded to L; images with fewer regions are
// padded with zeros and masked out; equal counts need no visual mask.
func TestEncode(t *testing.T) {
	tok, err := tokenizer.NewFast(tokenizer.Options{})
	require.NoError(t, err)
	e := &Encoder{Tok: tok, MaxLength: 6, FeatDim: 2}
	b, err := e.Encode([]string{"what color is the cat on the mat?", "yes?"}, []*features.Image{image("a", 3, 2), image("b", 1, 2)})
	require.NoError(t, err)
	require.Equal(t, 6, b.Len)
	require.Equal(t, 3, b.Boxes)
	cls, sep := int64(101), int64(102)
	require.Equal(t, cls, b.IDs[0])
	require.Equal(t, sep, b.IDs[5], "long questions are cut to L-2 tokens")
	require.Equal(t, []int64{1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0}, b.Mask) // "yes?" is [CLS] yes ? [SEP]
	require.Equal(t, []float32{1, 1, 1, 1, 0, 0}, b.VisualMask)
	require.Equal(t, []float32{1, 2, 0, 0, 0, 0}, b.Feats[6:], "padding regions are zeros")

	same, err := e.Encode([]string{"a", "b"}, []*features.Image{image("a", 2, 2), image("b", 2, 2)})
	require.NoError(t, err)
	require.Nil(t, same.VisualMask)

	s := binding.NewScope()
	defer s.Close()
	in, err := b.Inputs(s)
	require.NoError(t, err)
	require.Equal(t, []int64{2, 3, 2}, s.Shape(in.VisualFeats))
	require.Equal(t, []int64{2, 3}, s.Shape(in.VisualAttentionMask))
}

func TestEncodeErrors(t *testing.T) {
	tok, err := tokenizer.NewFast(tokenizer.Options{})
	require.NoError(t, err)
	e := &Encoder{Tok: tok, FeatDim: 2}
	_, err = e.Encode([]string{"q"}, nil)
	require.ErrorContains(t, err, "1 questions and 0 images")
	_, err = e.Encode([]string{"q"}, []*features.Image{image("x", 2, 3)})
	require.ErrorContains(t, err, `image "x"`)
	_, err = e.Encode([]string{"q"}, []*features.Image{image("x", 0, 2)})
	require.ErrorContains(t, err, "no regions")
	_, err = (&Encoder{Tok: tok, FeatDim: 2, MaxLength: 2}).Encode([]string{"q"}, []*features.Image{image("x", 1, 2)})
	require.ErrorContains(t, err, "no room")
}
