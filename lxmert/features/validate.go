package features

import (
	"fmt"
	"math"
)

// Bounds refused before allocating, so a corrupt size field cannot exhaust memory.
const (
	// MaxBoxes is the largest number of boxes per image a reader accepts.
	MaxBoxes = 10_000
	// MaxFeatDim is the largest feature dimension a reader accepts.
	MaxFeatDim = 100_000
)

// Validate checks that img's slices agree with NumBoxes and FeatDim, that every float is
// finite, that Height and Width are not negative, and that the optional detector arrays
// have NumBoxes entries when present. It does not check box ranges (see Image.checkBoxes).
func (img *Image) Validate() error {
	if img == nil {
		return fmt.Errorf("nil image")
	}
	if img.NumBoxes < 0 || img.NumBoxes > MaxBoxes {
		return fmt.Errorf("image %q: num_boxes %d outside [0, %d]", img.ID, img.NumBoxes, MaxBoxes)
	}
	if img.FeatDim <= 0 || img.FeatDim > MaxFeatDim {
		return fmt.Errorf("image %q: feature dim %d outside [1, %d]", img.ID, img.FeatDim, MaxFeatDim)
	}
	if img.Height < 0 || img.Width < 0 {
		return fmt.Errorf("image %q: negative size %dx%d (width x height)", img.ID, img.Width, img.Height)
	}
	if len(img.Features) != img.NumBoxes*img.FeatDim {
		return fmt.Errorf("image %q: features: have %d values, want num_boxes*dim = %d*%d = %d",
			img.ID, len(img.Features), img.NumBoxes, img.FeatDim, img.NumBoxes*img.FeatDim)
	}
	if len(img.Boxes) != 4*img.NumBoxes {
		return fmt.Errorf("image %q: boxes: have %d values, want 4*num_boxes = %d", img.ID, len(img.Boxes), 4*img.NumBoxes)
	}
	for _, opt := range []struct {
		name  string
		n     int
		isNil bool
	}{
		{"objects_id", len(img.ObjectIDs), img.ObjectIDs == nil},
		{"objects_conf", len(img.ObjectConf), img.ObjectConf == nil},
		{"attrs_id", len(img.AttrIDs), img.AttrIDs == nil},
		{"attrs_conf", len(img.AttrConf), img.AttrConf == nil},
	} {
		if !opt.isNil && opt.n != img.NumBoxes {
			return fmt.Errorf("image %q: %s: have %d values, want num_boxes = %d", img.ID, opt.name, opt.n, img.NumBoxes)
		}
	}
	for _, arr := range []struct {
		name string
		v    []float32
	}{{"features", img.Features}, {"boxes", img.Boxes}, {"objects_conf", img.ObjectConf}, {"attrs_conf", img.AttrConf}} {
		if i := firstNonFinite(arr.v); i >= 0 {
			return fmt.Errorf("image %q: %s[%d] = %v is not finite", img.ID, arr.name, i, arr.v[i])
		}
	}
	return nil
}

// firstNonFinite returns the index of the first NaN or ±Inf in v, or -1.
func firstNonFinite(v []float32) int {
	for i, x := range v {
		f := float64(x)
		if math.IsNaN(f) || math.IsInf(f, 0) {
			return i
		}
	}
	return -1
}
