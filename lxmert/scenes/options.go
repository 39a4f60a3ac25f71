package scenes

import "fmt"

// Defaults for the zero fields of Options.
const (
	DefaultWidth        = 480
	DefaultHeight       = 320
	DefaultMinObjects   = 3
	DefaultMaxObjects   = 10
	DefaultFeatDim      = 2048
	DefaultNoise        = 0.2
	DefaultCodebookSeed = 0x5eed_c0de_b00c
	DefaultIDPrefix     = "synth"
)

// Options shape the generated scenes. Zero fields take the defaults above.
type Options struct {
	Width, Height          int // canvas size in pixels
	MinObjects, MaxObjects int // objects per scene, at most MaxCount
	FeatDim                int // region feature dimension
	// Noise is the per-region Gaussian noise, relative to the signal's per-entry scale;
	// 0 means DefaultNoise and a negative value means no noise.
	Noise float64
	// ReLU clips features at zero, like the ReLU'd CNN features of bottom-up attention.
	ReLU bool
	// CodebookSeed fixes the attribute code vectors; keep it equal for train and test.
	CodebookSeed uint64
	IDPrefix     string // image ids are IDPrefix_000123
}

// resolved fills the defaults and checks the result.
func (o Options) resolved() (Options, error) {
	def := func(v *int, d int) {
		if *v == 0 {
			*v = d
		}
	}
	def(&o.Width, DefaultWidth)
	def(&o.Height, DefaultHeight)
	def(&o.MinObjects, DefaultMinObjects)
	def(&o.MaxObjects, DefaultMaxObjects)
	def(&o.FeatDim, DefaultFeatDim)
	switch {
	case o.Noise == 0:
		o.Noise = DefaultNoise
	case o.Noise < 0:
		o.Noise = 0
	}
	if o.CodebookSeed == 0 {
		o.CodebookSeed = DefaultCodebookSeed
	}
	if o.IDPrefix == "" {
		o.IDPrefix = DefaultIDPrefix
	}
	switch {
	case o.Width < 64 || o.Height < 64:
		return o, fmt.Errorf("scenes: canvas %dx%d is too small (need at least 64x64)", o.Width, o.Height)
	case o.MinObjects < 2 || o.MaxObjects > MaxCount || o.MinObjects > o.MaxObjects:
		return o, fmt.Errorf("scenes: objects per scene %d..%d, want 2 <= min <= max <= %d", o.MinObjects, o.MaxObjects, MaxCount)
	case o.FeatDim < 8:
		return o, fmt.Errorf("scenes: feature dimension %d is too small (need at least 8)", o.FeatDim)
	case !(o.Noise <= 10): // also catches NaN
		return o, fmt.Errorf("scenes: noise %g drowns the signal (want at most 10)", o.Noise)
	}
	return o, nil
}
