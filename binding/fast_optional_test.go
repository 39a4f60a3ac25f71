package binding

import (
	"math/rand"
	"testing"

	"github.com/stretchr/testify/require"
)

// A freed bias or mask is an error in every fast call, never taken for an absent one (its
// handle would reach C++ as null, the same as "no bias").
func TestFastCallsRejectFreedOptionals(t *testing.T) {
	f, err := NewFastContext()
	require.NoError(t, err)
	defer f.Close()
	const h = 64
	cfg := FastConfig{Heads: 4, Act: ActGELU, Eps: 1e-12, Threads: 1}
	cases := map[string]func(s *Scope, cross, ls, vs *FastAttention, lf, vf *FastFFN, lang, visn, mask Tensor){
		"FastLinear": func(s *Scope, cross, _, _ *FastAttention, _, _ *FastFFN, lang, _, _ Tensor) {
			s.FastLinear(f, PrecisionF32, 1, lang, cross.Query, ActNone)
		},
		"FastLayer": func(s *Scope, cross, _, _ *FastAttention, lf, _ *FastFFN, lang, _, mask Tensor) {
			s.FastLayer(f, cfg, cross, lf, lang, mask, false)
		},
		"FastXLayer": func(s *Scope, cross, ls, vs *FastAttention, lf, vf *FastFFN, lang, visn, mask Tensor) {
			s.FastXLayer(f, cfg, cross, ls, vs, lf, vf, lang, visn, mask, Tensor{}, false)
		},
		"FastCross": func(s *Scope, cross, _, _ *FastAttention, _, _ *FastFFN, lang, visn, mask Tensor) {
			s.FastCross(f, cfg, cross, lang, visn, mask, Tensor{}, false)
		},
		"FastXLayerPair": func(s *Scope, cross, ls, vs *FastAttention, lf, vf *FastFFN, lang, visn, mask Tensor) {
			s.FastXLayerPair(f, cfg, cross, ls, vs, lf, vf, lang, visn, mask, Tensor{}, false)
		},
		"FastXLayerFirst": func(s *Scope, cross, ls, _ *FastAttention, lf, _ *FastFFN, lang, visn, mask Tensor) {
			s.FastXLayerFirst(f, cfg, cross, ls, lf, lang, visn, mask, Tensor{})
		},
		"FastXLayerFirstPair": func(s *Scope, cross, ls, _ *FastAttention, lf, _ *FastFFN, lang, visn, mask Tensor) {
			s.FastXLayerFirstPair(f, cfg, cross, ls, lf, lang, visn, mask, Tensor{})
		},
		"StartFastStack": func(s *Scope, cross, _, _ *FastAttention, lf, _ *FastFFN, lang, _, mask Tensor) {
			if st := s.StartFastStack(f, cfg, []*FastAttention{cross}, []*FastFFN{lf}, lang, mask, false, nil); st != nil {
				s.WaitFastStack(st)
			}
		},
	}
	for name, call := range cases {
		for _, what := range []string{"bias", "mask"} {
			if name == "FastLinear" && what == "mask" {
				continue // it takes none
			}
			s := NewScope()
			rng := rand.New(rand.NewSource(9))
			cross, ls, vs, lf, vf := pairLayer(s, rng, h)
			lang, visn := randTensor(s, rng, 1, 2, 5, h), randTensor(s, rng, 1, 2, 7, h)
			mask := s.Zeros(Float32, 2, 1, 1, 5)
			if what == "bias" {
				s.Free(cross.Query.B, lf.Intermediate.B)
			} else {
				s.Free(mask)
			}
			call(s, cross, ls, vs, lf, vf, lang, visn, mask)
			require.ErrorContains(t, s.Err(), "freed", "%s with a freed %s", name, what)
			require.ErrorContains(t, s.Err(), name, "%s with a freed %s", name, what)
			s.Close()
		}
	}
}
