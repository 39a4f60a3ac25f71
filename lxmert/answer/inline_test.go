package answer

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// InlineImage normalises pixel boxes in float32 (as the TSV reader), keeps normalised ones,
// and names what is wrong with a bad input.
func TestInlineImage(t *testing.T) {
	feats := [][]float32{{1, 2, 3}, {4, 5, 6}}
	img, err := InlineImage("px", feats, [][]float32{{0, 0, 640, 480}, {10, 20, 30, 40}}, 640, 480)
	require.NoError(t, err)
	require.Equal(t, 2, img.NumBoxes)
	require.Equal(t, 3, img.FeatDim)
	require.Equal(t, []float32{1, 2, 3, 4, 5, 6}, img.Features)
	w, h := float32(640), float32(480)
	require.Equal(t, []float32{0, 0, 1, 1, 10 / w, 20 / h, 30 / w, 40 / h}, img.Boxes)
	require.Equal(t, 640, img.Width)

	img, err = InlineImage("norm", feats, [][]float32{{0, 0, 1, 1}, {0.1, 0.2, 0.3, 0.4}}, 0, 0)
	require.NoError(t, err)
	require.Equal(t, []float32{0, 0, 1, 1, 0.1, 0.2, 0.3, 0.4}, img.Boxes)

	for name, tc := range map[string]struct {
		feats, boxes [][]float32
		w, h         int
		want         string
	}{
		"empty":       {nil, nil, 0, 0, "no regions"},
		"box count":   {feats, [][]float32{{0, 0, 1, 1}}, 0, 0, "1 boxes for 2 feature rows"},
		"ragged":      {[][]float32{{1, 2}, {3}}, [][]float32{{0, 0, 1, 1}, {0, 0, 1, 1}}, 0, 0, "features row 1 has 1 values, row 0 has 2"},
		"box values":  {feats, [][]float32{{0, 0, 1, 1}, {0, 0, 1}}, 0, 0, "box 1 has 3 values, want 4"},
		"one side":    {feats, [][]float32{{0, 0, 1, 1}, {0, 0, 1, 1}}, 640, 0, "give img_w and img_h together"},
		"negative":    {feats, [][]float32{{0, 0, 1, 1}, {0, 0, 1, 1}}, -1, -1, "outside [1, 65536]"},
		"unordered":   {feats, [][]float32{{0, 0, 1, 1}, {0.5, 0, 0.4, 1}}, 0, 0, "x1 > x2"},
		"pixel boxes": {feats, [][]float32{{0, 0, 1, 1}, {0, 0, 300, 200}}, 0, 0, "not normalised to [0, 1] (pixel boxes need img_w and img_h)"},
		"outside":     {feats, [][]float32{{0, 0, 1, 1}, {0, 0, 700, 200}}, 640, 480, "lies outside the 640x480"},
		"not finite":  {[][]float32{{1, float32(math.Inf(1))}}, [][]float32{{0, 0, 1, 1}}, 0, 0, "features[1] = +Inf is not finite"},
	} {
		_, err := InlineImage("x", tc.feats, tc.boxes, tc.w, tc.h)
		require.ErrorContains(t, err, tc.want, name)
		require.ErrorContains(t, err, `inline image "x"`, name)
	}
}
