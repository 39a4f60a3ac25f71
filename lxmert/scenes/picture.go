package scenes

import (
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"sort"
)

// Palette is the RGB colour of each colour value, in Attr.Values order; they are far
// apart, and far from the background, so a person can tell them apart.
var Palette = [...]color.RGBA{
	{200, 30, 30, 255},   // red
	{30, 70, 220, 255},   // blue
	{30, 150, 50, 255},   // green
	{235, 205, 20, 255},  // yellow
	{130, 40, 170, 255},  // purple
	{125, 125, 125, 255}, // gray
	{125, 75, 25, 255},   // brown
	{30, 200, 210, 255},  // cyan
}

// Background is the canvas colour.
var Background = color.RGBA{238, 236, 230, 255}

// Picture draws the scene: cubes as squares, spheres as discs, cylinders as a body with an
// elliptical top; metal objects get a dark outline and a highlight. Each object's box
// centre shows its plain colour.
func (s *Scene) Picture() *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, s.Width, s.Height))
	draw.Draw(img, img.Bounds(), &image.Uniform{Background}, image.Point{}, draw.Src)
	// Lower objects are nearer the viewer: draw them last.
	order := indexes(len(s.Objects))
	sort.SliceStable(order, func(a, b int) bool { return s.Objects[order[a]].Box[3] < s.Objects[order[b]].Box[3] })
	for _, k := range order {
		drawObject(img, s.Objects[k])
	}
	return img
}

// PNG writes Picture as a PNG.
func (s *Scene) PNG(w io.Writer) error {
	return png.Encode(w, s.Picture())
}

func drawObject(img *image.RGBA, o Object) {
	x1, y1, x2, y2 := int(o.Box[0]), int(o.Box[1]), int(o.Box[2]), int(o.Box[3])
	body := Palette[o.Values[Color]]
	metal := o.Values[Material] == 1
	edge := shade(body, 0.45)
	side := x2 - x1
	switch o.Values[Shape] {
	case 0: // cube
		fillRect(img, x1, y1, x2, y2, body)
		if metal {
			outlineRect(img, x1, y1, x2, y2, edge)
		}
	case 1: // sphere
		fillEllipse(img, x1, y1, x2, y2, body)
		if metal {
			outlineEllipse(img, x1, y1, x2, y2, edge)
		}
	case 2: // cylinder: body between the centres of two ellipses
		eh := side / 4
		fillRect(img, x1, y1+eh/2, x2, y2-eh/2, body)
		fillEllipse(img, x1, y2-eh, x2, y2, body)
		fillEllipse(img, x1, y1, x2, y1+eh, shade(body, 0.75))
		if metal {
			outlineEllipse(img, x1, y1, x2, y1+eh, edge)
			outlineRect(img, x1, y1+eh/2, x2, y2-eh/2, edge)
		}
	}
	if metal {
		// A highlight in the upper-left quarter, away from the centre.
		hx, hy := x1+side/5, y1+side/5
		if o.Values[Shape] == 2 {
			hy = y1 + side/3
		}
		fillEllipse(img, hx, hy, hx+side/6, hy+side/6, tint(body, 0.6))
	}
}

// shade darkens c by factor f (0 black, 1 unchanged).
func shade(c color.RGBA, f float64) color.RGBA {
	return color.RGBA{uint8(float64(c.R) * f), uint8(float64(c.G) * f), uint8(float64(c.B) * f), 255}
}

// tint mixes c with white by fraction f.
func tint(c color.RGBA, f float64) color.RGBA {
	m := func(v uint8) uint8 { return uint8(float64(v) + (255-float64(v))*f) }
	return color.RGBA{m(c.R), m(c.G), m(c.B), 255}
}
