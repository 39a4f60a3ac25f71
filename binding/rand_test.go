package binding

import "math/rand"

// randTensor is a float32 tensor of the given shape with N(0, scale²) values drawn from rng.
func randTensor(s *Scope, rng *rand.Rand, scale float64, shape ...int64) Tensor {
	n := int64(1)
	for _, d := range shape {
		n *= d
	}
	v := make([]float32, n)
	for i := range v {
		v[i] = float32(rng.NormFloat64() * scale)
	}
	return s.FromFloat32(v, shape...)
}
