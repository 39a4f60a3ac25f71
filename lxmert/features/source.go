package features

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
)

// ErrUnknownImage is wrapped by the error a Source returns for an id it does not hold.
var ErrUnknownImage = errors.New("unknown image id")

// Source hands out the images of one feature file. Image is safe for concurrent use by
// many goroutines and returns a fresh Image the caller may modify.
type Source interface {
	// Image returns the image with the given id. An id the file does not hold gives an
	// error wrapping ErrUnknownImage.
	Image(id string) (*Image, error)
	// IDs returns the image ids in file order.
	IDs() []string
	// Len returns the number of images.
	Len() int
	// Path returns the file the source reads.
	Path() string
	// Close releases the file; later Image calls fail.
	Close() error
}

// Open opens a feature file, choosing the reader by extension: .tsv and .csv (the
// bottom-up-attention TSV, indexed with default TSVOptions), .arrow (HF's LXMERT
// extractor), .npz and .safetensors (one image each, id = base name without extension).
// A lone .npy is refused: it holds one array, and an image needs features and boxes.
func Open(path string) (Source, error) {
	switch ext := strings.ToLower(filepath.Ext(path)); ext {
	case ".tsv", ".csv":
		return OpenTSV(path, TSVOptions{})
	case ".arrow":
		return OpenArrow(path)
	case ".npz":
		return OpenNPZ(path)
	case ".safetensors":
		return OpenSafetensors(path)
	case ".npy":
		return nil, fmt.Errorf("features: %s: a .npy file holds a single array, but an image needs features and boxes: save them with numpy.savez as arrays \"features\" [n, dim] and \"boxes\" [n, 4] (plus img_h, img_w for pixel boxes) in a .npz", path)
	default:
		return nil, fmt.Errorf("features: %s: unknown feature file extension %q (want .tsv, .csv, .arrow, .npz or .safetensors)", path, ext)
	}
}

// unknownImage builds the error for an id missing from the file at path.
func unknownImage(id, path string) error {
	return fmt.Errorf("features: %w %q in %s", ErrUnknownImage, id, path)
}

// imageID returns the id of a single-image file: its base name without extension.
func imageID(path string) string {
	base := filepath.Base(path)
	return strings.TrimSuffix(base, filepath.Ext(base))
}
