package features

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestWriteTSVLayout(t *testing.T) {
	img := &Image{ID: "img1", Height: 100, Width: 200, NumBoxes: 2, FeatDim: 3,
		Features: []float32{1, 2, 3, 4, 5, 6},
		Boxes:    []float32{0, 0, 0.5, 0.5, 0.25, 0.5, 1, 1}}
	var buf bytes.Buffer
	require.NoError(t, WriteTSV(&buf, img))
	line := buf.String()
	require.True(t, strings.HasSuffix(line, "\n"))
	f := strings.Split(strings.TrimSuffix(line, "\n"), "\t")
	require.Len(t, f, len(TSVFieldNames))
	require.Equal(t, []string{"img1", "100", "200"}, f[:3])
	require.Equal(t, "2", f[7])
	for i, want := range []int{16, 8, 16, 8} { // zeros for nil detector arrays
		b, err := base64.StdEncoding.DecodeString(f[3+i])
		require.NoError(t, err)
		require.Equal(t, make([]byte, want), b)
	}
	b, err := base64.StdEncoding.DecodeString(f[8])
	require.NoError(t, err)
	require.Len(t, b, 2*4*4)
	require.Equal(t, b64Float32([]float32{0, 0, 100, 50, 50, 50, 200, 100}), f[8])
	require.Equal(t, b64Float32(img.Features), f[9])
}

func TestWriteTSVRefusesInconsistentImage(t *testing.T) {
	var buf bytes.Buffer
	err := WriteTSV(&buf, &Image{ID: "x", Height: 1, Width: 1, NumBoxes: 2, FeatDim: 3, Features: make([]float32, 5), Boxes: make([]float32, 8)})
	require.ErrorContains(t, err, `image "x": features: have 5 values, want num_boxes*dim = 2*3 = 6`)
	err = WriteTSV(&buf, &Image{ID: "a\tb", Height: 1, Width: 1, NumBoxes: 0, FeatDim: 3})
	require.ErrorContains(t, err, `img_id: "a\tb" contains control character 0x09`)
	require.Zero(t, buf.Len())
}
