package weights

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCheckKeys(t *testing.T) {
	mk := func(names map[string][]int64) *StateDict {
		sd := NewStateDict()
		for n, s := range names {
			sd.Set(&Tensor{Name: n, DType: F32, Shape: s})
		}
		return sd
	}
	expected := map[string][]int64{"a.weight": {2, 3}, "a.bias": {2}, "tied": {4, 2}, "scalar": {}}
	optional := map[string]bool{"tied": true}
	for _, tc := range []struct {
		name string
		have map[string][]int64
		want *KeyError
	}{
		{"exact", map[string][]int64{"a.weight": {2, 3}, "a.bias": {2}, "tied": {4, 2}, "scalar": nil}, nil},
		{"optional absent", map[string][]int64{"a.weight": {2, 3}, "a.bias": {2}, "scalar": {}}, nil},
		{"everything wrong", map[string][]int64{"a.weight": {3, 2}, "tied": {2}, "z": {1}, "extra": {1}}, &KeyError{
			Missing:    []string{"a.bias", "scalar"},
			Unexpected: []string{"extra", "z"},
			Mismatched: []ShapeMismatch{{"a.weight", []int64{2, 3}, []int64{3, 2}}, {"tied", []int64{4, 2}, []int64{2}}},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := CheckKeys(mk(tc.have), expected, optional)
			if tc.want == nil {
				require.NoError(t, err)
				return
			}
			var ke *KeyError
			require.True(t, errors.As(err, &ke))
			require.Equal(t, tc.want, ke)
			require.Equal(t, "weights: state dict does not match the model: 2 missing, 2 unexpected, 2 shape mismatches"+
				"\n  missing: a.bias\n  missing: scalar\n  unexpected: extra\n  unexpected: z"+
				"\n  shape mismatch: a.weight: expected [2 3], got [3 2]\n  shape mismatch: tied: expected [4 2], got [2]", err.Error())
		})
	}
}
