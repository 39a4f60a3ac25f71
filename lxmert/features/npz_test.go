package features

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// npyBytes lays out a .npy v1.0 file with the given header dict and raw data.
func npyBytes(dict string, data []byte) []byte {
	h := dict + strings.Repeat(" ", 63-(10+len(dict))%64) + "\n"
	b := append([]byte("\x93NUMPY\x01\x00"), 0, 0)
	binary.LittleEndian.PutUint16(b[8:], uint16(len(h)))
	return append(append(b, h...), data...)
}

func f32Bytes(v ...float32) []byte {
	b := make([]byte, 4*len(v))
	for i, x := range v {
		binary.LittleEndian.PutUint32(b[4*i:], math.Float32bits(x))
	}
	return b
}

// writeNPZ writes members (name without .npy -> file bytes) to dir/name.
func writeNPZ(t *testing.T, dir, name string, members map[string][]byte) string {
	var buf bytes.Buffer
	z := zip.NewWriter(&buf)
	for k, v := range members {
		w, err := z.Create(k + ".npy")
		require.NoError(t, err)
		_, err = w.Write(v)
		require.NoError(t, err)
	}
	require.NoError(t, z.Close())
	path := filepath.Join(dir, name)
	require.NoError(t, os.WriteFile(path, buf.Bytes(), 0o644))
	return path
}

func TestNPZErrors(t *testing.T) {
	dir := t.TempDir()
	feats := npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", f32Bytes(1, 2, 3, 4, 5, 6))
	boxes := npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 4), }", f32Bytes(0, 0, 0.5, 0.5, 0.1, 0.2, 0.3, 0.4))
	src, err := Open(writeNPZ(t, dir, "ok.npz", map[string][]byte{"features": feats, "boxes": boxes}))
	require.NoError(t, err)
	img, err := src.Image("ok")
	require.NoError(t, err)
	require.Equal(t, []float32{1, 2, 3, 4, 5, 6}, img.Features)
	require.Equal(t, 3, img.FeatDim)

	for name, c := range map[string]struct {
		members map[string][]byte
		want    string
	}{
		"fortran": {map[string][]byte{"boxes": boxes,
			"features": npyBytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", f32Bytes(1, 2, 3, 4, 5, 6))},
			"features.npy: npy: fortran_order True is not supported"},
		"big endian": {map[string][]byte{"boxes": boxes,
			"features": npyBytes("{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", f32Bytes(1, 2, 3, 4, 5, 6))},
			`features.npy: npy: big-endian dtype ">f4" is not supported`},
		"dtype": {map[string][]byte{"boxes": boxes,
			"features": npyBytes("{'descr': '<f2', 'fortran_order': False, 'shape': (2, 3), }", make([]byte, 12))},
			`npy: dtype "<f2" is not supported (want <f4, <f8, <i4 or <i8)`},
		"truncated": {map[string][]byte{"boxes": boxes,
			"features": npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", f32Bytes(1, 2, 3))},
			"npy: data is 12 bytes, shape [2 3] of <f4 needs 24 (truncated file?)"},
		"huge shape": {map[string][]byte{"boxes": boxes,
			"features": npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (100000, 100000), }", nil)},
			"npy: shape [100000 100000] has more than"},
		"bad header": {map[string][]byte{"boxes": boxes,
			"features": npyBytes("{'descr': '<f4', 'shape': (2, 3), }", nil)},
			"want keys descr, fortran_order and shape"},
		"no boxes": {map[string][]byte{"features": feats}, `no array "boxes"`},
		"pixel boxes without size": {map[string][]byte{"features": feats,
			"boxes": npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 4), }", f32Bytes(0, 0, 50, 50, 1, 2, 3, 4))},
			"boxes: box 0 (0, 0, 50, 50) is not normalised to [0, 1] (pixel boxes need img_h and img_w)"},
		"box count": {map[string][]byte{"features": feats,
			"boxes": npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (1, 4), }", f32Bytes(0, 0, 1, 1))},
			"boxes: shape [1 4], want [2, 4]"},
		"nan": {map[string][]byte{"boxes": boxes,
			"features": npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", f32Bytes(1, 2, float32(math.NaN()), 4, 5, 6))},
			"features: value 2 is NaN, not finite"},
		"only img_h": {map[string][]byte{"boxes": boxes, "features": feats,
			"img_h": npyBytes("{'descr': '<i8', 'fortran_order': False, 'shape': (), }", make([]byte, 8))},
			"img_h and img_w must be given together"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := Open(writeNPZ(t, dir, "bad.npz", c.members))
			require.ErrorContains(t, err, "bad.npz: ")
			require.ErrorContains(t, err, c.want)
		})
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "junk.npz"), []byte("not a zip"), 0o644))
	_, err = Open(filepath.Join(dir, "junk.npz"))
	require.ErrorContains(t, err, "junk.npz: not a readable .npz (zip) archive")
}

func TestNPYHeader(t *testing.T) {
	for _, c := range []struct {
		in    string
		shape []int
		err   string
	}{
		{"{'descr': '<f4', 'fortran_order': False, 'shape': (36, 2048), }", []int{36, 2048}, ""},
		{"{'descr': '<i8', 'fortran_order': False, 'shape': (), }", []int{}, ""},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (7,)}", []int{7}, ""},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (7,), 'x': 1}", nil, `unexpected key "x"`},
		{"{'descr': '<f8', 'descr': '<f8'}", nil, `key "descr" repeated`},
		{"{'descr': '<f8', 'fortran_order': False, 'shape': (-1,)}", nil, "bad shape"},
		{"{'descr: '<f8'", nil, "want ':'"},
		{"[]", nil, "does not start with '{'"},
	} {
		h, err := parseNPYHeader(c.in)
		if c.err != "" {
			require.ErrorContains(t, err, c.err, c.in)
			continue
		}
		require.NoError(t, err, c.in)
		require.Equal(t, c.shape, h.shape, c.in)
	}
}

func TestSafetensorsErrors(t *testing.T) {
	dir := t.TempDir()
	write := func(name, header string, data []byte) string {
		b := make([]byte, 8)
		binary.LittleEndian.PutUint64(b, uint64(len(header)))
		path := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(path, append(append(b, header...), data...), 0o644))
		return path
	}
	_, err := Open(write("u8.safetensors", `{"features":{"dtype":"U8","shape":[2,3],"data_offsets":[0,6]},"boxes":{"dtype":"F32","shape":[2,4],"data_offsets":[6,38]}}`, make([]byte, 38)))
	require.ErrorContains(t, err, "u8.safetensors: features: dtype U8 is not supported (want F32, F64, I32 or I64)")
	_, err = Open(write("nobox.safetensors", `{"features":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}}`, make([]byte, 24)))
	require.ErrorContains(t, err, `nobox.safetensors: no array "boxes"`)
	_, err = Open(write("short.safetensors", `{"features":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]}}`, make([]byte, 4)))
	require.ErrorContains(t, err, "short.safetensors")
}
