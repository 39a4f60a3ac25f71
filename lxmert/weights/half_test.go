package weights

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

// Every float16 survives a round trip through float32, and values between two neighbours
// round to the nearer one (ties to even).
func TestFloatToHalf(t *testing.T) {
	for h := 0; h < 1<<16; h++ {
		f := math.Float32frombits(halfToFloatBits(uint16(h)))
		if f != f { // NaN
			require.True(t, floatToHalf(f)&0x7c00 == 0x7c00 && floatToHalf(f)&0x3ff != 0)
			continue
		}
		require.Equal(t, uint16(h), floatToHalf(f), "half %#04x (%g)", h, f)
	}
	cases := []struct {
		in   float32
		want uint16
	}{
		{1 + 1.0/2048, 0x3c00},         // exactly halfway between 1 and 1+2^-10: to even (1)
		{1 + 3.0/2048, 0x3c02},         // halfway between odd and even: to even (up)
		{65520, 0x7c00},                // rounds past the largest half: Inf
		{float32(math.Pow(2, -25)), 0}, // half the smallest subnormal: to even (0)
		{float32(math.Pow(2, -24)), 1}, // the smallest subnormal
		{-2.5, 0xc100},
	}
	for _, c := range cases {
		require.Equal(t, c.want, floatToHalf(c.in), "%g", c.in)
	}
}

func TestToFloat16(t *testing.T) {
	x, err := FromFloat32("w", []int64{2}, []float32{0.1, -3})
	require.NoError(t, err)
	h, err := x.ToFloat16()
	require.NoError(t, err)
	require.Equal(t, F16, h.DType)
	back, err := h.Float32()
	require.NoError(t, err)
	require.InDelta(t, 0.1, back[0], 1e-4)
	require.Equal(t, float32(-3), back[1])
}
