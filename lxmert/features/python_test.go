package features

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"math"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

// TestReadersMatchPython reads every file gen_features.py writes (with LXMERT's TSV
// writer, datasets' ArrowWriter, numpy and safetensors) and compares with the values the
// script recorded: features byte for byte, normalised boxes within 1e-6 relative.
func TestReadersMatchPython(t *testing.T) {
	dir := genFixtures(t)
	exp := readExpected(t, dir)
	require.Len(t, exp, 6)
	for name, images := range exp {
		t.Run(name, func(t *testing.T) {
			src, err := Open(filepath.Join(dir, name))
			require.NoError(t, err)
			defer src.Close()
			var ids []string
			for _, e := range images {
				ids = append(ids, e.ID)
			}
			require.Equal(t, ids, src.IDs())
			require.Equal(t, len(ids), src.Len())
			for _, e := range images {
				img, err := src.Image(e.ID)
				require.NoError(t, err)
				requireMatches(t, e, img)
			}
		})
	}
}

func requireMatches(t *testing.T, e expectedImage, img *Image) {
	t.Helper()
	require.Equal(t, e.ID, img.ID)
	require.Equal(t, [4]int{e.Height, e.Width, e.NumBoxes, e.FeatDim}, [4]int{img.Height, img.Width, img.NumBoxes, img.FeatDim}, "height, width, boxes, dim")
	raw := make([]byte, 4*len(img.Features))
	for i, v := range img.Features {
		binary.LittleEndian.PutUint32(raw[4*i:], math.Float32bits(v))
	}
	sum := sha256.Sum256(raw)
	require.Equal(t, e.FeaturesSHA256, hex.EncodeToString(sum[:]), "features bytes")
	require.Equal(t, e.FeaturesHead, img.Features[:len(e.FeaturesHead)])
	require.Len(t, img.Boxes, len(e.Boxes))
	for i := range e.Boxes {
		require.InDelta(t, e.Boxes[i], img.Boxes[i], 1e-6*math.Max(1e-6, math.Abs(float64(e.Boxes[i]))), "box value %d", i)
	}
	require.Equal(t, e.ObjectIDs, img.ObjectIDs)
	require.Equal(t, e.ObjectConf, img.ObjectConf)
	require.Equal(t, e.AttrIDs, img.AttrIDs)
	require.Equal(t, e.AttrConf, img.AttrConf)
}

// TestWriteTSVRoundTrip re-writes the images read from Python's TSV with WriteTSV and
// checks they read back the same (boxes up to the pixel round trip's rounding).
func TestWriteTSVRoundTrip(t *testing.T) {
	dir := genFixtures(t)
	src, err := OpenTSV(filepath.Join(dir, "features.tsv"), TSVOptions{NoIndexCache: true})
	require.NoError(t, err)
	defer src.Close()
	var images []*Image
	for _, id := range src.IDs() {
		img, err := src.Image(id)
		require.NoError(t, err)
		images = append(images, img)
	}
	path := writeTSVFile(t, t.TempDir(), "again.tsv", images...)
	again, err := OpenTSV(path, TSVOptions{})
	require.NoError(t, err)
	defer again.Close()
	for _, want := range images {
		got, err := again.Image(want.ID)
		require.NoError(t, err)
		require.Equal(t, want.Features, got.Features)
		for i := range want.Boxes { // pixel -> normalised -> pixel -> normalised
			require.InDelta(t, want.Boxes[i], got.Boxes[i], 1e-6)
		}
		require.Equal(t, want.ObjectIDs, got.ObjectIDs)
		require.Equal(t, want.AttrConf, got.AttrConf)
	}
}
