package features

import "fmt"

// namedArray is one array of a single-image file (npz member or safetensors tensor).
type namedArray struct {
	shape []int
	vals  []float64
}

// imageFromArrays builds an Image from arrays "features" [n, dim], "boxes" [n, 4] and
// optional scalars "img_h", "img_w" (shape () or (1,)). With a size the boxes are pixel
// boxes and are normalised; without, they must already lie in [0, 1].
func imageFromArrays(id string, arrays map[string]namedArray) (*Image, error) {
	feat, ok := arrays["features"]
	if !ok {
		return nil, fmt.Errorf("no array \"features\" (have %v)", arrayNames(arrays))
	}
	boxes, ok := arrays["boxes"]
	if !ok {
		return nil, fmt.Errorf("no array \"boxes\" (have %v)", arrayNames(arrays))
	}
	if len(feat.shape) != 2 || feat.shape[0] < 1 || feat.shape[0] > MaxBoxes || feat.shape[1] < 1 || feat.shape[1] > MaxFeatDim {
		return nil, fmt.Errorf("features: shape %v, want [boxes, dim] with 1 <= boxes <= %d, 1 <= dim <= %d", feat.shape, MaxBoxes, MaxFeatDim)
	}
	img := &Image{ID: id, NumBoxes: feat.shape[0], FeatDim: feat.shape[1]}
	if len(boxes.shape) != 2 || boxes.shape[0] != img.NumBoxes || boxes.shape[1] != 4 {
		return nil, fmt.Errorf("boxes: shape %v, want [%d, 4]", boxes.shape, img.NumBoxes)
	}
	var err error
	if img.Features, err = toFloat32("features", feat.vals); err != nil {
		return nil, err
	}
	if img.Boxes, err = toFloat32("boxes", boxes.vals); err != nil {
		return nil, err
	}
	h, hok := arrays["img_h"]
	w, wok := arrays["img_w"]
	switch {
	case hok != wok:
		return nil, fmt.Errorf("img_h and img_w must be given together")
	case !hok:
		if err := checkNormBoxes(img.Boxes); err != nil {
			return nil, err
		}
	default:
		if img.Height, err = sizeScalar("img_h", h); err != nil {
			return nil, err
		}
		if img.Width, err = sizeScalar("img_w", w); err != nil {
			return nil, err
		}
		if err := checkPixelBoxes(img.Boxes, img.Width, img.Height); err != nil {
			return nil, err
		}
		normaliseBoxes(img.Boxes, img.Width, img.Height)
	}
	return img, img.Validate()
}

// sizeScalar reads an image side: one positive integer.
func sizeScalar(name string, a namedArray) (int, error) {
	if len(a.vals) != 1 || len(a.shape) > 1 {
		return 0, fmt.Errorf("%s: shape %v, want a scalar", name, a.shape)
	}
	v, err := toInt64(name, a.vals)
	if err != nil {
		return 0, err
	}
	if v[0] < 1 || v[0] > maxImageSide {
		return 0, fmt.Errorf("%s: %d outside [1, %d]", name, v[0], maxImageSide)
	}
	return int(v[0]), nil
}

func arrayNames(m map[string]namedArray) []string {
	var names []string
	for k := range m {
		names = append(names, k)
	}
	return names
}
