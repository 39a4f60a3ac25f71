package weights

import (
	"math"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestDTypeNames(t *testing.T) {
	for d, info := range dtypeTable {
		t.Run(info.name, func(t *testing.T) {
			got, err := ParseDType(d.String())
			require.NoError(t, err)
			require.Equal(t, d, got)
			require.True(t, d.Valid())
			require.Positive(t, d.ItemSize())
		})
	}
	require.Equal(t, "DType(99)", DType(99).String())
	require.False(t, Invalid.Valid())
	_, err := ParseDType("f32")
	require.ErrorContains(t, err, `unknown dtype "f32"`)
}

func TestNewValidates(t *testing.T) {
	for _, tc := range []struct {
		name  string
		dtype DType
		shape []int64
		data  []byte
		err   string
	}{
		{"ok matrix", F16, []int64{2, 3}, make([]byte, 12), ""},
		{"ok scalar", I64, nil, make([]byte, 8), ""},
		{"ok empty", F32, []int64{0, 7}, nil, ""},
		{"short data", F32, []int64{2}, make([]byte, 7), `tensor "x": shape [2] of F32 needs 8 bytes, data has 7`},
		{"negative dim", F32, []int64{2, -1}, nil, "negative dimension -1 at index 1"},
		{"bad dtype", Invalid, []int64{1}, make([]byte, 1), "unsupported dtype DType(0)"},
		{"overflow", U8, []int64{math.MaxInt64, 2}, nil, "more than"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New("x", tc.dtype, tc.shape, tc.data)
			if tc.err == "" {
				require.NoError(t, err)
			} else {
				require.ErrorContains(t, err, tc.err)
			}
		})
	}
	tt := &Tensor{Name: "x", DType: F32, Shape: []int64{-1}}
	require.Equal(t, int64(-1), tt.NumElements())
}

func TestConstructorsAndConversions(t *testing.T) {
	f, err := FromFloat32("f", []int64{2, 2}, []float32{1, -0.5, float32(math.Inf(1)), 3})
	require.NoError(t, err)
	require.Equal(t, int64(4), f.NumElements())
	v, err := f.Float32()
	require.NoError(t, err)
	require.Equal(t, []float32{1, -0.5, float32(math.Inf(1)), 3}, v)
	_, err = f.Int64()
	require.ErrorContains(t, err, `tensor "f": cannot convert F32 to int64`)

	i, err := FromInt64("i", []int64{3}, []int64{-7, 0, math.MaxInt64})
	require.NoError(t, err)
	iv, err := i.Int64()
	require.NoError(t, err)
	require.Equal(t, []int64{-7, 0, math.MaxInt64}, iv)
	_, err = i.Float32()
	require.ErrorContains(t, err, `tensor "i": cannot convert I64 to float32`)

	_, err = FromFloat32("f", []int64{3}, []float32{1})
	require.ErrorContains(t, err, `tensor "f": shape [3] has 3 elements, got 1 values`)
	_, err = FromInt64("i", []int64{-3}, nil)
	require.ErrorContains(t, err, "negative dimension")

	big := &Tensor{Name: "u", DType: U64, Shape: []int64{1}, Data: []byte{0, 0, 0, 0, 0, 0, 0, 0x80}}
	_, err = big.Int64()
	require.ErrorContains(t, err, `tensor "u": element 0 = 9223372036854775808 overflows int64`)
	broken := &Tensor{Name: "b", DType: F32, Shape: []int64{2}, Data: []byte{1}}
	_, err = broken.Float32()
	require.ErrorContains(t, err, "needs 8 bytes")
}

func TestStateDict(t *testing.T) {
	var sd StateDict // the zero value is usable
	a, _ := FromInt64("a", nil, []int64{1})
	b, _ := FromInt64("b", nil, []int64{2})
	c, _ := FromInt64("c", nil, []int64{3})
	for _, x := range []*Tensor{a, b, c} {
		sd.Set(x)
	}
	a2, _ := FromInt64("a", nil, []int64{10})
	sd.Set(a2)
	require.Equal(t, []string{"a", "b", "c"}, sd.Names, "replacing keeps the position")
	got, ok := sd.Get("a")
	require.True(t, ok)
	require.Same(t, a2, got)
	sd.Delete("b")
	sd.Delete("missing")
	require.Equal(t, 2, sd.Len())
	var names []string
	for name, tt := range sd.All() {
		names = append(names, name+"="+tt.Name)
	}
	require.Equal(t, []string{"a=a", "c=c"}, names)
	require.Equal(t, []*Tensor{a2, c}, sd.Tensors())
	_, ok = sd.Get("b")
	require.False(t, ok)
	require.ErrorContains(t, sd.add(c), `duplicate tensor name "c"`)
}
