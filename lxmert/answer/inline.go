package answer

import (
	"fmt"

	"github.com/lxmert-go/golxmert/lxmert/features"
)

// MaxImageSide is the largest image width or height InlineImage accepts, in pixels.
const MaxImageSide = 1 << 16

// InlineImage builds an image from region features sent inline rather than read from a
// feature file: features [boxes][dim] and boxes [boxes][x1, y1, x2, y2]. With a size
// (width and height both > 0) the boxes are pixel boxes and are normalised by it, in float32
// as the TSV reader does, so an inline copy of a TSV image gets the same answers; with no
// size (both 0) they must already lie in [0, 1]. Check then tests it against a model.
func InlineImage(id string, feats, boxes [][]float32, width, height int) (*features.Image, error) {
	n := len(feats)
	switch {
	case n == 0:
		return nil, fmt.Errorf("inline image %q: no regions in features", id)
	case n > features.MaxBoxes:
		return nil, fmt.Errorf("inline image %q: %d regions, more than %d", id, n, features.MaxBoxes)
	case len(boxes) != n:
		return nil, fmt.Errorf("inline image %q: %d boxes for %d feature rows", id, len(boxes), n)
	case (width == 0) != (height == 0):
		return nil, fmt.Errorf("inline image %q: give img_w and img_h together (got %d and %d)", id, width, height)
	case width < 0 || height < 0 || width > MaxImageSide || height > MaxImageSide:
		return nil, fmt.Errorf("inline image %q: size %dx%d (width x height) outside [1, %d]", id, width, height, MaxImageSide)
	}
	dim := len(feats[0])
	img := &features.Image{ID: id, Width: width, Height: height, NumBoxes: n, FeatDim: dim,
		Features: make([]float32, 0, n*dim), Boxes: make([]float32, 0, 4*n)}
	for i := range feats {
		if len(feats[i]) != dim {
			return nil, fmt.Errorf("inline image %q: features row %d has %d values, row 0 has %d", id, i, len(feats[i]), dim)
		}
		if len(boxes[i]) != 4 {
			return nil, fmt.Errorf("inline image %q: box %d has %d values, want 4 (x1, y1, x2, y2)", id, i, len(boxes[i]))
		}
		img.Features = append(img.Features, feats[i]...)
		if err := checkBox(boxes[i], width, height); err != nil {
			return nil, fmt.Errorf("inline image %q: box %d %v: %w", id, i, boxes[i], err)
		}
		b := boxes[i]
		if width > 0 {
			w, h := float32(width), float32(height)
			b = []float32{b[0] / w, b[1] / h, b[2] / w, b[3] / h}
		}
		img.Boxes = append(img.Boxes, b...)
	}
	if err := img.Validate(); err != nil {
		return nil, fmt.Errorf("inline %w", err)
	}
	return img, nil
}

// checkBox wants x1 <= x2, y1 <= y2, inside the image (pixel boxes, a pixel or 1% of slack
// for rounding) or inside [0, 1] (normalised boxes, 1% of slack).
func checkBox(b []float32, width, height int) error {
	if b[0] > b[2] || b[1] > b[3] {
		return fmt.Errorf("has x1 > x2 or y1 > y2")
	}
	hiX, hiY, slackX, slackY := float32(1), float32(1), float32(0.01), float32(0.01)
	if width > 0 {
		hiX, hiY = float32(width), float32(height)
		slackX, slackY = max(2, 0.01*hiX), max(2, 0.01*hiY)
	}
	if b[0] < -slackX || b[1] < -slackY || b[2] > hiX+slackX || b[3] > hiY+slackY {
		if width == 0 {
			return fmt.Errorf("is not normalised to [0, 1] (pixel boxes need img_w and img_h)")
		}
		return fmt.Errorf("lies outside the %dx%d (width x height) image", width, height)
	}
	return nil
}
