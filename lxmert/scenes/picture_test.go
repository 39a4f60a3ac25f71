package scenes

import (
	"bytes"
	"image/png"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestPNGShowsObjects(t *testing.T) {
	ss, err := Generate(13, 40, Options{FeatDim: 8})
	require.NoError(t, err)
	for _, s := range ss {
		var buf bytes.Buffer
		require.NoError(t, s.PNG(&buf))
		img, err := png.Decode(&buf)
		require.NoError(t, err)
		require.Equal(t, s.Width, img.Bounds().Dx())
		require.Equal(t, s.Height, img.Bounds().Dy())
		for k, o := range s.Objects {
			x, y := o.Center()
			r, g, b, _ := img.At(int(x), int(y)).RGBA()
			want := Palette[o.Values[Color]]
			require.Equal(t, [3]uint8{want.R, want.G, want.B}, [3]uint8{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8)},
				"%s object %d (%s %s) at its centre", s.ID, k, o.Value(Color), o.Value(Shape))
		}
		r, g, b, _ := img.At(0, 0).RGBA()
		if !coveredAt(s, 0, 0) {
			require.Equal(t, [3]uint8{Background.R, Background.G, Background.B}, [3]uint8{uint8(r >> 8), uint8(g >> 8), uint8(b >> 8)})
		}
	}
}

func coveredAt(s *Scene, x, y float64) bool {
	for _, o := range s.Objects {
		if x >= o.Box[0] && x < o.Box[2] && y >= o.Box[1] && y < o.Box[3] {
			return true
		}
	}
	return false
}

func TestPaletteDistinct(t *testing.T) {
	require.Len(t, Palette, len(Color.Values()))
	far := func(a, b [3]int) int {
		d := 0
		for i := range a {
			d += (a[i] - b[i]) * (a[i] - b[i])
		}
		return d
	}
	rgb := func(i int) [3]int { c := Palette[i]; return [3]int{int(c.R), int(c.G), int(c.B)} }
	bg := [3]int{int(Background.R), int(Background.G), int(Background.B)}
	for i := range Palette {
		require.Greater(t, far(rgb(i), bg), 60*60, Color.Values()[i])
		for j := range i {
			require.Greater(t, far(rgb(i), rgb(j)), 60*60, "%s vs %s", Color.Values()[i], Color.Values()[j])
		}
	}
}
