package scenes

import (
	"image"
	"image/color"
	"image/draw"
)

// Tiny rasterisers over pixel rectangles [x1, x2) × [y1, y2); image.RGBA clips writes
// outside its bounds.

func fillRect(img *image.RGBA, x1, y1, x2, y2 int, c color.RGBA) {
	draw.Draw(img, image.Rect(x1, y1, x2, y2), &image.Uniform{c}, image.Point{}, draw.Src)
}

func outlineRect(img *image.RGBA, x1, y1, x2, y2 int, c color.RGBA) {
	for t := 0; t < 2; t++ {
		fillRect(img, x1, y1+t, x2, y1+t+1, c)
		fillRect(img, x1, y2-t-1, x2, y2-t, c)
		fillRect(img, x1+t, y1, x1+t+1, y2, c)
		fillRect(img, x2-t-1, y1, x2-t, y2, c)
	}
}

// inEllipse reports how far pixel (x, y)'s centre lies inside the ellipse inscribed in the
// rectangle: below 1 is inside.
func inEllipse(x, y, x1, y1, x2, y2 int) float64 {
	cx, cy := float64(x1+x2)/2, float64(y1+y2)/2
	rx, ry := float64(x2-x1)/2, float64(y2-y1)/2
	if rx <= 0 || ry <= 0 {
		return 2
	}
	dx, dy := (float64(x)+0.5-cx)/rx, (float64(y)+0.5-cy)/ry
	return dx*dx + dy*dy
}

func fillEllipse(img *image.RGBA, x1, y1, x2, y2 int, c color.RGBA) {
	for y := y1; y < y2; y++ {
		for x := x1; x < x2; x++ {
			if inEllipse(x, y, x1, y1, x2, y2) < 1 {
				img.SetRGBA(x, y, c)
			}
		}
	}
}

// outlineEllipse draws a band about two pixels wide just inside the ellipse's edge.
func outlineEllipse(img *image.RGBA, x1, y1, x2, y2 int, c color.RGBA) {
	in := func(x, y int) bool { return inEllipse(x, y, x1, y1, x2, y2) < 1 }
	for y := y1; y < y2; y++ {
		for x := x1; x < x2; x++ {
			if in(x, y) && !(in(x-2, y) && in(x+2, y) && in(x, y-2) && in(x, y+2)) {
				img.SetRGBA(x, y, c)
			}
		}
	}
}
