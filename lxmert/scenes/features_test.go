package scenes

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// decodeAccuracy decodes every attribute of every object by the nearest code (largest dot
// product) and returns the fraction of objects with all four attributes right.
func decodeAccuracy(t *testing.T, opts Options, scenes int) float64 {
	ss, err := Generate(21, scenes, opts)
	require.NoError(t, err)
	right, total := 0, 0
	for _, s := range ss {
		img := s.Image()
		cb := s.Codebook()
		for k, o := range s.Objects {
			f := img.Features[k*img.FeatDim : (k+1)*img.FeatDim]
			ok := true
			for a := Attr(0); a < NumAttrs; a++ {
				best, bestDot := -1, math.Inf(-1)
				for v := range a.Values() {
					if d := dot(f, cb.Code(a, v)); d > bestDot {
						best, bestDot = v, d
					}
				}
				ok = ok && best == o.Values[a]
			}
			total++
			if ok {
				right++
			}
		}
	}
	return float64(right) / float64(total)
}

func dot(a, b []float32) float64 {
	s := 0.0
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

func dist(a, b []float32) float64 {
	s := 0.0
	for i := range a {
		d := float64(a[i] - b[i])
		s += d * d
	}
	return math.Sqrt(s)
}

func TestFeaturesShape(t *testing.T) {
	ss, err := Generate(4, 20, Options{})
	require.NoError(t, err)
	for _, s := range ss {
		img := s.Image()
		require.NoError(t, img.Validate())
		require.Equal(t, DefaultFeatDim, img.FeatDim)
		require.Equal(t, len(s.Objects), img.NumBoxes)
		require.Len(t, img.Features, img.NumBoxes*img.FeatDim)
		require.Equal(t, s.Width, img.Width)
		require.Equal(t, s.Height, img.Height)
		sum := 0.0
		for _, x := range img.Features {
			require.False(t, math.IsNaN(float64(x)) || math.IsInf(float64(x), 0))
			sum += float64(x) * float64(x)
		}
		rms := math.Sqrt(sum / float64(len(img.Features)))
		require.InDelta(t, signalScale*math.Sqrt(1+DefaultNoise*DefaultNoise), rms, 0.05, "entries of order 0.1-1")
		for k, o := range s.Objects {
			b := img.Boxes[4*k : 4*k+4]
			require.InDelta(t, o.Box[0]/float64(s.Width), b[0], 1e-6)
			require.InDelta(t, o.Box[3]/float64(s.Height), b[3], 1e-6)
			require.True(t, b[0] >= 0 && b[2] <= 1 && b[1] >= 0 && b[3] <= 1 && b[0] < b[2] && b[1] < b[3])
			require.Equal(t, int64(o.Values[Shape]), img.ObjectIDs[k])
			require.Equal(t, int64(o.Values[Color]), img.AttrIDs[k])
		}
	}
	relu, err := Generate(4, 3, Options{FeatDim: 64, ReLU: true})
	require.NoError(t, err)
	for _, x := range relu[0].Image().Features {
		require.GreaterOrEqual(t, x, float32(0))
	}
}

func TestFeaturesDecodable(t *testing.T) {
	acc := decodeAccuracy(t, Options{}, 200)
	t.Logf("nearest-code accuracy (all four attributes), dim 2048, noise %.1f: %.4f", DefaultNoise, acc)
	require.GreaterOrEqual(t, acc, 0.99)
	// Even small features at two and a half times the default noise stay learnable.
	acc = decodeAccuracy(t, Options{FeatDim: 128, Noise: 0.5}, 200)
	t.Logf("nearest-code accuracy, dim 128, noise 0.5: %.4f", acc)
	require.GreaterOrEqual(t, acc, 0.99)
}

func TestFeaturesNearWhenAttributesMatch(t *testing.T) {
	ss, err := Generate(6, 150, Options{FeatDim: 512})
	require.NoError(t, err)
	type region struct {
		v [NumAttrs]int
		f []float32
	}
	var rs []region
	for _, s := range ss {
		img := s.Image()
		for k, o := range s.Objects {
			rs = append(rs, region{o.Values, img.Features[k*512 : (k+1)*512]})
		}
	}
	maxSame, minDiff := 0.0, math.Inf(1)
	for i := range rs {
		for j := i + 1; j < len(rs) && j < i+200; j++ {
			d := dist(rs[i].f, rs[j].f)
			if rs[i].v == rs[j].v {
				maxSame = max(maxSame, d)
			} else {
				minDiff = min(minDiff, d)
			}
		}
	}
	t.Logf("largest distance between equal objects %.2f, smallest between different ones %.2f", maxSame, minDiff)
	require.Greater(t, maxSame, 0.0, "some equal pairs were compared")
	require.Less(t, 1.5*maxSame, minDiff)
}
