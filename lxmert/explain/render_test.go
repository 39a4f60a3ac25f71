package explain

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

var twoBoxes = []float32{0.1, 0.1, 0.4, 0.4, 0.6, 0.6, 0.9, 0.9}

// The picture keeps the requested size (plus the caption band) and survives a PNG round trip.
func TestRenderSizeAndPNG(t *testing.T) {
	pic, err := Render(Figure{Width: 200, Height: 100, Boxes: twoBoxes, Weights: []float64{0.2, 0.8},
		Caption: []string{"Q: what is it?", "A: cat 90.0%"}, Legend: "shading: attention"})
	require.NoError(t, err)
	require.Equal(t, 200, pic.Bounds().Dx())
	require.Equal(t, 100+captionHeight(3), pic.Bounds().Dy())
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, pic))
	back, err := png.Decode(&buf)
	require.NoError(t, err)
	require.Equal(t, pic.Bounds(), back.Bounds())
}

// A region's shading follows its weight: swapping the weights swaps which box is redder, and
// the caption band has text (dark pixels).
func TestRenderShadesByAttention(t *testing.T) {
	a, err := Render(Figure{Width: 100, Height: 100, Boxes: twoBoxes, Weights: []float64{1, 0}, Legend: "legend"})
	require.NoError(t, err)
	b, err := Render(Figure{Width: 100, Height: 100, Boxes: twoBoxes, Weights: []float64{0, 1}, Legend: "legend"})
	require.NoError(t, err)
	in0, in1 := image.Pt(25, 25), image.Pt(75, 75)
	require.NotEqual(t, a.RGBAAt(in0.X, in0.Y), b.RGBAAt(in0.X, in0.Y), "box 0 differs where its attention differs")
	require.Less(t, a.RGBAAt(in0.X, in0.Y).G, a.RGBAAt(in1.X, in1.Y).G, "the attended box is redder (less green)")
	require.Equal(t, a.RGBAAt(50, 5), b.RGBAAt(50, 5), "outside every box nothing changes")
	dark := 0
	for y := 100; y < a.Bounds().Dy(); y++ {
		for x := 0; x < 100; x++ {
			if c := a.RGBAAt(x, y); c.R < 100 {
				dark++
			}
		}
	}
	require.Positive(t, dark, "the legend is drawn")
}

// A photo keeps its own size; bad figures are errors, not panics.
func TestRenderInputs(t *testing.T) {
	base := image.NewRGBA(image.Rect(0, 0, 30, 20))
	base.Set(1, 1, color.RGBA{1, 2, 3, 255})
	pic, err := Render(Figure{Base: base, Boxes: twoBoxes[:4], Weights: []float64{0}})
	require.NoError(t, err)
	require.Equal(t, 30, pic.Bounds().Dx())
	for _, f := range []Figure{
		{Width: 0, Height: 10},
		{Width: MaxSide + 1, Height: 10},
		{Width: 10, Height: 10, Boxes: twoBoxes, Weights: []float64{1}},
		{Width: 10, Height: 10, Boxes: twoBoxes[:4], Weights: []float64{math.NaN()}},
		{Width: 10, Height: 10, Boxes: twoBoxes[:4], Weights: []float64{-1}},
	} {
		_, err := Render(f)
		require.Error(t, err, "%+v", f)
	}
	// Boxes outside the picture are clipped.
	_, err = Render(Figure{Width: 10, Height: 10, Boxes: []float32{-1, -1, 2, 2}, Weights: []float64{1}})
	require.NoError(t, err)
}
