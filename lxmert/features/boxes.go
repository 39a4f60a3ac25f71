package features

import "fmt"

// boxSlack is how far outside the image a pixel box coordinate may lie: detectors clip to
// the image, but rescaling and rounding can leave a pixel or so.
func boxSlack(size int) float32 {
	return max(2, 0.01*float32(size))
}

// checkPixelBoxes checks x1 <= x2, y1 <= y2 and that each box lies inside a w×h image up
// to boxSlack.
func checkPixelBoxes(b []float32, w, h int) error {
	sx, sy := boxSlack(w), boxSlack(h)
	for i := 0; i+3 < len(b); i += 4 {
		x1, y1, x2, y2 := b[i], b[i+1], b[i+2], b[i+3]
		switch {
		case x1 > x2 || y1 > y2:
			return fmt.Errorf("boxes: box %d (%g, %g, %g, %g) has x1 > x2 or y1 > y2", i/4, x1, y1, x2, y2)
		case x1 < -sx || x2 > float32(w)+sx || y1 < -sy || y2 > float32(h)+sy:
			return fmt.Errorf("boxes: box %d (%g, %g, %g, %g) lies outside the %dx%d (width x height) image", i/4, x1, y1, x2, y2, w, h)
		}
	}
	return nil
}

// checkNormBoxes checks boxes that should already be normalised: ordered and in [0, 1] up
// to 1% slack.
func checkNormBoxes(b []float32) error {
	const lo, hi = -0.01, 1.01
	for i := 0; i+3 < len(b); i += 4 {
		x1, y1, x2, y2 := b[i], b[i+1], b[i+2], b[i+3]
		switch {
		case x1 > x2 || y1 > y2:
			return fmt.Errorf("boxes: box %d (%g, %g, %g, %g) has x1 > x2 or y1 > y2", i/4, x1, y1, x2, y2)
		case x1 < lo || y1 < lo || x2 > hi || y2 > hi:
			return fmt.Errorf("boxes: box %d (%g, %g, %g, %g) is not normalised to [0, 1] (pixel boxes need img_h and img_w)", i/4, x1, y1, x2, y2)
		}
	}
	return nil
}

// normaliseBoxes divides x by w and y by h in place, in float32 as LXMERT's loaders do.
func normaliseBoxes(b []float32, w, h int) {
	fw, fh := float32(w), float32(h)
	for i := 0; i+3 < len(b); i += 4 {
		b[i] /= fw
		b[i+1] /= fh
		b[i+2] /= fw
		b[i+3] /= fh
	}
}
