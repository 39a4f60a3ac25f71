// Package features reads and writes the region features LXMERT consumes: the
// bottom-up-attention TSV of the original LXMERT, the Arrow files of HF's LXMERT demo
// extractor, numpy .npz (with the .npy decoder it needs) and safetensors. It is pure Go
// (no libtorch, no cgo): a reader hands out Images whose slices go straight into the
// model's input tensors. Open picks the reader from the file extension.
package features

// Image is one image's detected regions. Features and Boxes are flat, row-major slices so
// that they copy into [boxes, dim] and [boxes, 4] tensors without conversion.
type Image struct {
	ID       string
	Height   int // image height in pixels (0 when the source does not say)
	Width    int // image width in pixels (0 when the source does not say)
	NumBoxes int
	FeatDim  int       // feature dimension (2048 for bottom-up attention)
	Features []float32 // NumBoxes × FeatDim
	// Boxes are x1, y1, x2, y2 normalised to [0, 1] (x by Width, y by Height): LXMERT's
	// visual_pos. Readers of pixel boxes normalise at load.
	Boxes []float32 // NumBoxes × 4

	// Optional detector outputs (nil when the source has none).
	ObjectIDs  []int64
	ObjectConf []float32
	AttrIDs    []int64
	AttrConf   []float32
}
