// Package explain draws what the model looked at: the image's regions shaded by the
// cross-modality attention they received from the question, with the question and the top
// answers in a caption (the LXMERT paper's attention figures). Pure Go: image drawing only.
package explain

import (
	"fmt"
	"image"
	"image/color"
	"image/draw"
	"math"
	"sort"
)

// Figure is what Render draws.
type Figure struct {
	Base          image.Image // the photo; nil draws on a blank Width×Height canvas
	Width, Height int         // canvas size when Base is nil (ignored otherwise)
	Boxes         []float32   // regions x1,y1,x2,y2 normalised to [0, 1]
	Weights       []float64   // attention per region (any scale; normalised to the maximum)
	Caption       []string    // lines under the picture: question, answers
	Legend        string      // what the shading means
}

// MaxSide bounds the picture's sides, so a hostile size cannot exhaust memory.
const MaxSide = 8192

// Render returns the picture (Base or the blank canvas, same size) with each region's box
// drawn and its inside tinted in proportion to its weight, strongest boxes on top, above a
// caption band. The result is Width × (Height + caption band).
func Render(f Figure) (*image.RGBA, error) {
	w, h := f.Width, f.Height
	if f.Base != nil {
		w, h = f.Base.Bounds().Dx(), f.Base.Bounds().Dy()
	}
	switch {
	case w < 1 || h < 1 || w > MaxSide || h > MaxSide:
		return nil, fmt.Errorf("explain: picture size %dx%d is outside 1..%d", w, h, MaxSide)
	case len(f.Boxes) != 4*len(f.Weights):
		return nil, fmt.Errorf("explain: %d box values for %d weights (want 4 per region)", len(f.Boxes), len(f.Weights))
	}
	lines := append(append([]string(nil), f.Caption...), f.Legend)
	band := captionHeight(len(lines))
	img := image.NewRGBA(image.Rect(0, 0, w, h+band))
	draw.Draw(img, img.Bounds(), image.NewUniform(color.White), image.Point{}, draw.Src)
	if f.Base != nil {
		draw.Draw(img, image.Rect(0, 0, w, h), f.Base, f.Base.Bounds().Min, draw.Src)
	} else {
		draw.Draw(img, image.Rect(0, 0, w, h), image.NewUniform(color.RGBA{236, 234, 228, 255}), image.Point{}, draw.Src)
	}
	top := 0.0
	for _, v := range f.Weights {
		if !(v >= 0) || math.IsInf(v, 0) {
			return nil, fmt.Errorf("explain: attention weight %v is not a finite non-negative number", v)
		}
		top = math.Max(top, v)
	}
	order := make([]int, len(f.Weights))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return f.Weights[order[a]] < f.Weights[order[b]] })
	for _, i := range order {
		strength := 0.0
		if top > 0 {
			strength = f.Weights[i] / top
		}
		r := pixelRect(f.Boxes[4*i:4*i+4], w, h)
		tint(img, r, strength)
		outline(img, r, heat(strength), 1+int(math.Round(2*strength)))
	}
	if err := drawCaption(img, lines, h); err != nil {
		return nil, err
	}
	return img, nil
}

// pixelRect maps a normalised box to pixels, clipped to the picture.
func pixelRect(b []float32, w, h int) image.Rectangle {
	r := image.Rect(int(float64(b[0])*float64(w)), int(float64(b[1])*float64(h)),
		int(math.Ceil(float64(b[2])*float64(w))), int(math.Ceil(float64(b[3])*float64(h))))
	return r.Intersect(image.Rect(0, 0, w, h))
}

// heat runs from pale yellow (little attention) to deep red (the most).
func heat(s float64) color.RGBA {
	return color.RGBA{R: 255, G: uint8(230 - 200*s), B: uint8(120 - 120*s), A: 255}
}

// tint blends the heat colour into r with opacity growing with strength.
func tint(img *image.RGBA, r image.Rectangle, s float64) {
	c, a := heat(s), 0.08+0.4*s
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			p := img.RGBAAt(x, y)
			img.SetRGBA(x, y, color.RGBA{blend(p.R, c.R, a), blend(p.G, c.G, a), blend(p.B, c.B, a), 255})
		}
	}
}

func blend(a, b uint8, t float64) uint8 { return uint8(float64(a)*(1-t) + float64(b)*t) }

// outline draws r's border, thick pixels wide.
func outline(img *image.RGBA, r image.Rectangle, c color.RGBA, thick int) {
	for t := 0; t < thick; t++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			img.SetRGBA(x, r.Min.Y+t, c)
			img.SetRGBA(x, r.Max.Y-1-t, c)
		}
		for y := r.Min.Y; y < r.Max.Y; y++ {
			img.SetRGBA(r.Min.X+t, y, c)
			img.SetRGBA(r.Max.X-1-t, y, c)
		}
	}
}
