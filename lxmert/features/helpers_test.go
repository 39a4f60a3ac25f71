package features

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"

	"github.com/stretchr/testify/require"
)

// genFixtures runs tests/gen_features.py with the project's venv into a temporary folder
// and returns it. A missing Python fails the test: the fixtures must come from the real
// writers (make setup creates the venv).
func genFixtures(t testing.TB) string {
	t.Helper()
	python, err := filepath.Abs(filepath.Join("..", "..", ".venv", "bin", "python"))
	require.NoError(t, err)
	script, err := filepath.Abs(filepath.Join("..", "..", "tests", "gen_features.py"))
	require.NoError(t, err)
	dir := t.TempDir()
	out, err := exec.Command(python, script, dir).CombinedOutput()
	require.NoError(t, err, "%s %s (make setup creates the venv):\n%s", python, script, out)
	return dir
}

// expectedImage is one image of gen_features.py's expected.json.
type expectedImage struct {
	ID             string    `json:"id"`
	Height         int       `json:"height"`
	Width          int       `json:"width"`
	NumBoxes       int       `json:"num_boxes"`
	FeatDim        int       `json:"feat_dim"`
	FeaturesSHA256 string    `json:"features_sha256"`
	FeaturesHead   []float32 `json:"features_head"`
	Boxes          []float32 `json:"boxes"`
	ObjectIDs      []int64   `json:"object_ids"`
	ObjectConf     []float32 `json:"object_conf"`
	AttrIDs        []int64   `json:"attr_ids"`
	AttrConf       []float32 `json:"attr_conf"`
}

func readExpected(t testing.TB, dir string) map[string][]expectedImage {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, "expected.json"))
	require.NoError(t, err)
	var exp map[string][]expectedImage
	require.NoError(t, json.Unmarshal(b, &exp))
	return exp
}

// randomImage makes a consistent image with n boxes of dimension dim.
func randomImage(rng *rand.Rand, id string, n, dim int) *Image {
	img := &Image{ID: id, Height: 100 + rng.Intn(500), Width: 100 + rng.Intn(500), NumBoxes: n, FeatDim: dim,
		Features: make([]float32, n*dim), Boxes: make([]float32, 4*n),
		ObjectIDs: make([]int64, n), ObjectConf: make([]float32, n), AttrIDs: make([]int64, n), AttrConf: make([]float32, n)}
	for i := range img.Features {
		img.Features[i] = float32(rng.NormFloat64())
	}
	for i := 0; i < n; i++ {
		x1, y1 := rng.Float32()*0.5, rng.Float32()*0.5
		copy(img.Boxes[4*i:], []float32{x1, y1, x1 + rng.Float32()*0.5, y1 + rng.Float32()*0.5})
		img.ObjectIDs[i], img.ObjectConf[i] = int64(rng.Intn(1600)), rng.Float32()
		img.AttrIDs[i], img.AttrConf[i] = int64(rng.Intn(400)), rng.Float32()
	}
	return img
}

// writeTSVFile writes images with WriteTSV to dir/name and returns the path.
func writeTSVFile(t testing.TB, dir, name string, images ...*Image) string {
	t.Helper()
	var buf bytes.Buffer
	for _, img := range images {
		require.NoError(t, WriteTSV(&buf, img))
	}
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	return path
}

func errorf(format string, a ...any) error { return fmt.Errorf(format, a...) }

// equalImages compares every field, floats bit for bit.
func equalImages(a, b *Image) bool {
	return reflect.DeepEqual(a, b)
}
