package scenes

import (
	"math"
	"math/rand/v2"

	"github.com/lxmert-go/golxmert/lxmert/features"
)

// signalScale is the per-entry standard deviation of an object's noiseless feature (the
// sum of its four codes): values of order 0.1-1, like pooled CNN features.
const signalScale = 0.5

// Codebook holds one fixed Gaussian code vector per attribute value. An object's feature is
// the sum of its four codes plus noise: a distributed encoding in which every entry mixes
// all attributes, rather than a one-hot lookup.
type Codebook struct {
	dim   int
	codes [NumAttrs][][]float32
}

// NewCodebook draws the codes from seed; the same seed and dim give the same codebook.
func NewCodebook(seed uint64, dim int) *Codebook {
	rng := rand.New(rand.NewPCG(seed, 0xc0deb00c))
	// Four independent codes add up to per-entry deviation signalScale.
	sd := signalScale / math.Sqrt(NumAttrs)
	cb := &Codebook{dim: dim}
	for a := Attr(0); a < NumAttrs; a++ {
		cb.codes[a] = make([][]float32, len(attrValues[a]))
		for v := range cb.codes[a] {
			c := make([]float32, dim)
			for i := range c {
				c[i] = float32(rng.NormFloat64() * sd)
			}
			cb.codes[a][v] = c
		}
	}
	return cb
}

// Dim is the code (feature) dimension.
func (cb *Codebook) Dim() int { return cb.dim }

// Code is the vector of value v of attribute a (shared; do not modify), or nil when out of
// range.
func (cb *Codebook) Code(a Attr, v int) []float32 {
	if a < 0 || a >= NumAttrs || v < 0 || v >= len(cb.codes[a]) {
		return nil
	}
	return cb.codes[a][v]
}

// Codebook is the scene's feature codebook.
func (s *Scene) Codebook() *Codebook { return s.codes }

// Image is the scene as LXMERT region features: one region per object, boxes normalised to
// [0, 1], ObjectIDs holding shape ids and AttrIDs colour ids (confidence 1, for debugging).
// It is deterministic: every call returns equal values.
func (s *Scene) Image() *features.Image {
	n, d := len(s.Objects), s.codes.dim
	img := &features.Image{
		ID: s.ID, Height: s.Height, Width: s.Width, NumBoxes: n, FeatDim: d,
		Features:   make([]float32, n*d),
		Boxes:      make([]float32, n*4),
		ObjectIDs:  make([]int64, n),
		ObjectConf: make([]float32, n),
		AttrIDs:    make([]int64, n),
		AttrConf:   make([]float32, n),
	}
	rng := rand.New(rand.NewPCG(s.noiseSeed, 0xfea7))
	noise := s.opts.Noise * signalScale
	for k, o := range s.Objects {
		f := img.Features[k*d : (k+1)*d]
		for a := Attr(0); a < NumAttrs; a++ {
			for i, c := range s.codes.codes[a][o.Values[a]] {
				f[i] += c
			}
		}
		for i := range f {
			f[i] += float32(rng.NormFloat64() * noise)
			if s.opts.ReLU && f[i] < 0 {
				f[i] = 0
			}
		}
		w, h := float64(s.Width), float64(s.Height)
		b := img.Boxes[k*4 : (k+1)*4]
		b[0], b[1], b[2], b[3] = float32(o.Box[0]/w), float32(o.Box[1]/h), float32(o.Box[2]/w), float32(o.Box[3]/h)
		img.ObjectIDs[k], img.ObjectConf[k] = int64(o.Values[Shape]), 1
		img.AttrIDs[k], img.AttrConf[k] = int64(o.Values[Color]), 1
	}
	return img
}
