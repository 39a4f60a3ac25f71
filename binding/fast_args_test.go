package binding

import (
	"math/rand"
	"testing"

	"github.com/stretchr/testify/require"
)

// freed is a live tensor of t's shape that has been freed (a weight closed under a call).
func freed(s *Scope) Tensor {
	x := s.Zeros(Float32, 4)
	s.Keep(x)
	Free(x)
	return x
}

// A fused call given a freed or missing weight fails with an error that names the weight in
// HF's terms, not its place in a flattened argument list, and never reaches C++ (or panics
// on a nil block).
func TestFastCallsNameTheBadWeight(t *testing.T) {
	f, err := NewFastContext()
	require.NoError(t, err)
	defer f.Close()
	cfg := FastConfig{Heads: 4, Act: ActGELU, Eps: 1e-12, Threads: 1}
	cases := []struct {
		name string
		run  func(s *Scope, rng *rand.Rand)
		want string
	}{
		{"x-layer key weight", func(s *Scope, rng *rand.Rand) {
			cross, ls, vs, lf, vf := pairLayer(s, rng, 64)
			ls.Key.W = freed(s)
			s.FastXLayer(f, cfg, cross, ls, vs, lf, vf, s.Zeros(Float32, 1, 3, 64), s.Zeros(Float32, 1, 5, 64), Tensor{}, Tensor{}, false)
		}, "FastXLayer: language self-attention key weight is a nil or freed tensor"},
		{"x-layer pair FFN bias", func(s *Scope, rng *rand.Rand) {
			cross, ls, vs, lf, vf := pairLayer(s, rng, 64)
			vf.Output.B = freed(s)
			s.FastXLayerPair(f, cfg, cross, ls, vs, lf, vf, s.Zeros(Float32, 1, 3, 64), s.Zeros(Float32, 1, 5, 64), Tensor{}, Tensor{}, false)
		}, "FastXLayerPair: vision FFN output dense bias (optional) is a freed tensor"},
		{"first-token x-layer mask", func(s *Scope, rng *rand.Rand) {
			cross, ls, _, lf, _ := pairLayer(s, rng, 64)
			s.FastXLayerFirst(f, cfg, cross, ls, lf, s.Zeros(Float32, 1, 3, 64), s.Zeros(Float32, 1, 5, 64), Tensor{}, freed(s))
		}, "FastXLayerFirst: vision mask (optional) is a freed tensor"},
		{"layer with a nil attention block", func(s *Scope, rng *rand.Rand) {
			_, _, _, lf, _ := pairLayer(s, rng, 64)
			s.FastLayer(f, cfg, nil, lf, s.Zeros(Float32, 1, 3, 64), Tensor{}, false)
		}, "FastLayer: attention is a nil or freed tensor"},
		{"cross with a freed input", func(s *Scope, rng *rand.Rand) {
			cross, _, _, _, _ := pairLayer(s, rng, 64)
			s.FastCross(f, cfg, cross, s.Zeros(Float32, 1, 3, 64), freed(s), Tensor{}, Tensor{}, false)
		}, "FastCross: vision input is a nil or freed tensor"},
		{"stack with a nil FFN block", func(s *Scope, rng *rand.Rand) {
			atts, ffns := stackLayers(s, rng, 3, 64)
			ffns[2] = nil
			require.Nil(t, s.StartFastStack(f, cfg, atts, ffns, s.Zeros(Float32, 1, 3, 64), Tensor{}, false, nil))
		}, "StartFastStack: layer 2 FFN is a nil or freed tensor"},
		{"stack layer's bias", func(s *Scope, rng *rand.Rand) {
			atts, ffns := stackLayers(s, rng, 2, 64)
			atts[1].Value.B = freed(s)
			require.Nil(t, s.StartFastStack(f, cfg, atts, ffns, s.Zeros(Float32, 1, 3, 64), Tensor{}, false, nil))
		}, "StartFastStack: layer 1 attention value bias (optional) is a freed tensor"},
		{"stack's feature encoder", func(s *Scope, rng *rand.Rand) {
			atts, ffns := stackLayers(s, rng, 1, 64)
			fc := &FastFeatures{Visn: randLinear(s, rng, 64, 40), Box: randLinear(s, rng, 64, 4), VisnNormW: s.Zeros(Float32, 64),
				VisnNormB: s.Zeros(Float32, 64), BoxNormW: freed(s), BoxNormB: s.Zeros(Float32, 64),
				Feats: s.Zeros(Float32, 1, 5, 40), Pos: s.Zeros(Float32, 1, 5, 4)}
			require.Nil(t, s.StartFastStack(f, cfg, atts, ffns, s.Zeros(Float32, 1, 3, 64), Tensor{}, false, fc))
		}, "StartFastStack: feature encoder box_layer_norm weight is a nil or freed tensor"},
		{"ATen attention layer", func(s *Scope, rng *rand.Rand) {
			w := &AttentionLayer{QueryW: s.Zeros(Float32, 8, 8), KeyW: s.Zeros(Float32, 8, 8), ValueW: freed(s),
				DenseW: s.Zeros(Float32, 8, 8), Heads: 2}
			x := s.Zeros(Float32, 1, 2, 8)
			s.AttentionLayer(w, x, x, Tensor{}, false, false)
		}, "AttentionLayer: value weight is a nil or freed tensor"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := NewScope()
			defer s.Close()
			c.run(s, rand.New(rand.NewSource(1)))
			require.ErrorContains(t, s.Err(), c.want)
		})
	}
}
