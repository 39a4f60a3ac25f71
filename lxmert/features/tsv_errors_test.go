package features

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// tsvLineFields returns the fields of a valid line for img (without line ending).
func tsvLineFields(t *testing.T, img *Image) []string {
	var buf bytes.Buffer
	require.NoError(t, WriteTSV(&buf, img))
	return strings.Split(strings.TrimSuffix(buf.String(), "\n"), "\t")
}

// badTSV writes a file of three lines (ids a, b, c) where line 2 has fields changed by
// mutate, and returns its path.
func badTSV(t *testing.T, mutate func(f []string, img *Image) []string) string {
	rng := rand.New(rand.NewSource(1))
	var lines []string
	for i, id := range []string{"a", "b", "c"} {
		img := randomImage(rng, id, 2, 3)
		f := tsvLineFields(t, img)
		if i == 1 {
			f = mutate(f, img)
		}
		lines = append(lines, strings.Join(f, "\t")+"\n")
	}
	path := filepath.Join(t.TempDir(), "bad.tsv")
	require.NoError(t, os.WriteFile(path, []byte(strings.Join(lines, "")), 0o644))
	return path
}

func f32b64(v ...float32) string {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return base64.StdEncoding.EncodeToString(b)
}

// TestTSVLineErrors checks that each kind of bad line is reported when its image is read,
// naming the file, the 1-based line, the img_id and the field.
func TestTSVLineErrors(t *testing.T) {
	nan := float32(math.NaN())
	for name, c := range map[string]struct {
		mutate func(f []string, img *Image) []string
		want   string
	}{
		"bad base64": {func(f []string, _ *Image) []string { f[9] = "AAA!AAAA"; return f },
			`features: base64: illegal base64 data at input byte 3`},
		"num_boxes disagrees": {func(f []string, _ *Image) []string { f[7] = "3"; return f },
			`objects_id: 16 bytes, want num_boxes*8 = 24 (3 int64)`},
		"boxes too short": {func(f []string, _ *Image) []string { f[8] = f32b64(1, 2, 3, 4, 5, 6, 7); return f },
			`boxes: 28 bytes, want num_boxes*4*4 = 32 (8 float32)`},
		"features not rows": {func(f []string, _ *Image) []string { f[9] = f32b64(1, 2, 3, 4, 5); return f },
			`features: 20 bytes is not a positive multiple of num_boxes*4 = 8`},
		"extra field": {func(f []string, _ *Image) []string { return append(f, "x") },
			`has more than 10 tab-separated fields`},
		"short line": {func(f []string, _ *Image) []string { return f[:9] },
			`has 9 tab-separated fields, want 10`},
		"NaN feature": {func(f []string, _ *Image) []string { f[9] = f32b64(0, 1, 2, 3, nan, 5); return f },
			`features: value 4 (box 1) is NaN, not finite`},
		"infinite conf": {func(f []string, _ *Image) []string { f[4] = f32b64(0, float32(math.Inf(1))); return f },
			`objects_conf: value 1 (box 1) is +Inf, not finite`},
		"box outside": {func(f []string, img *Image) []string {
			f[8] = f32b64(0, 0, 10, 10, 5, 5, float32(img.Width)*1.5, 10)
			return f
		}, `boxes: box 1 (5, 5, `},
		"box reversed": {func(f []string, _ *Image) []string { f[8] = f32b64(0, 0, 10, 10, 8, 5, 4, 10); return f },
			`boxes: box 1 (8, 5, 4, 10) has x1 > x2 or y1 > y2`},
		"img_h not a number": {func(f []string, _ *Image) []string { f[1] = "12.5"; return f },
			`img_h: "12.5" is not a decimal integer`},
		"img_w zero": {func(f []string, _ *Image) []string { f[2] = "0"; return f },
			`img_w: 0 outside [1, 1048576]`},
		"too many boxes": {func(f []string, _ *Image) []string { f[7] = "10001"; return f },
			`num_boxes: 10001 outside [1, 10000]`},
	} {
		t.Run(name, func(t *testing.T) {
			src, err := Open(badTSV(t, c.mutate))
			require.NoError(t, err, "indexing does not decode lines")
			defer src.Close()
			_, err = src.Image("a")
			require.NoError(t, err)
			_, err = src.Image("b")
			require.ErrorContains(t, err, `bad.tsv line 2 (img_id "b"): `+c.want)
			_, err = OpenTSV(src.Path(), TSVOptions{Verify: true})
			require.ErrorContains(t, err, `bad.tsv line 2 (img_id "b"): `+c.want)
		})
	}
}

// TestTSVFileErrors checks the errors found while opening.
func TestTSVFileErrors(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	dir := t.TempDir()
	a, b := randomImage(rng, "a", 4, 8), randomImage(rng, "b", 4, 8)

	dup := writeTSVFile(t, dir, "dup.tsv", a, b, a)
	_, err := Open(dup)
	require.ErrorContains(t, err, `dup.tsv line 3: duplicate img_id "a" (first on line 1)`)

	good := writeTSVFile(t, dir, "good.tsv", a, b)
	data, err := os.ReadFile(good)
	require.NoError(t, err)
	trunc := filepath.Join(dir, "trunc.tsv")
	require.NoError(t, os.WriteFile(trunc, data[:len(data)-50], 0o644))
	_, err = Open(trunc)
	require.ErrorContains(t, err, `trunc.tsv line 2 (img_id "b"): features: `)
	require.ErrorContains(t, err, `the last line has no line ending: truncated file?`)

	// A last line without a line ending that is complete is fine.
	noEOL := filepath.Join(dir, "noeol.tsv")
	require.NoError(t, os.WriteFile(noEOL, bytes.TrimSuffix(data, []byte("\n")), 0o644))
	src, err := Open(noEOL)
	require.NoError(t, err)
	require.Equal(t, []string{"a", "b"}, src.IDs())
	src.Close()

	empty := filepath.Join(dir, "empty.tsv")
	require.NoError(t, os.WriteFile(empty, nil, 0o644))
	_, err = Open(empty)
	require.ErrorContains(t, err, `empty.tsv: no images (the file is empty)`)

	notab := filepath.Join(dir, "notab.tsv")
	require.NoError(t, os.WriteFile(notab, append(append([]byte(nil), data...), "hello\n"...), 0o644))
	_, err = Open(notab)
	require.ErrorContains(t, err, `notab.tsv line 3: no tab: not a line of the 10-field TSV`)

	src, err = Open(good)
	require.NoError(t, err)
	_, err = src.Image("COCO_404")
	require.True(t, errors.Is(err, ErrUnknownImage))
	require.ErrorContains(t, err, `unknown image id "COCO_404" in `+good)
	require.NoError(t, src.Close())
	_, err = src.Image("a")
	require.ErrorContains(t, err, "closed")
}

// TestOpenExtensions checks the extension dispatch and its errors.
func TestOpenExtensions(t *testing.T) {
	_, err := Open("x/feats.h5")
	require.ErrorContains(t, err, `x/feats.h5: unknown feature file extension ".h5" (want .tsv, .csv, .arrow, .npz or .safetensors)`)
	_, err = Open("x/feats.npy")
	require.ErrorContains(t, err, `a .npy file holds a single array`)
	_, err = Open(filepath.Join(t.TempDir(), "missing.tsv"))
	require.ErrorContains(t, err, "missing.tsv: no such file")
}
