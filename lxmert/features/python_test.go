package features

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"math"
	"math/rand"
	"os/exec"
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

// TestWriteTSVReadByLXMERT writes images with WriteTSV and decodes the file with the
// original LXMERT's load_obj_tsv logic (csv.DictReader, base64, numpy.frombuffer).
func TestWriteTSVReadByLXMERT(t *testing.T) {
	rng := rand.New(rand.NewSource(7))
	images := []*Image{randomImage(rng, "COCO_1", 36, 64), randomImage(rng, "n2", 3, 2048)}
	images[1].ObjectIDs, images[1].AttrConf = nil, nil // written as zeros
	path := writeTSVFile(t, t.TempDir(), "go.tsv", images...)
	python, err := filepath.Abs(filepath.Join("..", "..", ".venv", "bin", "python"))
	require.NoError(t, err)
	out, err := exec.Command(python, filepath.Join("..", "..", "tests", "gen_features.py"), "--read-tsv", path).Output()
	require.NoError(t, err, "%s (make setup creates the venv)", python)
	var got []struct {
		ImgID    string    `json:"img_id"`
		H        int       `json:"img_h"`
		W        int       `json:"img_w"`
		N        int       `json:"num_boxes"`
		OID      []int64   `json:"objects_id"`
		AID      []int64   `json:"attrs_id"`
		OConf    []float32 `json:"objects_conf"`
		AConf    []float32 `json:"attrs_conf"`
		Boxes    []float32 `json:"boxes"`
		Features []float32 `json:"features"`
	}
	require.NoError(t, json.Unmarshal(out, &got))
	require.Len(t, got, len(images))
	for i, img := range images {
		g := got[i]
		require.Equal(t, [4]any{img.ID, img.Height, img.Width, img.NumBoxes}, [4]any{g.ImgID, g.H, g.W, g.N})
		require.Equal(t, img.Features, g.Features)
		pixel := make([]float32, len(img.Boxes))
		for j := range pixel {
			side := img.Width
			if j%2 == 1 {
				side = img.Height
			}
			pixel[j] = img.Boxes[j] * float32(side)
		}
		require.Equal(t, pixel, g.Boxes)
		require.Equal(t, orZerosI(img.ObjectIDs, img.NumBoxes), g.OID)
		require.Equal(t, img.AttrIDs, g.AID)
		require.Equal(t, img.ObjectConf, g.OConf)
		require.Equal(t, orZerosF(img.AttrConf, img.NumBoxes), g.AConf)
	}
}
