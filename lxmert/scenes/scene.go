package scenes

import (
	"fmt"
	"math/rand/v2"
)

// Object is one thing in a scene.
type Object struct {
	// Values holds an index into Attr.Values() per attribute (Values[Color] and so on).
	Values [NumAttrs]int
	// Box is x1, y1, x2, y2 in pixels; y grows downwards.
	Box [4]float64
}

// Value is the word for one of the object's attributes ("red").
func (o Object) Value(a Attr) string { return attrValues[a][o.Values[a]] }

// Center is the box centre in pixels.
func (o Object) Center() (x, y float64) {
	return (o.Box[0] + o.Box[2]) / 2, (o.Box[1] + o.Box[3]) / 2
}

// Scene is one synthetic image: a canvas with 3-10 objects. Scenes come from Generate,
// which also fixes their feature codebook and noise.
type Scene struct {
	ID      string // e.g. "synth_000123"
	Index   int    // position in the generated sequence
	Width   int    // canvas width in pixels
	Height  int    // canvas height in pixels
	Objects []Object

	noiseSeed uint64 // drives the per-region feature noise
	opts      Options
	codes     *Codebook
}

// Generate makes n scenes from seed. Scene i depends only on seed, i and opts, so asking
// for more scenes extends the list without changing the first ones.
func Generate(seed uint64, n int, opts Options) ([]*Scene, error) {
	if n < 0 {
		return nil, fmt.Errorf("scenes: negative scene count %d", n)
	}
	o, err := opts.resolved()
	if err != nil {
		return nil, err
	}
	codes := NewCodebook(o.CodebookSeed, o.FeatDim)
	out := make([]*Scene, n)
	for i := range out {
		out[i] = newScene(seed, i, o, codes)
	}
	return out, nil
}

// streamRNG is a PCG stream for (seed, purpose, index); distinct purposes keep scene
// layout, features and questions independent of each other.
func streamRNG(seed uint64, purpose, index uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, purpose<<40^index*0x9e3779b97f4a7c15))
}

const (
	purposeScene     = 1
	purposeQuestions = 2
)

func newScene(seed uint64, i int, o Options, codes *Codebook) *Scene {
	rng := streamRNG(seed, purposeScene, uint64(i))
	n := o.MinObjects + rng.IntN(o.MaxObjects-o.MinObjects+1)
	objs := make([]Object, n)
	for k := range objs {
		for a := Attr(0); a < NumAttrs; a++ {
			objs[k].Values[a] = rng.IntN(len(attrValues[a]))
		}
	}
	objs = layout(rng, objs, float64(o.Width), float64(o.Height))
	return &Scene{
		ID:        fmt.Sprintf("%s_%06d", o.IDPrefix, i),
		Index:     i,
		Width:     o.Width,
		Height:    o.Height,
		Objects:   objs,
		noiseSeed: rng.Uint64(),
		opts:      o,
		codes:     codes,
	}
}
